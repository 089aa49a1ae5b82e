import FaultlineCore

/// Learner.java / Follower.java / Observer.java state: the leader followed, the sync phase,
/// and the proposals logged but not yet committed.
struct LearnerState {
    enum Phase: Equatable { case connecting, syncing, ackingNewLeader, following }
    var leaderSid: Int64
    var leaderNode: NodeID
    var phase: Phase = .connecting
    var newEpoch: Int64 = 0
    /// Local time of the last packet from the leader (the socket's soTimeout).
    var lastHeard: LocalTime
    var connectAttempts = 0
    var nextConnectAt: LocalTime
    /// packetsNotCommitted / pendingTxns: logged proposals waiting for their COMMIT.
    var pendingTxns: [(TxnHeader, Txn)] = []
    /// NEWLEADER seen: its ACK goes out once everything logged so far is flushed.
    var newLeaderAckAfterCount: Int?
}

extension QuorumPeer {
    /// Learner.connectToLeader tries this many times (within initLimit), waiting
    /// leaderConnectDelayDuringRetryMs (100 ms by default since 3.6) between attempts.
    static let connectAttemptsMax = 5
    static let connectRetryDelay = SimDuration.milliseconds(100)

    /// QuorumPeer.run, case FOLLOWING / OBSERVING: followLeader / observeLeader.
    func followLeader(_ leaderSid: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard let node = quorum.node(of: leaderSid) else { lookForLeader(ctx); return }
        setRole(isObserver ? .observing : .following, ctx)
        learner = LearnerState(leaderSid: leaderSid, leaderNode: node, lastHeard: ctx.now, nextConnectAt: ctx.now)
        registerWithLeader(ctx)
        scheduleTick(ctx)
    }

    /// registerWithLeader: FOLLOWERINFO (OBSERVERINFO) carrying our acceptedEpoch.
    func registerWithLeader(_ ctx: NodeContext<ZKMessage>) {
        guard var l = learner else { return }
        l.connectAttempts += 1
        l.nextConnectAt = ctx.now + QuorumPeer.connectRetryDelay
        learner = l
        let z = ZxidUtils.make(epoch: dataDir.acceptedEpoch, counter: 0)
        ctx.send(isObserver ? .observerInfo(sid: myid, acceptedEpochZxid: z) : .followerInfo(sid: myid, acceptedEpochZxid: z), to: l.leaderNode)
    }

    func learnerTick(_ ctx: NodeContext<ZKMessage>) {
        guard let l = learner else { return }
        let limit = l.phase == .following ? settings.syncLimit : settings.initLimit
        if l.phase == .connecting, l.connectAttempts < QuorumPeer.connectAttemptsMax, ctx.now >= l.nextConnectAt {
            registerWithLeader(ctx)
        }
        if ctx.now - l.lastHeard > settings.tickTime * limit {
            ctx.probe(l.phase == .following ? "learner.leaderSilent" : "learner.syncTimeout")
            learnerLostLeader("Read timed out: no packet from leader \(l.leaderSid) in \(limit) ticks", ctx)
            return
        }
        scheduleTick(ctx)
    }

    /// Learner.shutdown after an exception in followLeader: close the socket, go LOOKING.
    func learnerLostLeader(_ reason: String, _ ctx: NodeContext<ZKMessage>) {
        ctx.note("\(state): \(reason)")
        if let l = learner { ctx.disconnect(from: l.leaderNode) }
        lookForLeader(ctx)
    }

    func learnerReceive(_ m: ZKMessage, from: NodeID, _ ctx: NodeContext<ZKMessage>) {
        guard var l = learner, from == l.leaderNode else {
            if case .proposal = m { ctx.probe("learner.packetFromNonLeader") }
            return
        }
        l.lastHeard = ctx.now
        learner = l
        switch m {
        case .leaderInfo(let z):
            guard l.phase == .connecting else { return }
            let newEpoch = ZxidUtils.epoch(of: z)
            var ackedEpoch = dataDir.currentEpoch
            if newEpoch > dataDir.acceptedEpoch {
                dataDir.writeAcceptedEpoch(newEpoch)
            } else if newEpoch == dataDir.acceptedEpoch {
                ackedEpoch = -1   // already acked this epoch once: ZAB forbids acking it again
            } else {
                ctx.probe("learner.leaderEpochBehind")
                learnerLostLeader("Leaders epoch, \(newEpoch) is less than accepted epoch, \(dataDir.acceptedEpoch)", ctx)
                return
            }
            learner!.newEpoch = newEpoch
            learner!.phase = .syncing
            ctx.send(.ackEpoch(currentEpoch: ackedEpoch, lastLoggedZxid: tree.lastProcessedZxid), to: l.leaderNode)
        case .diff:
            guard l.phase == .syncing else { return }
            syncModesReceived.append("DIFF")
        case .trunc(let z):
            guard l.phase == .syncing else { return }
            ctx.probe("learner.trunc")
            syncModesReceived.append("TRUNC")
            ctx.note("TRUNC to \(zxidHex(z)) from \(zxidHex(dataDir.lastLoggedZxid))")
            dataDir.truncate(after: z)
            loadDataBase()
        case .snap(let z, let t, let sessions, let count, let hash):
            guard l.phase == .syncing else { return }
            ctx.probe("learner.snap")
            syncModesReceived.append("SNAP")
            var table: [Int64: Int32] = [:]
            for s in sessions { table[s.sessionId] = s.timeoutMs }
            dataDir.installSnapshot(t, sessions: table, zxid: z, chainCount: count, chainHash: hash)
            loadDataBase()
        case .proposal(let header, let txn):
            learnerProposal(header, txn, ctx)
        case .commit(let zxid):
            learnerCommit(zxid, ctx)
        case .inform(let header, let txn):
            guard isObserver, header.zxid > tree.lastProcessedZxid else { return }
            if l.phase == .following, ZxidUtils.epoch(of: header.zxid) == l.newEpoch, header.zxid != expectedNextZxid(l.newEpoch) {
                ctx.probe("observer.zxidGap")
                learnerLostLeader("Got zxid \(zxidHex(header.zxid)) expected \(zxidHex(expectedNextZxid(l.newEpoch)))", ctx)
                return
            }
            logAppend(header, txn, ctx)
            commitLocally(header, txn, ctx)
        case .newLeader(let z):
            guard l.phase == .syncing, ZxidUtils.epoch(of: z) == l.newEpoch else { return }
            // Persist the epoch, then ACK once every txn received during sync is on disk.
            dataDir.writeCurrentEpoch(l.newEpoch)
            learner!.phase = .ackingNewLeader
            learner!.newLeaderAckAfterCount = dataDir.log.count
            startFlushIfNeeded(ctx)
            maybeAckNewLeader(ctx)
        case .upToDate:
            guard l.phase == .ackingNewLeader || l.phase == .following else { return }
            learner!.phase = .following
            isServing = true
            ctx.probe("learner.upToDate")
            ctx.note("\(state) leader \(l.leaderSid) epoch \(l.newEpoch): up to date")
        case .ping:
            let touches = server.touches.keys.sorted().map { SessionTouch(sessionId: $0, timeoutMs: server.touches[$0]!) }
            server.touches = [:]
            ctx.send(.ping(zxid: tree.lastProcessedZxid, touches: touches), to: l.leaderNode)
        case .revalidate(let sessionId, _, let valid):
            finishRevalidate(sessionId, valid: valid, ctx)
        case .syncReply(let sessionId, let cxid):
            completeSync(sessionId: sessionId, cxid: cxid, ctx)
        default:
            break
        }
    }

    /// Follower.processPacket PROPOSAL: reject an older epoch, log, ACK after the flush.
    func learnerProposal(_ header: TxnHeader, _ txn: Txn, _ ctx: NodeContext<ZKMessage>) {
        guard let l = learner, !isObserver, l.phase != .connecting else { return }
        if ZxidUtils.epoch(of: header.zxid) < l.newEpoch && l.phase == .following {
            ctx.probe("follower.rejectOldEpoch")
            return
        }
        guard header.zxid > dataDir.lastLoggedZxid else { return }
        if ZxidUtils.epoch(of: header.zxid) == l.newEpoch, header.zxid != expectedNextZxid(l.newEpoch) {
            // FollowerZooKeeperServer.logRequest warns "Got zxid .. expected ..". Over TCP it
            // cannot happen; here it means packets died with a connection we were not told
            // about, so we drop the leader and resync rather than log a history with a hole.
            ctx.probe("follower.zxidGap")
            learnerLostLeader("Got zxid \(zxidHex(header.zxid)) expected \(zxidHex(expectedNextZxid(l.newEpoch)))", ctx)
            return
        }
        learner!.pendingTxns.append((header, txn))
        logAppend(header, txn, ctx)
    }

    /// The zxid the next proposal of `epoch` must carry: one past our last logged txn of
    /// that epoch, or the epoch's first.
    func expectedNextZxid(_ epoch: Int64) -> Zxid {
        let last = dataDir.lastLoggedZxid
        return ZxidUtils.epoch(of: last) == epoch ? last + 1 : ZxidUtils.make(epoch: epoch, counter: 1)
    }

    /// Follower COMMIT: it must match the first pending txn (FollowerZooKeeperServer.commit).
    func learnerCommit(_ zxid: Zxid, _ ctx: NodeContext<ZKMessage>) {
        guard let l = learner, !isObserver else { return }
        guard let first = l.pendingTxns.first else {
            if zxid > tree.lastProcessedZxid {
                ctx.probe("follower.commitWithoutTxn")
                learnerLostLeader("Committing \(zxidHex(zxid)) without seeing txn", ctx)
            }
            return
        }
        guard first.0.zxid == zxid else {
            // The real follower exits (System.exit 12); we drop out to LOOKING and let TRUNC repair.
            ctx.probe("follower.commitOutOfOrder")
            learnerLostLeader("Committing \(zxidHex(zxid)) but next pending txn \(zxidHex(first.0.zxid))", ctx)
            return
        }
        learner!.pendingTxns.removeFirst()
        commitLocally(first.0, first.1, ctx)
    }

    func learnerFlushed(_ zxids: [Zxid], _ ctx: NodeContext<ZKMessage>) {
        maybeAckNewLeader(ctx)
        guard let l = learner, !isObserver else { return }
        guard l.phase == .ackingNewLeader || l.phase == .following || l.phase == .syncing else { return }
        // SendAckRequestProcessor: one ACK per logged proposal of the current epoch.
        for z in zxids where ZxidUtils.epoch(of: z) == l.newEpoch && learner?.newLeaderAckAfterCount == nil {
            ctx.send(.ack(zxid: z), to: l.leaderNode)
        }
    }

    func maybeAckNewLeader(_ ctx: NodeContext<ZKMessage>) {
        guard let l = learner, let n = l.newLeaderAckAfterCount, flushedCount >= min(n, dataDir.log.count) else { return }
        learner!.newLeaderAckAfterCount = nil
        ctx.send(.ack(zxid: ZxidUtils.make(epoch: l.newEpoch, counter: 0)), to: l.leaderNode)
        // Proposals of the new epoch flushed together with the sync data are acked now too.
        for e in dataDir.log.prefix(flushedCount) where ZxidUtils.epoch(of: e.zxid) == l.newEpoch && l.pendingTxns.contains(where: { $0.0.zxid == e.zxid }) {
            ctx.send(.ack(zxid: e.zxid), to: l.leaderNode)
        }
    }
}
