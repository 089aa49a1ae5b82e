import FaultlineCore

/// Links, periodic commands (PING every second, INFO every 10 s, hello every 2 s), the
/// replies, INFO parsing, hello processing, SDOWN and ODOWN (sentinel.c).
extension SentinelNode {
    /// sentinelTimer → sentinelHandleDictOfRedisInstances: the master, its replicas and the
    /// other Sentinels, then the switch to the promoted replica if the failover ended.
    func sentinelTimer(_ ctx: NodeContext<RedisMessage>) {
        checkTiltCondition(ctx)
        // Each instance is worked on as a copy: the helpers read the Sentinel's other state.
        var m = master!
        handleInstance(&m, ctx)
        master = m
        guard !tilt else {
            for i in replicas.indices { var r = replicas[i]; handleInstance(&r, ctx); replicas[i] = r }
            for i in sentinels.indices { var s = sentinels[i]; handleInstance(&s, ctx); sentinels[i] = s }
            return
        }
        checkObjectivelyDown(ctx)
        if startFailoverIfNeeded(ctx) { askMasterStateToOtherSentinels(ctx, forced: true) }
        failoverStateMachine(ctx)
        askMasterStateToOtherSentinels(ctx, forced: false)
        for i in replicas.indices { var r = replicas[i]; handleInstance(&r, ctx); replicas[i] = r }
        for i in sentinels.indices { var s = sentinels[i]; handleInstance(&s, ctx); sentinels[i] = s }
        if failoverState == .updateConfig { switchToPromotedReplica(ctx) }
    }

    func handleInstance(_ ri: inout SentinelInstance, _ ctx: NodeContext<RedisMessage>) {
        reconnectInstance(&ri, ctx)
        sendPeriodicCommands(&ri, ctx)
        if tilt { return }
        checkSubjectivelyDown(&ri, ctx)
    }

    /// sentinelCheckTiltCondition, and leaving TILT once tilt-period passed.
    func checkTiltCondition(_ ctx: NodeContext<RedisMessage>) {
        let now = ctx.now
        if let prev = previousTimerTime, now < prev || now - prev > config.tiltTrigger {
            tilt = true; tiltStart = now
            ctx.note("+tilt #tilt mode entered")
            ctx.probe("sentinel.tilt")
        } else if tilt, let start = tiltStart, now - start >= config.tiltPeriod {
            tilt = false
            ctx.note("-tilt #tilt mode exited")
        }
        previousTimerTime = now
    }

    /// sentinelReconnectInstance: open the links (the model's connect is the first send).
    func reconnectInstance(_ ri: inout SentinelInstance, _ ctx: NodeContext<RedisMessage>) {
        guard ri.link.disconnected, let node = ri.node, node != ctx.node else { return }
        ri.link.disconnected = false
        ri.link.pending = []
        ri.link.connTime = ctx.now
        ri.link.pcLastActivity = ctx.now
        ri.link.subscribed = false
        sendPing(&ri, ctx)
        if ri.kind != .sentinel {
            send(.command([Array("SUBSCRIBE".utf8), Array(SentinelNode.helloChannel.utf8)]), .subscribe, &ri, ctx)
        }
    }

    func closeLink(_ ri: inout SentinelInstance) {
        ri.link.disconnected = true
        ri.link.pending = []
        ri.link.subscribed = false
    }

    func send(_ message: RedisMessage, _ kind: SentinelPending, _ ri: inout SentinelInstance, _ ctx: NodeContext<RedisMessage>) {
        guard let node = ri.node, !ri.link.disconnected else { return }
        ri.link.pending.append(kind)
        ctx.send(message, to: node)
    }

    func sendPing(_ ri: inout SentinelInstance, _ ctx: NodeContext<RedisMessage>) {
        send(.cmd("PING"), .ping, &ri, ctx)
        ri.link.lastPingTime = ctx.now
        if ri.link.actPingTime == nil { ri.link.actPingTime = ctx.now }
    }

    /// sentinelSendPeriodicCommands.
    func sendPeriodicCommands(_ ri: inout SentinelInstance, _ ctx: NodeContext<RedisMessage>) {
        guard !ri.link.disconnected, ri.link.pending.count < config.maxPendingCommands else { return }
        let now = ctx.now
        let infoPeriod: SimDuration = ri.kind == .replica && (oDown || failoverState != .none || ri.masterLinkDownTimeMs != 0)
            ? .seconds(1) : config.infoPeriod
        let pingPeriod = min(config.downAfter, config.pingPeriod)
        if ri.kind != .sentinel, ri.infoRefresh.map({ now - $0 > infoPeriod }) ?? true {
            send(.cmd("INFO"), .info, &ri, ctx)
        }
        if now - ri.link.lastPongTime > pingPeriod, ri.link.lastPingTime.map({ now - $0 > pingPeriod / 2 }) ?? true {
            sendPing(&ri, ctx)
        }
        if ri.lastPubTime.map({ now - $0 > config.publishPeriod }) ?? true {
            sendHello(&ri, ctx)
        }
    }

    /// sentinelSendHello: `ip,port,runid,current_epoch,master_name,master_ip,master_port,
    /// master_config_epoch`, published on __sentinel__:hello through every instance (and sent
    /// to every Sentinel directly).
    func sendHello(_ ri: inout SentinelInstance, _ ctx: NodeContext<RedisMessage>) {
        let m = currentMasterAddress
        let hello = "\(host),\(config.port),\(myid),\(currentEpoch),\(config.masterName),\(m.host),\(m.port),\(configEpoch)"
        send(.cmd("PUBLISH", SentinelNode.helloChannel, hello), .publish, &ri, ctx)
    }

    /// Makes every instance publish a hello at the next timer (after a promotion).
    func forceHelloUpdate() {
        master.lastPubTime = nil
        for i in replicas.indices { replicas[i].lastPubTime = nil }
        for i in sentinels.indices { sentinels[i].lastPubTime = nil }
    }

    // MARK: replies

    func handleReply(_ value: RESPValue, from node: NodeID, _ ctx: NodeContext<RedisMessage>) {
        var kind: SentinelPending?
        withInstance(node: node) { ri in
            guard !ri.link.pending.isEmpty else { return }
            kind = ri.link.pending.removeFirst()
            ri.link.lastPongTime = ctx.now
        }
        guard let kind else { return }
        switch kind {
        case .ping:
            withInstance(node: node) { ri in
                if case .simpleString("PONG") = value { ri.link.lastAvailTime = ctx.now; ri.link.actPingTime = nil }
                else if case .error(let e) = value, e.hasPrefix("LOADING") || e.hasPrefix("MASTERDOWN") {
                    ri.link.lastAvailTime = ctx.now; ri.link.actPingTime = nil
                }
            }
        case .info:
            if let text = value.text { refreshInstanceInfo(node: node, text, ctx) }
        case .publish:
            if case .integer = value { withInstance(node: node) { $0.lastPubTime = ctx.now } }
        case .subscribe:
            withInstance(node: node) { $0.link.subscribed = true; $0.link.pcLastActivity = ctx.now }
        case .isMasterDown:
            receiveIsMasterDownReply(value, from: node, ctx)
        case .discard:
            break
        }
    }

    /// sentinelRefreshInstanceInfo: what INFO says about an instance, and the actions it
    /// triggers (a promotion observed, an old master to convert, a replica to fix).
    func refreshInstanceInfo(node: NodeID, _ info: String, _ ctx: NodeContext<RedisMessage>) {
        let now = ctx.now
        var discovered: [String] = []
        var observed: SentinelInstance?
        withInstance(node: node) { ri in
            var role: SentinelInstance.Kind?
            for raw in info.split(separator: "\r\n") {
                let line = String(raw)
                if line.hasPrefix("run_id:") { ri.runid = String(line.dropFirst(7)) }
                if ri.kind == .master, line.hasPrefix("slave"), line.contains("ip="), line.contains("port=") {
                    let fields = line.split(separator: ":", maxSplits: 1).last.map { $0.split(separator: ",") } ?? []
                    var ip = "", port = ""
                    for f in fields {
                        if f.hasPrefix("ip=") { ip = String(f.dropFirst(3)) }
                        if f.hasPrefix("port=") { port = String(f.dropFirst(5)) }
                    }
                    if !ip.isEmpty, !port.isEmpty { discovered.append("\(ip):\(port)") }
                }
                if line.hasPrefix("master_link_down_since_seconds:") {
                    ri.masterLinkDownTimeMs = (Int64(line.dropFirst(31)) ?? 0) * 1000
                }
                if line == "role:master" { role = .master } else if line == "role:slave" { role = .replica }
                if role == .replica {
                    if line.hasPrefix("master_host:") {
                        let h = String(line.dropFirst(12))
                        if ri.replicaMasterHost != h { ri.replicaMasterHost = h; ri.replicaConfChangeTime = now }
                    }
                    if line.hasPrefix("master_port:"), let p = Int(line.dropFirst(12)), p != ri.replicaMasterPort {
                        ri.replicaMasterPort = p; ri.replicaConfChangeTime = now
                    }
                    if line.hasPrefix("master_link_status:") { ri.replicaMasterLinkUp = line.hasSuffix(":up") }
                    if line.hasPrefix("slave_priority:") { ri.replicaPriority = Int(line.dropFirst(15)) ?? 100 }
                    if line.hasPrefix("slave_repl_offset:") { ri.replicaReplOffset = Int64(line.dropFirst(18)) ?? 0 }
                }
            }
            if !info.contains("master_link_down_since_seconds:") { ri.masterLinkDownTimeMs = 0 }
            ri.infoRefresh = now
            if let role, role != ri.roleReported {
                ri.roleReportedTime = now
                ri.roleReported = role
                if role == .replica { ri.replicaConfChangeTime = now }
            }
            observed = ri
        }
        for address in discovered where !replicas.contains(where: { $0.address == address }) {
            addReplica(address: address, now)
            ctx.note("+slave \(address)")
            flushConfig()
        }
        guard let ri = observed, !tilt else { return }
        actOnReportedRole(ri, ctx)
    }

    /// The role-driven actions of sentinelRefreshInstanceInfo.
    func actOnReportedRole(_ ri: SentinelInstance, _ ctx: NodeContext<RedisMessage>) {
        let now = ctx.now
        guard ri.kind == .replica, let i = replicas.firstIndex(where: { $0.address == ri.address }) else { return }
        if ri.roleReported == .master {
            if ri.promoted, failoverState == .waitPromotion {
                configEpoch = failoverEpoch
                failoverState = .reconfSlaves
                failoverStateChangeTime = now
                flushConfig()
                ctx.note("+promoted-slave \(ri.address) +failover-state-reconf-slaves")
                ctx.probe("sentinel.promoted-slave")
                forceHelloUpdate()
            } else {
                let wait = config.publishPeriod * 4
                if !ri.promoted, masterLooksSane(now), noDownFor(ri, wait, now), now - ri.roleReportedTime > wait {
                    var r = replicas[i]; sendReplicaof(&r, to: (master.host, master.port), ctx); replicas[i] = r
                    ctx.note("+convert-to-slave \(ri.address)")
                    ctx.probe("sentinel.convert-to-slave")
                }
            }
        }
        if ri.roleReported == .replica, ri.replicaMasterPort != master.port || ri.replicaMasterHost != master.host {
            let wait = config.failoverTimeout
            if masterLooksSane(now), noDownFor(ri, wait, now), now - ri.replicaConfChangeTime > wait {
                var r = replicas[i]; sendReplicaof(&r, to: (master.host, master.port), ctx); replicas[i] = r
                ctx.note("+fix-slave-config \(ri.address)")
                ctx.probe("sentinel.fix-slave-config")
            }
        }
        if ri.roleReported == .replica, ri.reconfSent || ri.reconfInProgress, let p = promotedReplica {
            if ri.reconfSent, "\(ri.replicaMasterHost ?? ""):\(ri.replicaMasterPort)" == p {
                replicas[i].reconfSent = false; replicas[i].reconfInProgress = true
                ctx.note("+slave-reconf-inprog \(ri.address)")
            }
            if replicas[i].reconfInProgress, ri.replicaMasterLinkUp {
                replicas[i].reconfInProgress = false; replicas[i].reconfDone = true
                ctx.note("+slave-reconf-done \(ri.address)")
            }
        }
    }

    /// sentinelMasterLooksSane.
    func masterLooksSane(_ now: LocalTime) -> Bool {
        !master.sDown && !oDown && master.roleReported == .master
            && master.infoRefresh.map { now - $0 < config.infoPeriod * 2 } ?? false
    }

    /// sentinelRedisInstanceNoDownFor.
    func noDownFor(_ ri: SentinelInstance, _ d: SimDuration, _ now: LocalTime) -> Bool {
        var recent = ri.sDownSince
        if ri.kind == .master, let o = oDownSince, recent.map({ o > $0 }) ?? true { recent = o }
        return recent.map { now - $0 > d } ?? true
    }

    /// SLAVEOF wrapped as Sentinel sends it: MULTI, SLAVEOF, CONFIG REWRITE, CLIENT KILL TYPE
    /// normal, EXEC. (`to` nil: SLAVEOF NO ONE.)
    func sendReplicaof(_ ri: inout SentinelInstance, to target: (host: String, port: Int)?, _ ctx: NodeContext<RedisMessage>) {
        guard !ri.link.disconnected, ri.node != nil else { return }
        send(.cmd("MULTI"), .discard, &ri, ctx)
        if let t = target { send(.cmd("SLAVEOF", t.host, String(t.port)), .discard, &ri, ctx) }
        else { send(.cmd("SLAVEOF", "NO", "ONE"), .discard, &ri, ctx) }
        send(.cmd("CONFIG", "REWRITE"), .discard, &ri, ctx)
        send(.cmd("CLIENT", "KILL", "TYPE", "normal"), .discard, &ri, ctx)
        send(.cmd("EXEC"), .discard, &ri, ctx)
    }

    // MARK: hello

    /// sentinelProcessHelloMessage: learn Sentinels, adopt a greater epoch, and switch to a
    /// master configuration announced with a greater config epoch.
    func processHello(_ hello: String, _ ctx: NodeContext<RedisMessage>) {
        let t = hello.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard t.count == 8, t[4] == config.masterName, let port = Int(t[1]), let masterPort = Int(t[6]),
              let epoch = UInt64(t[3]), let helloConfigEpoch = UInt64(t[7]) else { return }
        let runid = t[2]
        if runid == myid { return }
        let now = ctx.now
        var index = sentinels.firstIndex { $0.host == t[0] && $0.port == port && $0.runid == runid }
        if index == nil {
            sentinels.removeAll { $0.runid == runid }
            sentinels.removeAll { $0.host == t[0] && $0.port == port }
            var si = SentinelInstance(kind: .sentinel, host: t[0], port: port, node: book.lookup(host: t[0], port: port), now: now)
            si.runid = runid
            sentinels.append(si)
            sentinels.sort { $0.address < $1.address }
            index = sentinels.firstIndex { $0.runid == runid }
            ctx.note("+sentinel \(t[0]):\(port) \(runid.prefix(8))")
            flushConfig()
        }
        if epoch > currentEpoch {
            currentEpoch = epoch
            flushConfig()
            ctx.note("+new-epoch \(epoch)")
        }
        if configEpoch < helloConfigEpoch {
            configEpoch = helloConfigEpoch
            if masterPort != master.port || t[5] != master.host {
                ctx.note("+config-update-from sentinel \(t[0]) +switch-master \(config.masterName) \(master.host) \(master.port) \(t[5]) \(masterPort)")
                ctx.probe("sentinel.config-update-from-hello")
                resetMasterAndChangeAddress(host: t[5], port: masterPort, ctx)
            }
            flushConfig()
        }
        if let i = index { sentinels[i].lastHelloTime = now }
    }

    // MARK: SDOWN / ODOWN

    /// sentinelCheckSubjectivelyDown, with the stale-link reconnection it starts with.
    func checkSubjectivelyDown(_ ri: inout SentinelInstance, _ ctx: NodeContext<RedisMessage>) {
        let now = ctx.now
        var elapsed = SimDuration.zero
        if let act = ri.link.actPingTime { elapsed = now - act } else if ri.link.disconnected { elapsed = now - ri.link.lastAvailTime }
        if !ri.link.disconnected, let node = ri.node, now - ri.link.connTime > config.minLinkReconnectPeriod {
            let pingStuck = ri.link.actPingTime.map { now - $0 > config.downAfter / 2 } ?? false
            let pubsubQuiet = ri.kind != .sentinel && now - ri.link.pcLastActivity > config.publishPeriod * 3
            if (pingStuck && now - ri.link.lastPongTime > config.downAfter / 2) || pubsubQuiet {
                ctx.disconnect(from: node)
                closeLink(&ri)
                ctx.probe("sentinel.link-reconnect")
            }
        }
        let reportsReplica = ri.kind == .master && ri.roleReported == .replica
            && now - ri.roleReportedTime > config.downAfter + config.infoPeriod * 2
        if elapsed > config.downAfter || reportsReplica {
            if !ri.sDown {
                ri.sDown = true; ri.sDownSince = now
                ctx.note("+sdown \(ri.kind) \(ri.address)")
                if ri.kind == .master { ctx.probe("sentinel.sdown-master") }
            }
        } else if ri.sDown {
            ri.sDown = false
            ctx.note("-sdown \(ri.kind) \(ri.address)")
        }
    }

    /// sentinelCheckObjectivelyDown: this Sentinel plus those that answered "down" reach quorum.
    func checkObjectivelyDown(_ ctx: NodeContext<RedisMessage>) {
        var votes = 0
        if master.sDown { votes = 1 + sentinels.filter(\.masterDown).count }
        let down = master.sDown && votes >= config.quorum
        if down && !oDown {
            oDown = true; oDownSince = ctx.now
            ctx.note("+odown master \(master.address) #quorum \(votes)/\(config.quorum)")
            ctx.probe("sentinel.odown")
        } else if !down && oDown {
            oDown = false
            ctx.note("-odown master \(master.address)")
        }
    }
}
