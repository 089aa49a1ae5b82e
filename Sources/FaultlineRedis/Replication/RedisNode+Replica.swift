import FaultlineCore

/// The replica's side of replication (replication.c): REPLICAOF, the handshake (PING,
/// REPLCONF listening-port, REPLCONF capa eof capa psync2, PSYNC), the snapshot load, the
/// stream applied and proxied to sub-replicas, REPLCONF ACK every second, repl-timeout.
extension RedisNode {
    /// replicationSetMaster: drop the old link, keep sub-replicas, connect at once. A
    /// primary becoming a replica PSYNCs with its own replid and offset (it caches itself as
    /// the master), so a primary that wrote nothing since can continue without a full sync.
    func setMaster(host: String, port: Int, _ ctx: NodeContext<RedisMessage>, atBoot: Bool = false) {
        if masterLink == nil && !atBoot { cachedMasterUsable = true }
        if let old = masterLink?.node { ctx.disconnect(from: old) }
        unblockAllWaits(ctx)
        masterLink = MasterLink(host: host, port: port, node: book.lookup(host: host, port: port), state: .connect,
                                lastInteraction: ctx.now, handshakeStart: ctx.now, downSince: ctx.now)
        connectToMaster(ctx)
    }

    /// replicationUnsetMaster (REPLICAOF NO ONE): the node becomes a primary and starts a new
    /// history, keeping the old replid as replid2 valid up to the offset reached, so former
    /// fellow replicas can still continue partially from it.
    func unsetMaster(_ ctx: NodeContext<RedisMessage>) {
        if let old = masterLink?.node { ctx.disconnect(from: old) }
        masterLink = nil
        replid2 = replid
        secondReplOffset = masterReplOffset + 1
        replid = RedisNode.randomHex40(&ctx.random)
        disconnectReplicas(ctx)
        streamNeedsSelect = true
        if backlog == nil { backlog = ReplicationBacklog(sizeLimit: config.replBacklogSize, nextOffset: masterReplOffset + 1) }
        ctx.probe("redis.promoted")
    }

    /// connectWithMaster + the first handshake step (PING).
    func connectToMaster(_ ctx: NodeContext<RedisMessage>) {
        guard var link = masterLink, let node = link.node, node != ctx.node else { return }
        link.state = .receivePong
        link.handshakeStart = ctx.now
        link.pendingReplies = 1
        masterLink = link
        ctx.send(.cmd("PING"), to: node)
    }

    /// The link died (a close, a crash, or the replica's own timeout): back to CONNECT; the
    /// next replicationCron second reconnects.
    func masterLinkBroken(_ ctx: NodeContext<RedisMessage>, reason: String) {
        guard var link = masterLink else { return }
        if link.state == .connected {
            link.downSince = ctx.now
            ctx.note("Connection with master lost (\(reason))")
        }
        link.state = .connect
        link.pendingReplies = 0
        masterLink = link
    }

    func cancelHandshake(_ ctx: NodeContext<RedisMessage>, reason: String) {
        if let node = masterLink?.node { ctx.disconnect(from: node) }
        masterLinkBroken(ctx, reason: reason)
    }

    /// Replies from the primary during the handshake.
    func handleMasterReply(_ value: RESPValue, _ ctx: NodeContext<RedisMessage>) {
        guard var link = masterLink, let node = link.node else { return }
        link.lastInteraction = ctx.now
        switch link.state {
        case .receivePong:
            if case .error(let e) = value, !e.hasPrefix("NOAUTH"), !e.hasPrefix("NOPERM"), !e.hasPrefix("ERR operation not permitted") {
                masterLink = link; cancelHandshake(ctx, reason: "error reply to PING: \(e)"); return
            }
            link.state = .receiveReplconf
            link.pendingReplies = 2
            masterLink = link
            ctx.send(.cmd("REPLCONF", "listening-port", String(config.port)), to: node)
            ctx.send(.cmd("REPLCONF", "capa", "eof", "capa", "psync2"), to: node)
        case .receiveReplconf:
            link.pendingReplies -= 1
            masterLink = link
            if link.pendingReplies > 0 { return }
            masterLink!.state = .receivePsync
            // A replica that never synced has no cached master: PSYNC ? -1 asks for a full sync.
            let hasHistory = cachedMasterUsable
            ctx.send(.command([Array("PSYNC".utf8), Array((hasHistory ? replid : "?").utf8),
                               Array(String(hasHistory ? masterReplOffset + 1 : -1).utf8)]), to: node)
        case .receivePsync:
            masterLink = link
            guard case .simpleString(let s) = value else {
                cancelHandshake(ctx, reason: "PSYNC refused: \(value.summaryText)"); return
            }
            let words = s.split(separator: " ").map(String.init)
            if words.first == "FULLRESYNC", words.count == 3 {
                masterLink!.state = .transfer
                masterLink!.handshakeStart = ctx.now
            } else if words.first == "CONTINUE" {
                if words.count == 2, words[1] != replid {
                    // The primary's history has a new id: ours becomes the second one.
                    replid2 = replid; secondReplOffset = masterReplOffset + 1; replid = words[1]
                    disconnectReplicas(ctx)
                }
                // A replica restarted on an RDB's replication info has no backlog yet.
                if backlog == nil { backlog = ReplicationBacklog(sizeLimit: config.replBacklogSize, nextOffset: masterReplOffset + 1) }
                masterLink!.state = .connected
                masterLink!.downSince = nil
                ctx.note("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.")
            } else {
                cancelHandshake(ctx, reason: "unexpected PSYNC reply \(s)")
            }
        case .connect, .connecting, .transfer, .connected:
            masterLink = link
        }
    }

    /// readSyncBulkPayload: flush, load the snapshot, take the primary's replid and offset,
    /// start a fresh backlog, tell sub-replicas to resync, and ACK at once (which puts a
    /// diskless replica online).
    func loadRDBPayload(_ payload: RDBPayload, _ ctx: NodeContext<RedisMessage>) {
        let file: RDBFile
        do { file = try RDBFile.decode(payload.rdb, path: "the RDB from \(masterLink!.host)") } catch {
            ctx.probe("redis.rdb-load-failed")
            cancelHandshake(ctx, reason: "Failed trying to load the MASTER synchronization DB from socket: \(error)")
            return
        }
        keyspace = RedisKeyspace()
        for e in file.entries { load(e) }  // a replica keeps expired keys for its primary to expire
        replid = payload.replid
        replid2 = RedisNode.zeroReplid
        secondReplOffset = -1
        masterReplOffset = payload.offset
        backlog = ReplicationBacklog(sizeLimit: config.replBacklogSize, nextOffset: payload.offset + 1)
        disconnectReplicas(ctx)
        cachedMasterUsable = true
        masterLink!.state = .connected
        masterLink!.lastInteraction = ctx.now
        masterLink!.downSince = nil
        persistAfterFullSync(payload, ctx)
        ctx.note("MASTER <-> REPLICA sync: Finished with success (\(file.entries.count) keys)")
        sendAck(ctx)
    }

    /// One command of the stream: apply it, keep our own backlog and offset in step, proxy it
    /// to sub-replicas, answer GETACK.
    func applyStreamCommand(_ argv: [[UInt8]], _ ctx: NodeContext<RedisMessage>) {
        masterLink!.lastInteraction = ctx.now
        let name = argv.word(0)
        var getack = false
        switch name {
        case "ping", "select": break
        case "replconf": getack = argv.word(1) == "getack"
        default:
            RedisCommands.applyPropagated(argv, to: &keyspace, nowMs: unixMs(ctx))
            dirtySinceSave += 1
            appendToAOF([argv], ctx)
        }
        // The ACK a GETACK asks for reports the offset before the GETACK itself (reploff is
        // updated after the command), as Redis does.
        if getack { sendAck(ctx) }
        appendToStream(argv, ctx)
    }

    func sendAck(_ ctx: NodeContext<RedisMessage>) {
        guard let link = masterLink, link.state == .connected, let node = link.node else { return }
        ctx.send(.cmd("REPLCONF", "ACK", String(masterReplOffset)), to: node)
    }

    /// replicationCron, once a second, for both roles.
    func replicationCron(_ ctx: NodeContext<RedisMessage>) {
        if let link = masterLink {
            switch link.state {
            case .connect:
                connectToMaster(ctx)
            case .connecting, .receivePong, .receiveReplconf, .receivePsync:
                if ctx.now - link.handshakeStart > config.replTimeout { cancelHandshake(ctx, reason: "Timeout connecting to the MASTER...") }
            case .transfer:
                if ctx.now - link.handshakeStart > config.replTimeout { cancelHandshake(ctx, reason: "Timeout receiving bulk data from MASTER...") }
            case .connected:
                if ctx.now - link.lastInteraction > config.replTimeout {
                    ctx.probe("redis.master-timeout")
                    cancelHandshake(ctx, reason: "MASTER timeout: no data nor PING received...")
                } else {
                    sendAck(ctx)
                }
            }
        }
        primaryCron(ctx)
    }
}
