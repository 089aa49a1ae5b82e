import FaultlineCore

/// FastLeaderElection's state for one peer: the round (logicalclock), the proposal, the
/// votes received this round (recvset) and those of peers already out of the election
/// (outofelection), and the notification back-off.
struct ElectionState {
    var logicalclock: Int64 = 0
    var proposedLeader: Int64 = 0
    var proposedZxid: Zxid = 0
    var proposedEpoch: Int64 = 0
    var recvset: [Int64: Vote] = [:]
    var outofelection: [Int64: Vote] = [:]
    var notTimeout: SimDuration = .zero
    /// Set when a quorum agreed and we wait finalizeWait for a better vote.
    var finalizing = false
    /// Bumped per lookForLeader and per finalize wait: timers of older waits are stale.
    var round: Int64 = 0
    var gotNotificationSinceTimeout = false
    /// The per-peer send queue of QuorumCnxManager holds one message (SEND_CAPACITY 1):
    /// the newest notification for each peer, re-sent by connectAll after a silent timeout.
    var sendQueue: [Int64: Notification] = [:]
}

extension QuorumPeer {
    /// FastLeaderElection.finalizeWait's initial notification timeout is 200 ms.
    static let minNotificationInterval = SimDuration.milliseconds(200)

    /// Observers propose Long.MIN_VALUE so their vote never wins (getInitId & co).
    var initId: Int64 { isObserver ? Int64.min : myid }
    var initLastLoggedZxid: Zxid { isObserver ? Int64.min : tree.lastProcessedZxid }
    var initPeerEpoch: Int64 { isObserver ? Int64.min : dataDir.currentEpoch }

    /// FastLeaderElection.totalOrderPredicate: epoch first, then zxid, then sid.
    static func totalOrderPredicate(newId: Int64, newZxid: Zxid, newEpoch: Int64,
                                    curId: Int64, curZxid: Zxid, curEpoch: Int64) -> Bool {
        (newEpoch > curEpoch) || (newEpoch == curEpoch && (newZxid > curZxid || (newZxid == curZxid && newId > curId)))
    }

    /// Starts an election round: QuorumPeer goes LOOKING and calls lookForLeader.
    func lookForLeader(_ ctx: NodeContext<ZKMessage>) {
        leader = nil
        learner = nil
        setRole(.looking, ctx)
        fastForwardDataBase()
        ctx.probe("fle.lookForLeader")
        election.recvset = [:]
        election.outofelection = [:]
        election.finalizing = false
        election.logicalclock += 1
        updateProposal(initId, initLastLoggedZxid, initPeerEpoch)
        election.notTimeout = QuorumPeer.minNotificationInterval
        sendNotifications(ctx)
        armElectionTimeout(ctx)
    }

    func updateProposal(_ leader: Int64, _ zxid: Zxid, _ epoch: Int64) {
        election.proposedLeader = leader; election.proposedZxid = zxid; election.proposedEpoch = epoch
    }

    var proposalVote: Vote {
        Vote(leader: election.proposedLeader, zxid: election.proposedZxid, electionEpoch: election.logicalclock,
             peerEpoch: election.proposedEpoch, state: .looking)
    }

    func armElectionTimeout(_ ctx: NodeContext<ZKMessage>) {
        election.round += 1
        election.gotNotificationSinceTimeout = false
        ctx.setTimer(after: election.notTimeout, .electionTimeout(round: election.round))
    }

    /// Sends our proposal to every voter (observers do not vote, so they are not asked).
    func sendNotifications(_ ctx: NodeContext<ZKMessage>) {
        for sid in quorum.voters where sid != myid {
            let n = Notification(leader: election.proposedLeader, zxid: election.proposedZxid,
                                 electionEpoch: election.logicalclock, state: .looking, sid: myid,
                                 peerEpoch: election.proposedEpoch)
            sendNotification(n, to: sid, ctx)
        }
    }

    func sendNotification(_ n: Notification, to sid: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard let node = quorum.node(of: sid) else { return }
        election.sendQueue[sid] = n
        ctx.send(.notification(n), to: node)
    }

    /// No notification within notTimeout: QuorumCnxManager.haveDelivered is true as soon as
    /// *one* peer's send queue is empty (the real code returns on the first empty queue), and
    /// then our proposal goes to everyone again; otherwise connectAll re-sends each queue's
    /// last message. Then back off, doubling up to maxNotificationInterval.
    func electionTimeout(_ round: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard state == .looking, round == election.round, !election.finalizing else { return }
        if !election.gotNotificationSinceTimeout {
            ctx.probe("fle.notificationTimeout")
            let undelivered = election.sendQueue.keys.sorted().filter { sid in
                quorum.node(of: sid).map { !ctx.hasConnection(to: $0) } ?? false
            }
            if undelivered.count < election.sendQueue.count || election.sendQueue.isEmpty {
                sendNotifications(ctx)
            } else {
                ctx.probe("fle.connectAll")
                for sid in undelivered { ctx.send(.notification(election.sendQueue[sid]!), to: quorum.node(of: sid)!) }
            }
            let doubled = election.notTimeout * 2
            election.notTimeout = doubled < settings.maxNotificationInterval ? doubled : settings.maxNotificationInterval
        }
        armElectionTimeout(ctx)
    }

    /// WorkerReceiver: what arrives while LOOKING goes to lookForLeader; a LOOKING sender in
    /// an older round, or any LOOKING sender while we are out of the election, gets our vote back.
    func receiveNotification(_ n: Notification, from: NodeID, _ ctx: NodeContext<ZKMessage>) {
        guard quorum.sid(of: from) == n.sid else { return }
        let reply: (Vote) -> Void = { v in
            let back = Notification(leader: v.leader, zxid: v.zxid, electionEpoch: v.electionEpoch,
                                    state: self.state, sid: self.myid, peerEpoch: v.peerEpoch)
            self.sendNotification(back, to: n.sid, ctx)
        }
        if !quorum.isVoter(n.sid) {
            // An observer asks: answer with our current vote, never count its own.
            reply(state == .looking ? proposalVote : currentVote)
            return
        }
        if state == .looking {
            election.gotNotificationSinceTimeout = true
            handleInLookForLeader(n, ctx)
            if state == .looking, n.state == .looking, n.electionEpoch < election.logicalclock {
                reply(proposalVote)
            }
        } else if n.state == .looking {
            reply(currentVote)
        }
    }

    /// The body of lookForLeader's loop for one notification.
    func handleInLookForLeader(_ n: Notification, _ ctx: NodeContext<ZKMessage>) {
        guard quorum.isVoter(n.leader) || n.state != .looking else { return }
        switch n.state {
        case .looking:
            if n.electionEpoch > election.logicalclock {
                ctx.probe("fle.higherRound")
                election.logicalclock = n.electionEpoch
                election.recvset = [:]
                if QuorumPeer.totalOrderPredicate(newId: n.leader, newZxid: n.zxid, newEpoch: n.peerEpoch,
                                                  curId: initId, curZxid: initLastLoggedZxid, curEpoch: initPeerEpoch) {
                    updateProposal(n.leader, n.zxid, n.peerEpoch)
                } else {
                    updateProposal(initId, initLastLoggedZxid, initPeerEpoch)
                }
                cancelFinalize(ctx)
                sendNotifications(ctx)
            } else if n.electionEpoch < election.logicalclock {
                return
            } else if QuorumPeer.totalOrderPredicate(newId: n.leader, newZxid: n.zxid, newEpoch: n.peerEpoch,
                                                     curId: election.proposedLeader, curZxid: election.proposedZxid,
                                                     curEpoch: election.proposedEpoch) {
                updateProposal(n.leader, n.zxid, n.peerEpoch)
                cancelFinalize(ctx)
                sendNotifications(ctx)
            } else if election.finalizing {
                return    // drained by the finalizeWait poll: not better, discarded
            }
            election.recvset[n.sid] = n.vote
            if !election.finalizing, hasQuorum(election.recvset, for: proposalVote) {
                election.finalizing = true
                election.round += 1
                ctx.setTimer(after: settings.finalizeWait, .finalizeWait(round: election.round))
            }
        case .observing:
            return
        case .following, .leading:
            if n.electionEpoch == election.logicalclock {
                election.recvset[n.sid] = n.vote
                if hasQuorum(election.recvset, for: n.vote), checkLeader(election.recvset, n.leader, n.electionEpoch) {
                    ctx.probe("fle.joinEstablishedSameRound")
                    endElection(Vote(leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch), ctx)
                    return
                }
            }
            election.outofelection[n.sid] = n.vote
            if hasQuorum(election.outofelection, for: n.vote, includingSelf: false), checkLeader(election.outofelection, n.leader, n.electionEpoch) {
                ctx.probe("fle.lateJoinerLearnsLeader")
                election.logicalclock = n.electionEpoch
                endElection(Vote(leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch), ctx)
            }
        }
    }

    /// A better vote arrived during finalizeWait: it goes back on the queue and the loop
    /// resumes polling with notTimeout (so a timeout is armed again).
    func cancelFinalize(_ ctx: NodeContext<ZKMessage>) {
        guard election.finalizing else { return }
        election.finalizing = false
        ctx.probe("fle.finalizeInterrupted")
        armElectionTimeout(ctx)
    }

    /// getVoteTracker(...).hasAllQuorums(): the voters whose vote matches `vote`.
    /// recvset holds our own vote too (the real peer sends its notification to itself).
    func hasQuorum(_ votes: [Int64: Vote], for vote: Vote, includingSelf: Bool = true) -> Bool {
        var agreeing = votes.keys.sorted().filter { votes[$0]!.sameProposal(vote) }
        if includingSelf, proposalVote.sameProposal(vote), !agreeing.contains(myid) { agreeing.append(myid) }
        return quorum.containsQuorum(agreeing)
    }

    /// checkLeader: a leader other than us must itself say LEADING; if it is us, the round must match.
    func checkLeader(_ votes: [Int64: Vote], _ leader: Int64, _ electionEpoch: Int64) -> Bool {
        if leader != myid { return votes[leader]?.state == .leading }
        return election.logicalclock == electionEpoch
    }

    /// finalizeWait passed with no better vote: the proposal wins.
    func finalizeElection(_ round: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard state == .looking, election.finalizing, round == election.round else { return }
        endElection(proposalVote, ctx)
    }

    /// setPeerState and leaveInstance: LEADING if we won, else FOLLOWING (OBSERVING for observers).
    func endElection(_ v: Vote, _ ctx: NodeContext<ZKMessage>) {
        election.finalizing = false
        election.round += 1
        currentVote = Vote(leader: v.leader, zxid: v.zxid, electionEpoch: v.electionEpoch, peerEpoch: v.peerEpoch)
        ctx.note("election done: leader \(v.leader) round \(v.electionEpoch)")
        if v.leader == myid && !isObserver {
            lead(ctx)
        } else {
            followLeader(v.leader, ctx)
        }
    }
}
