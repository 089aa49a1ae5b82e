import FaultlineCore

/// SENTINEL is-master-down-by-addr, the vote (sentinelVoteLeader) and the count
/// (sentinelGetLeader): a leader needs a majority of all the Sentinels this one knows, and at
/// least the quorum. One vote per Sentinel per epoch, remembered across restarts through
/// sentinel.conf, is what makes "one leader per epoch" hold.
extension SentinelNode {
    /// SENTINEL IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>: reply
    /// [down?, leader runid or "*", leader epoch]; a runid other than "*" asks for a vote.
    func isMasterDownByAddr(_ argv: [[UInt8]], _ ctx: NodeContext<RedisMessage>) -> RESPValue {
        guard argv.count == 6 else { return .error("ERR wrong number of arguments for 'sentinel|is-master-down-by-addr' command") }
        guard let port = Int(argv.text(3)) else { return .error("ERR value is not an integer or out of range") }
        guard let reqEpoch = UInt64(argv.text(4)) else { return .error("ERR value is not an integer or out of range") }
        let isOurMaster = argv.text(2) == master.host && port == master.port
        let isDown = !tilt && isOurMaster && master.sDown
        var leaderRunid: String?
        var epoch: UInt64 = 0
        if isOurMaster, argv.text(5) != "*" {
            (leaderRunid, epoch) = voteLeader(epoch: reqEpoch, runid: argv.text(5), ctx)
        }
        return .array([.integer(isDown ? 1 : 0), .bulk(leaderRunid ?? "*"), .integer(Int64(epoch))])
    }

    /// sentinelVoteLeader: adopt a greater epoch; vote for `runid` if no vote was cast in
    /// this epoch yet; answer the vote held for the epoch.
    func voteLeader(epoch reqEpoch: UInt64, runid: String, _ ctx: NodeContext<RedisMessage>) -> (String?, UInt64) {
        if reqEpoch > currentEpoch {
            currentEpoch = reqEpoch
            flushConfig()
            ctx.note("+new-epoch \(reqEpoch)")
        }
        if leaderEpoch < reqEpoch && currentEpoch <= reqEpoch {
            leader = runid
            leaderEpoch = currentEpoch
            flushConfig()
            ctx.note("+vote-for-leader \(runid.prefix(8)) \(leaderEpoch)")
            if runid != myid {
                // Having voted for another, wait before trying a failover of our own.
                failoverStartTime = ctx.now + SimDuration(nanoseconds: Int64(ctx.random.below(UInt64(config.maxDesync.nanoseconds))))
            }
        }
        return (leader, leaderEpoch)
    }

    /// sentinelAskMasterStateToOtherSentinels.
    func askMasterStateToOtherSentinels(_ ctx: NodeContext<RedisMessage>, forced: Bool) {
        let now = ctx.now
        for i in sentinels.indices {
            if sentinels[i].lastMasterDownReplyTime.map({ now - $0 > config.askPeriod * 5 }) ?? true {
                sentinels[i].masterDown = false
                sentinels[i].leader = nil
            }
            guard master.sDown, !sentinels[i].link.disconnected else { continue }
            if !forced, let t = sentinels[i].lastMasterDownReplyTime, now - t < config.askPeriod { continue }
            let runid = failoverState > .none ? myid : "*"
            var s = sentinels[i]
            send(.cmd("SENTINEL", "is-master-down-by-addr", master.host, String(master.port), String(currentEpoch), runid),
                 .isMasterDown, &s, ctx)
            sentinels[i] = s
        }
    }

    /// sentinelReceiveIsMasterDownReply.
    func receiveIsMasterDownReply(_ value: RESPValue, from node: NodeID, _ ctx: NodeContext<RedisMessage>) {
        guard case .array(let items?) = value, items.count == 3,
              case .integer(let down) = items[0], let runid = items[1].text, case .integer(let epoch) = items[2],
              let i = sentinels.firstIndex(where: { $0.node == node }) else { return }
        sentinels[i].lastMasterDownReplyTime = ctx.now
        sentinels[i].masterDown = down == 1
        if runid != "*" {
            sentinels[i].leader = runid
            sentinels[i].leaderEpoch = UInt64(epoch)
        }
    }

    /// sentinelGetLeader: the runid with the most votes for `epoch`, if it has a majority of
    /// all known Sentinels (this one included) and at least the quorum.
    func getLeader(epoch: UInt64, _ ctx: NodeContext<RedisMessage>) -> String? {
        precondition(oDown || failoverState != .none, "a leader is counted only for a master down or failing over")
        var counts: [(runid: String, votes: Int)] = []
        func add(_ runid: String) -> Int {
            if let i = counts.firstIndex(where: { $0.runid == runid }) { counts[i].votes += 1; return counts[i].votes }
            counts.append((runid, 1)); return 1
        }
        for s in sentinels where s.leaderEpoch == currentEpoch { if let l = s.leader { _ = add(l) } }
        var winner: String?
        var maxVotes = 0
        // Ties go to the smaller runid so the count never depends on arrival order.
        for c in counts.sorted(by: { $0.runid < $1.runid }) where c.votes > maxVotes { maxVotes = c.votes; winner = c.runid }
        let (myVote, voteEpoch) = voteLeader(epoch: epoch, runid: winner ?? myid, ctx)
        if let myVote, voteEpoch == epoch {
            let v = add(myVote)
            if v > maxVotes { maxVotes = v; winner = myVote }
        }
        let voters = sentinels.count + 1
        if let _ = winner, maxVotes < voters / 2 + 1 || maxVotes < config.quorum { winner = nil }
        return winner
    }
}
