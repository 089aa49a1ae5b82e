import FaultlineCore

/// The failover (sentinel.c): start once ODOWN and not tried within 2 × failover-timeout,
/// win the epoch's election, select the best replica, SLAVEOF NO ONE, wait for it to report
/// role:master, reconfigure the other replicas (parallel-syncs at a time), then switch the
/// monitored address. Every step is bounded by failover-timeout.
extension SentinelNode {
    /// sentinelStartFailoverIfNeeded + sentinelStartFailover.
    func startFailoverIfNeeded(_ ctx: NodeContext<RedisMessage>) -> Bool {
        guard oDown, failoverState == .none else { return false }
        if let t = failoverStartTime, ctx.now - t < config.failoverTimeout * 2 { return false }
        failoverState = .waitStart
        currentEpoch += 1
        failoverEpoch = currentEpoch
        flushConfig()
        failoverStartTime = ctx.now + SimDuration(nanoseconds: Int64(ctx.random.below(UInt64(config.maxDesync.nanoseconds))))
        failoverStateChangeTime = ctx.now
        ctx.note("+new-epoch \(currentEpoch) +try-failover master \(master.address)")
        ctx.probe("sentinel.try-failover")
        return true
    }

    func failoverStateMachine(_ ctx: NodeContext<RedisMessage>) {
        switch failoverState {
        case .none, .updateConfig: return
        case .waitStart: failoverWaitStart(ctx)
        case .selectSlave: failoverSelectSlave(ctx)
        case .sendSlaveofNoOne: failoverSendSlaveofNoOne(ctx)
        case .waitPromotion:
            if ctx.now - failoverStateChangeTime! > config.failoverTimeout {
                ctx.note("-failover-abort-slave-timeout"); abortFailover(ctx)
            }
        case .reconfSlaves: failoverReconfNextSlave(ctx)
        }
    }

    func failoverWaitStart(_ ctx: NodeContext<RedisMessage>) {
        let winner = getLeader(epoch: failoverEpoch, ctx)
        guard winner == myid else {
            let timeout = min(config.electionTimeout, config.failoverTimeout)
            if let start = failoverStartTime, ctx.now - start > timeout {
                ctx.note("-failover-abort-not-elected")
                ctx.probe("sentinel.failover-abort-not-elected")
                abortFailover(ctx)
            }
            return
        }
        electedEpochs.append(failoverEpoch)
        ctx.note("+elected-leader master \(master.address) epoch \(failoverEpoch)")
        ctx.probe("sentinel.elected-leader")
        failoverState = .selectSlave
        failoverStateChangeTime = ctx.now
    }

    /// sentinelSelectSlave: drop replicas that are down, disconnected, silent for 5 PING
    /// periods, with priority 0, with stale INFO, or disconnected from the old master for too
    /// long; then the lowest replica-priority, the greatest offset, the smallest run id.
    func selectReplica(_ ctx: NodeContext<RedisMessage>) -> Int? {
        let now = ctx.now
        var maxMasterDownMs = config.downAfter.milliseconds * 10
        if master.sDown, let since = master.sDownSince { maxMasterDownMs += (now - since).milliseconds }
        let infoValidity = master.sDown ? config.pingPeriod * 5 : config.infoPeriod * 3
        let candidates = replicas.indices.filter { i in
            let r = replicas[i]
            return !r.sDown && !r.link.disconnected && now - r.link.lastAvailTime <= config.pingPeriod * 5
                && r.replicaPriority != 0 && (r.infoRefresh.map { now - $0 <= infoValidity } ?? false)
                && r.masterLinkDownTimeMs <= maxMasterDownMs
        }
        return candidates.min { a, b in
            let x = replicas[a], y = replicas[b]
            if x.replicaPriority != y.replicaPriority { return x.replicaPriority < y.replicaPriority }
            if x.replicaReplOffset != y.replicaReplOffset { return x.replicaReplOffset > y.replicaReplOffset }
            switch (x.runid, y.runid) {
            case (nil, nil): return a < b
            case (nil, _): return false
            case (_, nil): return true
            case (let p?, let q?): return p.lowercased() < q.lowercased()
            }
        }
    }

    func failoverSelectSlave(_ ctx: NodeContext<RedisMessage>) {
        guard let i = selectReplica(ctx) else {
            ctx.note("-failover-abort-no-good-slave")
            ctx.probe("sentinel.failover-abort-no-good-slave")
            abortFailover(ctx)
            return
        }
        replicas[i].promoted = true
        promotedReplica = replicas[i].address
        ctx.note("+selected-slave \(replicas[i].address) offset \(replicas[i].replicaReplOffset)")
        failoverState = .sendSlaveofNoOne
        failoverStateChangeTime = ctx.now
    }

    func failoverSendSlaveofNoOne(_ ctx: NodeContext<RedisMessage>) {
        guard let p = promotedReplica, let i = replicas.firstIndex(where: { $0.address == p }) else { abortFailover(ctx); return }
        if replicas[i].link.disconnected {
            if ctx.now - failoverStateChangeTime! > config.failoverTimeout {
                ctx.note("-failover-abort-slave-timeout"); abortFailover(ctx)
            }
            return
        }
        var r = replicas[i]; sendReplicaof(&r, to: nil, ctx); replicas[i] = r
        ctx.note("+failover-state-wait-promotion \(p)")
        failoverState = .waitPromotion
        failoverStateChangeTime = ctx.now
    }

    /// sentinelFailoverReconfNextSlave + sentinelFailoverDetectEnd.
    func failoverReconfNextSlave(_ ctx: NodeContext<RedisMessage>) {
        guard let p = promotedReplica, let pi = replicas.firstIndex(where: { $0.address == p }) else { return }
        let target = (replicas[pi].host, replicas[pi].port)
        var inProgress = replicas.filter { $0.reconfSent || $0.reconfInProgress }.count
        for i in replicas.indices where inProgress < config.parallelSyncs {
            if replicas[i].promoted || replicas[i].reconfDone { continue }
            if replicas[i].reconfSent, let t = replicas[i].reconfSentTime, ctx.now - t > config.slaveReconfTimeout {
                ctx.note("-slave-reconf-sent-timeout \(replicas[i].address)")
                replicas[i].reconfSent = false; replicas[i].reconfDone = true
            }
            if replicas[i].reconfSent || replicas[i].reconfInProgress || replicas[i].link.disconnected { continue }
            var r = replicas[i]; sendReplicaof(&r, to: target, ctx); replicas[i] = r
            replicas[i].reconfSent = true
            replicas[i].reconfSentTime = ctx.now
            ctx.note("+slave-reconf-sent \(replicas[i].address)")
            inProgress += 1
        }
        failoverDetectEnd(ctx)
    }

    func failoverDetectEnd(_ ctx: NodeContext<RedisMessage>) {
        guard let p = promotedReplica, let pi = replicas.firstIndex(where: { $0.address == p }), !replicas[pi].sDown else { return }
        var notReconfigured = replicas.filter { !$0.promoted && !$0.reconfDone && !$0.sDown }.count
        let timeout = ctx.now - failoverStateChangeTime! > config.failoverTimeout
        if timeout {
            notReconfigured = 0
            ctx.note("+failover-end-for-timeout")
        }
        if notReconfigured == 0 {
            ctx.note("+failover-end")
            failoverState = .updateConfig
            failoverStateChangeTime = ctx.now
        }
        if timeout {
            let target = (replicas[pi].host, replicas[pi].port)
            for i in replicas.indices where !replicas[i].promoted && !replicas[i].reconfDone && !replicas[i].reconfSent && !replicas[i].link.disconnected {
                var r = replicas[i]; sendReplicaof(&r, to: target, ctx); replicas[i] = r
                replicas[i].reconfSent = true
            }
        }
    }

    func abortFailover(_ ctx: NodeContext<RedisMessage>) {
        precondition(failoverState != .none && failoverState <= .waitPromotion, "only an unfinished failover aborts")
        failoverState = .none
        failoverStateChangeTime = ctx.now
        for i in replicas.indices { replicas[i].promoted = false }
        promotedReplica = nil
    }

    /// sentinelFailoverSwitchToPromotedSlave.
    func switchToPromotedReplica(_ ctx: NodeContext<RedisMessage>) {
        let target = currentMasterAddress
        ctx.note("+switch-master \(config.masterName) \(master.host) \(master.port) \(target.host) \(target.port)")
        ctx.probe("sentinel.switch-master")
        resetMasterAndChangeAddress(host: target.host, port: target.port, ctx)
    }

    /// sentinelResetMasterAndChangeAddress: the replicas become every known replica but the
    /// new master, plus the old master (so it is converted when it returns).
    func resetMasterAndChangeAddress(host newHost: String, port newPort: Int, _ ctx: NodeContext<RedisMessage>) {
        let newAddress = "\(newHost):\(newPort)"
        var addresses = replicas.map(\.address).filter { $0 != newAddress }
        if master.address != newAddress { addresses.append(master.address) }
        if let node = master.node, !master.link.disconnected { ctx.disconnect(from: node) }
        let now = ctx.now
        master = SentinelInstance(kind: .master, host: newHost, port: newPort, node: book.lookup(host: newHost, port: newPort), now: now)
        oDown = false; oDownSince = nil
        leader = nil
        failoverState = .none
        failoverStateChangeTime = nil
        failoverStartTime = nil
        promotedReplica = nil
        // The replicas' links are released too; the new master's link starts afresh (its
        // replies in flight belong to the old instance's pending commands).
        for r in replicas where !r.link.disconnected { if let n = r.node { ctx.disconnect(from: n) } }
        replicas = []
        for a in addresses { addReplica(address: a, now) }
        flushConfig()
    }
}
