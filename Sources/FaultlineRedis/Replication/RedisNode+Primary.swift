import FaultlineCore

/// The primary's side of replication (replication.c): REPLCONF, PSYNC answered with
/// +CONTINUE from the backlog or +FULLRESYNC and a snapshot, the command stream, ACKs, and
/// the good-replicas count behind min-replicas-to-write.
extension RedisNode {
    func replconfCommand(_ argv: [[UInt8]], from peer: NodeID, _ ctx: NodeContext<RedisMessage>) -> RESPValue?? {
        guard argv.count >= 3, argv.count % 2 == 1 else { return .some(.error("ERR syntax error")) }
        switch argv.word(1) {
        case "listening-port":
            guard let port = Int(argv.text(2)) else { return .some(.error("ERR value is not an integer or out of range")) }
            announcedPorts.removeAll { $0.node == peer }
            announcedPorts.append((peer, port))
            return .some(.simpleString("OK"))
        case "capa", "ip-address":
            return .some(.simpleString("OK"))
        case "ack":
            // REPLCONF ACK <offset>: never answered.
            guard let offset = Int64(argv.text(2)), let i = replicas.firstIndex(where: { $0.node == peer }) else { return .some(nil) }
            if offset > replicas[i].ackOffset { replicas[i].ackOffset = min(offset, masterReplOffset) }
            replicas[i].ackTime = ctx.now
            if replicas[i].state == .sendBulk {
                // replicaPutOnline: a diskless replica goes online with its first ACK.
                replicas[i].state = .online
                ctx.note("Synchronization with replica \(peer) succeeded")
                refreshGoodReplicasCount(ctx)
            }
            unblockSatisfiedWaits(ctx)
            return .some(nil)
        case "getack":
            return .some(nil)
        default:
            return .some(.error("ERR Unrecognized REPLCONF option: \(argv.text(1))"))
        }
    }

    /// PSYNC <replid> <offset> (syncCommand + masterTryPartialResynchronization).
    func psyncCommand(_ argv: [[UInt8]], from peer: NodeID, _ ctx: NodeContext<RedisMessage>) {
        if let link = masterLink, link.state != .connected {
            ctx.send(.reply(.error("NOMASTERLINK Can't SYNC while not connected with my master")), to: peer)
            return
        }
        replicas.removeAll { $0.node == peer }
        let port = announcedPorts.first { $0.node == peer }?.port ?? 0
        let askedReplid = argv.count > 1 ? argv.text(1) : "?"
        let askedOffset = argv.count > 2 ? Int64(argv.text(2)) ?? -1 : -1
        if tryPartialResynchronization(replid: askedReplid, offset: askedOffset) {
            ctx.send(.reply(.simpleString("CONTINUE \(replid)")), to: peer)
            for cmd in backlog!.commands(from: askedOffset) { ctx.send(.command(cmd), to: peer) }
            replicas.append(ReplicaLink(node: peer, listeningPort: port, state: .online,
                                        ackOffset: askedOffset - 1, ackTime: ctx.now))
            ctx.probe("redis.psync-continue")
            ctx.note("Partial resynchronization request from \(peer) accepted at offset \(askedOffset)")
            refreshGoodReplicasCount(ctx)
            return
        }
        ctx.probe(askedReplid == "?" ? "redis.full-resync-requested" : "redis.psync-refused")
        if replicas.isEmpty && backlog == nil {
            // The first replica of a primary without history starts a new one.
            replid = RedisNode.randomHex40(&ctx.random)
            replid2 = RedisNode.zeroReplid; secondReplOffset = -1
            backlog = ReplicationBacklog(sizeLimit: config.replBacklogSize, nextOffset: masterReplOffset + 1)
        }
        replicas.append(ReplicaLink(node: peer, listeningPort: port, state: .waitBgsave, ackOffset: 0, ackTime: ctx.now))
        assert(replicas.count <= ctx.nodeCount, "one link per replica")
        if !disklessSyncScheduled {
            disklessSyncScheduled = true
            ctx.setTimer(after: config.replDisklessSync ? config.replDisklessSyncDelay : .zero, .timer(.disklessSyncStart))
        }
    }

    /// The two replication ids Redis accepts: the current one, and the previous one up to
    /// `second_repl_offset`; then the backlog must still hold the offset.
    func tryPartialResynchronization(replid asked: String, offset: Int64) -> Bool {
        if asked != replid && (asked != replid2 || offset > secondReplOffset) { return false }
        guard let b = backlog, b.canServe(from: offset) else { return false }
        return true
    }

    /// The fork for a full sync: one snapshot for every replica waiting, +FULLRESYNC with its
    /// replid and offset, the payload, then the stream from that offset on.
    func startBgsaveForReplication(_ ctx: NodeContext<RedisMessage>) {
        disklessSyncScheduled = false
        let waiting = replicas.indices.filter { replicas[$0].state == .waitBgsave }
        guard !waiting.isEmpty else { return }
        let file = RDBFile(keyspace: keyspace, replication: RDBFile.ReplicationInfo(replid: replid, offset: masterReplOffset),
                           savedAtUnixSeconds: unixMs(ctx) / 1000)
        let payload = RDBPayload(rdb: file.encoded(), replid: replid, offset: masterReplOffset)
        for i in waiting {
            ctx.send(.reply(.simpleString("FULLRESYNC \(replid) \(masterReplOffset)")), to: replicas[i].node)
            ctx.send(.rdbPayload(payload), to: replicas[i].node)
            replicas[i].state = .sendBulk
            replicas[i].ackOffset = masterReplOffset
            replicas[i].ackTime = ctx.now
        }
        streamNeedsSelect = true
        ctx.probe("redis.full-resync")
    }

    /// replicationFeedSlaves: each command goes to the backlog (growing master_repl_offset)
    /// and to every replica past the snapshot. Nothing is fed while there is neither a
    /// backlog nor a replica, as in Redis.
    func feedReplicationStream(_ commands: [[[UInt8]]], _ ctx: NodeContext<RedisMessage>) {
        guard backlog != nil || !replicas.isEmpty else { return }
        if backlog == nil { backlog = ReplicationBacklog(sizeLimit: config.replBacklogSize, nextOffset: masterReplOffset + 1) }
        if streamNeedsSelect {
            streamNeedsSelect = false
            appendToStream([Array("SELECT".utf8), Array("0".utf8)], ctx)
        }
        for cmd in commands { appendToStream(cmd, ctx) }
    }

    /// One command onto the stream, exactly as received or generated: backlog, offset, replicas.
    func appendToStream(_ argv: [[UInt8]], _ ctx: NodeContext<RedisMessage>) {
        let bytes = respArrayByteCount(argv)
        backlog?.append(argv, bytes: bytes, offset: masterReplOffset + 1)
        masterReplOffset += bytes
        for r in replicas where r.state != .waitBgsave { ctx.send(.command(argv), to: r.node) }
    }

    /// REPLCONF GETACK * through the stream, so WAIT hears back before the next ACK second.
    func requestAckFromReplicas(_ ctx: NodeContext<RedisMessage>) {
        guard !replicas.isEmpty else { return }
        feedReplicationStream([[Array("REPLCONF".utf8), Array("GETACK".utf8), Array("*".utf8)]], ctx)
    }

    /// refreshGoodSlavesCount: online replicas whose last ACK is at most min-replicas-max-lag
    /// seconds old (Redis compares whole unix seconds).
    func refreshGoodReplicasCount(_ ctx: NodeContext<RedisMessage>) {
        guard config.minReplicasToWrite > 0, config.minReplicasMaxLag > 0 else { goodReplicasCount = 0; return }
        let nowSec = ctx.now.milliseconds / 1000
        goodReplicasCount = replicas.filter {
            $0.state == .online && nowSec - $0.ackTime.milliseconds / 1000 <= config.minReplicasMaxLag
        }.count
    }

    /// The primary's duties in replicationCron: PING every repl-ping-replica-period, drop
    /// replicas silent for repl-timeout, free an unused backlog after repl-backlog-ttl.
    func primaryCron(_ ctx: NodeContext<RedisMessage>) {
        cronLoops += 1
        let pingEvery = max(1, config.replPingReplicaPeriod.milliseconds / 1000)
        if !isReplica, !replicas.isEmpty, cronLoops % pingEvery == 0 {
            feedReplicationStream([[Array("PING".utf8)]], ctx)
        }
        let timedOut = replicas.filter { $0.state != .waitBgsave && ctx.now - $0.ackTime > config.replTimeout }
        for r in timedOut {
            ctx.note("Disconnecting timedout replica (streaming sync): \(r.node)")
            ctx.probe("redis.replica-timeout")
            ctx.disconnect(from: r.node)
            connectionClosed(r.node, ctx)
        }
        if !isReplica, replicas.isEmpty, backlog != nil, let since = noReplicasSince, ctx.now - since > config.replBacklogTTL {
            backlog = nil
            replid = RedisNode.randomHex40(&ctx.random)
            replid2 = RedisNode.zeroReplid; secondReplOffset = -1
            ctx.probe("redis.backlog-freed")
        }
        refreshGoodReplicasCount(ctx)
    }

    /// Closes every sub-replica's link (they reconnect and PSYNC, learning a new replid).
    func disconnectReplicas(_ ctx: NodeContext<RedisMessage>) {
        for r in replicas { ctx.disconnect(from: r.node) }
        replicas = []
        noReplicasSince = ctx.now
        refreshGoodReplicasCount(ctx)
    }
}
