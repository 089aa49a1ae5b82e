import FaultlineCore

/// The server commands the node answers itself (the contract leaves them to it): INFO,
/// ROLE, REPLICAOF/SLAVEOF, REPLCONF, PSYNC, WAIT, MULTI/EXEC, CONFIG REWRITE, CLIENT KILL,
/// SUBSCRIBE and PUBLISH. Replies follow Redis 7.0's texts.
extension RedisNode {
    /// nil: not a server command. `.some(nil)`: handled, nothing to send now (REPLCONF ACK,
    /// a blocked WAIT, PSYNC which answers on its own).
    func serverCommand(_ name: String, _ argv: [[UInt8]], from peer: NodeID,
                       _ ctx: NodeContext<RedisMessage>) -> RESPValue?? {
        switch name {
        case "info": return .some(.bulk(infoText(section: argv.count > 1 ? argv.word(1) : "default", ctx)))
        case "role": return .some(roleReply())
        case "replicaof", "slaveof": return .some(replicaofCommand(argv, ctx))
        case "replconf": return replconfCommand(argv, from: peer, ctx)
        case "psync", "sync":
            psyncCommand(argv, from: peer, ctx); return .some(nil)
        case "wait": return waitCommand(argv, from: peer, ctx)
        case "multi":
            if multiQueues[peer] != nil { return .some(.error("ERR MULTI calls can not be nested")) }
            multiQueues[peer] = []; return .some(.simpleString("OK"))
        case "discard":
            if multiQueues.removeValue(forKey: peer) == nil { return .some(.error("ERR DISCARD without MULTI")) }
            return .some(.simpleString("OK"))
        case "exec":
            guard let queued = multiQueues.removeValue(forKey: peer) else { return .some(.error("ERR EXEC without MULTI")) }
            var replies: [RESPValue] = []
            for cmd in queued {
                if let r = serverCommand(cmd.word(0), cmd, from: peer, ctx) { replies.append((r ?? nil) ?? .simpleString("OK")) }
                else { replies.append(dataCommand(cmd, from: peer, ctx)) }
            }
            return .some(.array(replies))
        case "config":
            return .some(argv.word(1) == "rewrite" ? configRewrite(ctx) : .error("ERR unknown subcommand '\(argv.text(1))'. Try CONFIG HELP."))
        case "client":
            if argv.word(1) == "kill", argv.word(2) == "type", argv.word(3) == "normal" {
                let replicaNodes = replicas.map(\.node)
                let victims = normalClients.filter { $0 != peer && $0 != masterLink?.node && !replicaNodes.contains($0) }
                for v in victims { ctx.disconnect(from: v); connectionClosed(v, ctx) }
                ctx.probe("redis.client-kill-normal")
                return .some(.integer(Int64(victims.count)))
            }
            return .some(.error("ERR syntax error"))
        case "subscribe":
            var out: [RESPValue] = []
            for (i, ch) in argv.dropFirst().enumerated() {
                let channel = String(decoding: ch, as: UTF8.self)
                if !subscribers.contains(where: { $0.node == peer && $0.channel == channel }) { subscribers.append((peer, channel)) }
                out += [.bulk("subscribe"), .bulk(channel), .integer(Int64(i + 1))]
            }
            return .some(.array(out))
        case "publish":
            guard argv.count == 3 else { return .some(.error("ERR wrong number of arguments for 'publish' command")) }
            let channel = argv.text(1), payload = argv.text(2)
            let targets = subscribers.filter { $0.channel == channel }
            for t in targets { ctx.send(.pubsubMessage(channel: channel, payload: payload), to: t.node) }
            return .some(.integer(Int64(targets.count)))
        default:
            return nil
        }
    }

    // MARK: INFO and ROLE

    /// INFO's text: `# Server` (for run_id, as Sentinel reads it) and `# Replication`,
    /// with Redis 7.0's field names and order.
    func infoText(section: String, _ ctx: NodeContext<RedisMessage>) -> String {
        var s = ""
        if section != "replication" {
            s += "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nrun_id:\(runID)\r\ntcp_port:\(config.port)\r\n\r\n"
        }
        let nowSec = ctx.now.milliseconds / 1000
        s += "# Replication\r\nrole:\(isReplica ? "slave" : "master")\r\n"
        if let link = masterLink {
            s += "master_host:\(link.host)\r\nmaster_port:\(link.port)\r\n"
            s += "master_link_status:\(link.state == .connected ? "up" : "down")\r\n"
            let lastIO = link.state == .connected ? nowSec - link.lastInteraction.milliseconds / 1000 : -1
            s += "master_last_io_seconds_ago:\(lastIO)\r\n"
            s += "master_sync_in_progress:\(link.state == .transfer ? 1 : 0)\r\n"
            s += "slave_read_repl_offset:\(masterReplOffset)\r\nslave_repl_offset:\(masterReplOffset)\r\n"
            if link.state != .connected {
                let down = link.downSince.map { nowSec - $0.milliseconds / 1000 } ?? -1
                s += "master_link_down_since_seconds:\(down)\r\n"
            }
            s += "slave_priority:\(config.replicaPriority)\r\nslave_read_only:\(config.replicaReadOnly ? 1 : 0)\r\nreplica_announced:1\r\n"
        }
        s += "connected_slaves:\(replicas.count)\r\n"
        if config.minReplicasToWrite > 0 && config.minReplicasMaxLag > 0 {
            s += "min_slaves_good_slaves:\(goodReplicasCount)\r\n"
        }
        for (i, r) in replicas.enumerated() {
            let ip = book.address(of: r.node)?.host ?? "?"
            let lag = r.state == .online ? nowSec - r.ackTime.milliseconds / 1000 : 0
            s += "slave\(i):ip=\(ip),port=\(r.listeningPort),state=\(r.state.rawValue),offset=\(r.ackOffset),lag=\(lag)\r\n"
        }
        s += "master_failover_state:no-failover\r\nmaster_replid:\(replid)\r\nmaster_replid2:\(replid2)\r\n"
        s += "master_repl_offset:\(masterReplOffset)\r\nsecond_repl_offset:\(secondReplOffset)\r\n"
        s += "repl_backlog_active:\(backlog == nil ? 0 : 1)\r\nrepl_backlog_size:\(config.replBacklogSize)\r\n"
        s += "repl_backlog_first_byte_offset:\(backlog?.firstByteOffset ?? 0)\r\nrepl_backlog_histlen:\(backlog?.histlen ?? 0)\r\n"
        return s
    }

    func roleReply() -> RESPValue {
        if let link = masterLink {
            let state: String
            switch link.state {
            case .connect: state = "connect"
            case .connecting: state = "connecting"
            case .receivePong, .receiveReplconf, .receivePsync: state = "handshake"
            case .transfer: state = "sync"
            case .connected: state = "connected"
            }
            return .array([.bulk("slave"), .bulk(link.host), .integer(Int64(link.port)), .bulk(state),
                           .integer(link.state == .connected ? masterReplOffset : -1)])
        }
        let online = replicas.filter { $0.state == .online }.map { r -> RESPValue in
            .array([.bulk(book.address(of: r.node)?.host ?? "?"), .bulk(String(r.listeningPort)), .bulk(String(r.ackOffset))])
        }
        return .array([.bulk("master"), .integer(masterReplOffset), .array(online)])
    }

    // MARK: REPLICAOF

    func replicaofCommand(_ argv: [[UInt8]], _ ctx: NodeContext<RedisMessage>) -> RESPValue {
        guard argv.count == 3 else { return .error("ERR wrong number of arguments for '\(argv.word(0))' command") }
        if argv.word(1) == "no" && argv.word(2) == "one" {
            if masterLink != nil {
                unsetMaster(ctx)
                ctx.note("MASTER MODE enabled (user request)")
            }
            return .simpleString("OK")
        }
        guard let port = Int(argv.text(2)), port > 0, port < 65536 else { return .error("ERR Invalid master port") }
        let host = argv.text(1)
        if let link = masterLink, link.host == host, link.port == port {
            return .simpleString("OK Already connected to specified master")
        }
        setMaster(host: host, port: port, ctx)
        ctx.note("REPLICAOF \(host):\(port) enabled (user request)")
        return .simpleString("OK")
    }

    // MARK: WAIT

    /// WAIT numreplicas timeout: blocks until that many replicas acknowledged the offset of
    /// this client's last write, or the timeout (ms, 0 = forever); answers how many did.
    func waitCommand(_ argv: [[UInt8]], from peer: NodeID, _ ctx: NodeContext<RedisMessage>) -> RESPValue?? {
        guard argv.count == 3 else { return .some(.error("ERR wrong number of arguments for 'wait' command")) }
        if isReplica {
            return .some(.error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated."))
        }
        guard let n = Int(argv.text(1)) else { return .some(.error("ERR value is not an integer or out of range")) }
        guard let timeoutMs = Int64(argv.text(2)) else { return .some(.error("ERR timeout is not an integer or out of range")) }
        if timeoutMs < 0 { return .some(.error("ERR timeout is negative")) }
        let target = clientWriteOffset[peer] ?? 0
        let acked = replicasAcked(offset: target)
        if acked >= n { return .some(.integer(Int64(acked))) }
        var wait = BlockedWait(id: nextWaitID, client: peer, numReplicas: n, targetOffset: target, timer: nil)
        nextWaitID += 1
        if timeoutMs > 0 { wait.timer = ctx.setTimer(after: .milliseconds(timeoutMs), .timer(.waitTimeout(wait.id))) }
        blockedWaits.append(wait)
        precondition(blockedWaits.count <= 10_000, "blocked WAIT clients are bounded by the clients")
        requestAckFromReplicas(ctx)
        return .some(nil)
    }

    func replicasAcked(offset: Int64) -> Int {
        replicas.filter { $0.state == .online && $0.ackOffset >= offset }.count
    }

    /// After an ACK: answer every WAIT that has its replicas now.
    func unblockSatisfiedWaits(_ ctx: NodeContext<RedisMessage>) {
        var still: [BlockedWait] = []
        for w in blockedWaits {
            let acked = replicasAcked(offset: w.targetOffset)
            if acked >= w.numReplicas {
                if let t = w.timer { ctx.cancelTimer(t) }
                ctx.send(.reply(.integer(Int64(acked))), to: w.client)
            } else {
                still.append(w)
            }
        }
        blockedWaits = still
    }

    func waitTimedOut(_ id: UInt64, _ ctx: NodeContext<RedisMessage>) {
        guard let i = blockedWaits.firstIndex(where: { $0.id == id }) else { return }
        let w = blockedWaits.remove(at: i)
        ctx.probe("redis.wait-timeout")
        ctx.send(.reply(.integer(Int64(replicasAcked(offset: w.targetOffset)))), to: w.client)
    }

    /// A role change unblocks WAIT with an error (disconnectAllBlockedClients).
    func unblockAllWaits(_ ctx: NodeContext<RedisMessage>) {
        for w in blockedWaits {
            if let t = w.timer { ctx.cancelTimer(t) }
            ctx.send(.reply(.error("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)")), to: w.client)
        }
        blockedWaits = []
    }
}
