import FaultlineCore

/// Leader.java's state: the epoch being established, one LearnerHandler per learner, the
/// outstanding proposals and the committed log kept for DIFF syncs.
struct LeaderState {
    enum Phase: Equatable { case discovery, epochAck, newLeaderAck, broadcast }
    var phase: Phase = .discovery
    /// The epoch proposed (getEpochToPropose): max acceptedEpoch of a quorum, plus one.
    var epoch: Int64?
    var handlers: [Int64: LearnerHandler] = [:]
    var connectingFollowers: [Int64] = []
    var electingFollowers: [Int64] = []
    var newLeaderAcks: [Int64] = []
    var outstanding: [Proposal] = []
    var lastProposed: Zxid = 0
    var lastCommitted: Zxid = 0
    /// ZKDatabase.committedLog: the last commitLogCount committed txns.
    var committedLog: [ZKDataDir.LogEntry] = []
    var committedLogTrimmed = false
    /// PrepRequestProcessor: checks writes against the tree plus the outstanding changes.
    var preparer = RequestPreparer()
    var sessionTracker = SessionTracker()
    /// Leader.self.tick, incremented every other half-tick (tickSkip).
    var tick: Int64 = 0
    var tickSkip = true
    /// The tick by which the current phase (discovery, epoch ack, NEWLEADER ack) must finish.
    var phaseDeadlineTick: Int64 = 0
    /// SYNC requests waiting for the proposals that were outstanding when they arrived.
    var pendingSyncs: [(learner: Int64?, sessionId: Int64, cxid: Int32, until: Zxid)] = []

    struct Proposal {
        var header: TxnHeader
        var txn: Txn
        var acks: [Int64] = []
    }

    func checkInvariants() {
        for i in outstanding.indices.dropFirst() { precondition(outstanding[i - 1].header.zxid < outstanding[i].header.zxid) }
        if let first = outstanding.first { precondition(first.header.zxid > lastCommitted, "outstanding below lastCommitted") }
        precondition(lastCommitted <= lastProposed)
    }
}

/// One learner as the leader sees it (LearnerHandler.java).
struct LearnerHandler {
    enum Phase: Int, Comparable { case info, epochAcked, syncing, newLeaderAcked, upToDate
        static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue } }
    var sid: Int64
    var node: NodeID
    var isObserver: Bool
    var phase: Phase = .info
    var acceptedEpoch: Int64
    var tickOfNextAckDeadline: Int64
    /// The last zxid the learner reported in ACKEPOCH.
    var peerLastZxid: Zxid = 0
    /// Proposals and commits are forwarded to it (it was added to forwardingFollowers).
    var forwarding = false
}

extension QuorumPeer {
    /// QuorumPeer.run, case LEADING: Leader.lead().
    func lead(_ ctx: NodeContext<ZKMessage>) {
        setRole(.leading, ctx)
        ctx.probe("leader.lead")
        var l = LeaderState()
        l.connectingFollowers = [myid]
        l.phaseDeadlineTick = settings.initLimit
        leader = l
        scheduleTick(ctx)
    }

    var leaderNewEpochZxid: Zxid { ZxidUtils.make(epoch: leader?.epoch ?? 0, counter: 0) }

    func leaderReceive(_ m: ZKMessage, from sid: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader, let node = quorum.node(of: sid) else { return }
        if var h = l.handlers[sid] { h.tickOfNextAckDeadline = l.tick + (h.phase >= .newLeaderAcked ? settings.syncLimit : settings.initLimit + settings.syncLimit); l.handlers[sid] = h }
        leader = l
        switch m {
        case .followerInfo(_, let acceptedZxid), .observerInfo(_, let acceptedZxid):
            var observerInfo = false
            if case .observerInfo = m { observerInfo = true }
            registerLearner(sid, node: node, observer: observerInfo, acceptedEpoch: ZxidUtils.epoch(of: acceptedZxid), ctx)
        case .ackEpoch(let epoch, let lastZxid):
            receiveAckEpoch(sid, currentEpoch: epoch, lastZxid: lastZxid, ctx)
        case .ack(let zxid):
            if ZxidUtils.counter(of: zxid) == 0 && zxid == leaderNewEpochZxid {
                receiveNewLeaderAck(sid, ctx)
            } else {
                processAck(sid, zxid, ctx)
            }
        case .request(let sessionId, let cxid, let request):
            submitRequest(sessionId: sessionId, cxid: cxid, request, fromLearner: sid, ctx)
        case .revalidate(let sessionId, let timeout, _):
            guard leader?.phase == .broadcast else { return }
            let valid = leader!.sessionTracker.touch(sessionId, timeoutMs: timeout, now: ctx.now, tickTime: settings.tickTime)
            ctx.send(.revalidate(sessionId: sessionId, timeoutMs: timeout, valid: valid), to: node)
        case .ping(_, let touches):
            for t in touches { _ = leader!.sessionTracker.touch(t.sessionId, timeoutMs: t.timeoutMs, now: ctx.now, tickTime: settings.tickTime) }
        default:
            break
        }
    }

    /// FOLLOWERINFO / OBSERVERINFO: a learner connected (LearnerHandler.run's first packet).
    func registerLearner(_ sid: Int64, node: NodeID, observer: Bool, acceptedEpoch: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader else { return }
        if let h = l.handlers[sid], h.phase == .info {
            if let e = l.epoch { ctx.send(.leaderInfo(newEpochZxid: ZxidUtils.make(epoch: e, counter: 0)), to: node) }
            return
        }
        l.handlers[sid] = LearnerHandler(sid: sid, node: node, isObserver: observer, acceptedEpoch: acceptedEpoch,
                                         tickOfNextAckDeadline: l.tick + settings.initLimit + settings.syncLimit)
        l.connectingFollowers.removeAll { $0 == sid }
        l.electingFollowers.removeAll { $0 == sid }
        l.newLeaderAcks.removeAll { $0 == sid }
        if !observer { l.connectingFollowers.append(sid) }
        leader = l
        if let e = l.epoch {
            ctx.send(.leaderInfo(newEpochZxid: ZxidUtils.make(epoch: e, counter: 0)), to: node)
        } else if quorum.containsQuorum(l.connectingFollowers) {
            // getEpochToPropose: a quorum connected; the new epoch exceeds all their acceptedEpochs.
            var maxEpoch = dataDir.acceptedEpoch
            for s in l.connectingFollowers where s != myid { maxEpoch = max(maxEpoch, l.handlers[s]!.acceptedEpoch) }
            let epoch = maxEpoch + 1
            dataDir.writeAcceptedEpoch(epoch)
            leader!.epoch = epoch
            leader!.phase = .epochAck
            leader!.phaseDeadlineTick = leader!.tick + settings.initLimit
            leader!.electingFollowers = [myid]
            ctx.note("LEADING: proposing epoch \(epoch)")
            for s in leader!.handlers.keys.sorted() {
                ctx.send(.leaderInfo(newEpochZxid: ZxidUtils.make(epoch: epoch, counter: 0)), to: leader!.handlers[s]!.node)
            }
        }
    }

    /// ACKEPOCH: the learner took our epoch and told us its history (waitForEpochAck).
    func receiveAckEpoch(_ sid: Int64, currentEpoch: Int64, lastZxid: Zxid, _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader, var h = l.handlers[sid], h.phase == .info, l.epoch != nil else { return }
        // StateSummary.isMoreRecentThan: a follower ahead of us means we must not lead.
        if currentEpoch != -1 && !h.isObserver &&
            (currentEpoch > dataDir.currentEpoch || (currentEpoch == dataDir.currentEpoch && lastZxid > tree.lastProcessedZxid)) {
            ctx.probe("leader.followerAhead")
            leaderShutdown("Follower is ahead of the leader", ctx)
            return
        }
        h.phase = .epochAcked
        h.peerLastZxid = lastZxid
        l.handlers[sid] = h
        if !h.isObserver && !l.electingFollowers.contains(sid) { l.electingFollowers.append(sid) }
        leader = l
        if l.phase == .epochAck {
            guard quorum.containsQuorum(l.electingFollowers) else { return }
            // A quorum took the epoch: it becomes ours, and every acked learner is synced.
            dataDir.writeCurrentEpoch(l.epoch!)
            establishDatabaseForEpoch()
            leader!.phase = .newLeaderAck
            leader!.phaseDeadlineTick = leader!.tick + settings.initLimit
            leader!.newLeaderAcks = [myid]
            for s in leader!.handlers.keys.sorted() where leader!.handlers[s]!.phase == .epochAcked {
                syncFollower(s, peerLastZxid: leader!.handlers[s]!.peerLastZxid, ctx)
            }
        } else if l.phase != .discovery {
            syncFollower(sid, peerLastZxid: lastZxid, ctx)
        }
    }

    /// The leader's own history becomes the committed log of the new epoch.
    func establishDatabaseForEpoch() {
        guard var l = leader, let epoch = l.epoch else { return }
        let entries = dataDir.log
        l.committedLog = Array(entries.suffix(settings.commitLogCount))
        l.committedLogTrimmed = entries.count > settings.commitLogCount || (dataDir.snapshot?.zxid ?? 0) > 0
        l.lastCommitted = tree.lastProcessedZxid
        l.lastProposed = ZxidUtils.make(epoch: epoch, counter: 0)
        l.preparer.reset()
        leader = l
    }

    /// LearnerHandler.syncFollower: DIFF, TRUNC (then DIFF) or SNAP, from the committed log.
    func syncFollower(_ sid: Int64, peerLastZxid: Zxid, _ ctx: NodeContext<ZKMessage>) {
        guard let l = leader, let h = l.handlers[sid] else { return }
        let maxCommitted = l.lastCommitted
        let log = l.committedLog
        // Without trimming the committed log reaches back to zxid 0.
        let minCommitted: Zxid = l.committedLogTrimmed ? (log.first?.zxid ?? maxCommitted) : 0
        var queued: [ZKDataDir.LogEntry] = []
        if peerLastZxid == maxCommitted {
            ctx.probe("leader.syncDiffEmpty")
            ctx.send(.diff(zxid: maxCommitted), to: h.node)
        } else if peerLastZxid > maxCommitted {
            ctx.probe("leader.syncTrunc")
            ctx.send(.trunc(zxid: maxCommitted), to: h.node)
        } else if peerLastZxid >= minCommitted && (peerLastZxid == minCommitted && !l.committedLogTrimmed || log.contains { $0.zxid == peerLastZxid }) {
            ctx.probe("leader.syncDiff")
            ctx.send(.diff(zxid: maxCommitted), to: h.node)
            queued = log.filter { $0.zxid > peerLastZxid }
        } else if peerLastZxid > minCommitted, let prev = log.last(where: { $0.zxid < peerLastZxid })?.zxid ?? (l.committedLogTrimmed ? nil : 0) {
            // The peer logged a txn we never committed: truncate to the txn before it, then DIFF.
            ctx.probe("leader.syncTruncThenDiff")
            ctx.send(.trunc(zxid: prev), to: h.node)
            queued = log.filter { $0.zxid > prev }
        } else {
            sendSnap(h.node, ctx)
        }
        finishSyncQueue(sid, queued, ctx)
    }

    func sendSnap(_ node: NodeID, _ ctx: NodeContext<ZKMessage>) {
        ctx.probe("leader.syncSnap")
        ctx.send(.snap(zxid: tree.lastProcessedZxid, tree: tree, sessions: sessionList,
                       chainCount: appliedCount, chainHash: appliedHash), to: node)
    }

    /// Queues the committed txns, the outstanding proposals and NEWLEADER, and starts
    /// forwarding new proposals to the learner.
    func finishSyncQueue(_ sid: Int64, _ queued: [ZKDataDir.LogEntry], _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader, var h = l.handlers[sid] else { return }
        for e in queued {
            ctx.send(h.isObserver ? .inform(e.header, e.txn) : .proposal(e.header, e.txn), to: h.node)
            if !h.isObserver { ctx.send(.commit(zxid: e.zxid), to: h.node) }
        }
        if !h.isObserver { for p in l.outstanding { ctx.send(.proposal(p.header, p.txn), to: h.node) } }
        ctx.send(.newLeader(zxid: ZxidUtils.make(epoch: l.epoch!, counter: 0)), to: h.node)
        h.phase = .syncing
        h.forwarding = true
        l.handlers[sid] = h
        leader = l
    }

    /// ACK of NEWLEADER: a quorum of them establishes the leader (waitForNewLeaderAck).
    func receiveNewLeaderAck(_ sid: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader, var h = l.handlers[sid], h.phase == .syncing else { return }
        h.phase = .newLeaderAcked
        l.handlers[sid] = h
        if !h.isObserver && !l.newLeaderAcks.contains(sid) { l.newLeaderAcks.append(sid) }
        leader = l
        if l.phase == .newLeaderAck {
            guard quorum.containsQuorum(l.newLeaderAcks) else { return }
            leader!.phase = .broadcast
            ctx.probe("leader.established")
            ctx.note("LEADING: epoch \(l.epoch!) established with \(l.newLeaderAcks.sorted())")
            leader!.sessionTracker.load(sessionList, now: ctx.now, tickTime: settings.tickTime)
            isServing = true
            for s in leader!.handlers.keys.sorted() where leader!.handlers[s]!.phase == .newLeaderAcked {
                sendUpToDate(s, ctx)
            }
        } else if l.phase == .broadcast {
            sendUpToDate(sid, ctx)
        }
    }

    func sendUpToDate(_ sid: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard let h = leader?.handlers[sid] else { return }
        leader!.handlers[sid]!.phase = .upToDate
        ctx.send(.upToDate, to: h.node)
    }

    // MARK: broadcast

    /// Prepares a write with the epoch's next zxid and proposes it (an error txn too).
    func prepareAndPropose(_ request: ZKRequest, sessionId: Int64, cxid: Int32, _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader, l.phase == .broadcast else { return }
        precondition(ZxidUtils.counter(of: l.lastProposed) < 0xFFFF_FFFF, "zxid counter exhausted")
        let check: KeeperErrorCode
        switch request { case .createSession, .closeSession: check = .ok; default: check = l.sessionTracker.isValid(sessionId) ? .ok : .sessionExpired }
        guard let prepared = l.preparer.prepare(request, sessionId: sessionId, cxid: cxid, zxid: l.lastProposed + 1,
                                                time: ctx.now.milliseconds, tree: tree, sessionCheck: check) else { return }
        leader = l
        propose(prepared.header, prepared.txn, ctx)
    }

    /// Leader.propose: the next zxid of the epoch, to every forwarding follower and our own log.
    func propose(_ header: TxnHeader, _ txn: Txn, _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader, l.phase == .broadcast else { return }
        precondition(header.zxid == l.lastProposed + 1, "zxids are proposed in order")
        l.lastProposed = header.zxid
        l.outstanding.append(LeaderState.Proposal(header: header, txn: txn))
        leader = l
        for s in l.handlers.keys.sorted() {
            let h = l.handlers[s]!
            if h.forwarding && !h.isObserver { ctx.send(.proposal(header, txn), to: h.node) }
        }
        logAppend(header, txn, ctx)
    }

    func leaderFlushed(_ zxids: [Zxid], _ ctx: NodeContext<ZKMessage>) {
        for z in zxids { processAck(myid, z, ctx) }
    }

    /// Leader.processAck then tryToCommit, strictly in zxid order.
    func processAck(_ sid: Int64, _ zxid: Zxid, _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader, l.phase == .broadcast, zxid > l.lastCommitted else { return }
        guard let i = l.outstanding.firstIndex(where: { $0.header.zxid == zxid }) else { return }
        if !l.outstanding[i].acks.contains(sid) { l.outstanding[i].acks.append(sid) }
        leader = l
        while let first = leader!.outstanding.first, quorum.containsQuorum(first.acks) {
            leader!.outstanding.removeFirst()
            commit(first, ctx)
        }
    }

    func commit(_ p: LeaderState.Proposal, _ ctx: NodeContext<ZKMessage>) {
        leader!.lastCommitted = p.header.zxid
        leader!.committedLog.append(ZKDataDir.LogEntry(header: p.header, txn: p.txn))
        if leader!.committedLog.count > settings.commitLogCount {
            leader!.committedLog.removeFirst(leader!.committedLog.count - settings.commitLogCount)
            leader!.committedLogTrimmed = true
        }
        for s in leader!.handlers.keys.sorted() {
            let h = leader!.handlers[s]!
            guard h.forwarding else { continue }
            ctx.send(h.isObserver ? .inform(p.header, p.txn) : .commit(zxid: p.header.zxid), to: h.node)
        }
        commitLocally(p.header, p.txn, ctx)
        leader?.preparer.applied(zxid: p.header.zxid)
        answerPendingSyncs(ctx)
    }

    func answerPendingSyncs(_ ctx: NodeContext<ZKMessage>) {
        guard let l = leader else { return }
        let ready = l.pendingSyncs.filter { $0.until <= l.lastCommitted }
        leader!.pendingSyncs.removeAll { $0.until <= l.lastCommitted }
        for s in ready {
            if let sid = s.learner { if let h = l.handlers[sid] { ctx.send(.syncReply(sessionId: s.sessionId, cxid: s.cxid), to: h.node) } }
            else { completeSync(sessionId: s.sessionId, cxid: s.cxid, ctx) }
        }
    }

    // MARK: liveness of the quorum

    /// Leader.lead's loop, every tickTime/2: ping the learners and, every other time, step
    /// down if a quorum is no longer synced (no packet within syncLimit ticks).
    func leaderTick(_ ctx: NodeContext<ZKMessage>) {
        guard var l = leader else { return }
        if !l.tickSkip { l.tick += 1 }
        leader = l
        switch l.phase {
        case .discovery, .epochAck, .newLeaderAck:
            if l.tick > l.phaseDeadlineTick {
                ctx.probe("leader.timeoutWaitingForQuorum")
                leaderShutdown("Timeout while waiting for a quorum in phase \(l.phase)", ctx); return
            }
        case .broadcast:
            if !l.tickSkip {
                var synced: [Int64] = [myid]
                for s in l.handlers.keys.sorted() {
                    let h = l.handlers[s]!
                    if h.forwarding && !h.isObserver && l.tick <= h.tickOfNextAckDeadline { synced.append(s) }
                }
                if !quorum.containsQuorum(synced) {
                    ctx.probe("leader.lostQuorum")
                    leaderShutdown("Not sufficient followers synced, only synced with sids: \(synced)", ctx); return
                }
                expireSessions(ctx)
            }
            for s in l.handlers.keys.sorted() { ctx.send(.ping(zxid: l.lastProposed, touches: []), to: l.handlers[s]!.node) }
        }
        leader!.tickSkip.toggle()
        scheduleTick(ctx)
    }

    func leaderLostLearner(_ sid: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard leader != nil else { return }
        leader!.handlers[sid] = nil
        leader!.connectingFollowers.removeAll { $0 == sid }
    }

    /// Leader.shutdown: close every learner connection and go back to LOOKING.
    func leaderShutdown(_ reason: String, _ ctx: NodeContext<ZKMessage>) {
        ctx.note("LEADING: shutdown: \(reason)")
        if let l = leader {
            for s in l.handlers.keys.sorted() { ctx.disconnect(from: l.handlers[s]!.node) }
        }
        lookForLeader(ctx)
    }
}
