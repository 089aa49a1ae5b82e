import Testing
import FaultlineCore
@testable import FaultlineZooKeeper

@Suite struct SyncTests {
    /// Leader and one follower are cut off from three followers; the leader's proposals
    /// reach only that follower (2 of 5: never committed). The follower crashes with them
    /// on disk; the majority elects a new leader; the restarted follower is told TRUNC.
    @Test func followerRestartedWithLongerUncommittedLogGetsTrunc() {
        for seed in [31, 32] as [UInt64] {
            let zk = ZooKeeperEnsemble(seed: seed, servers: 5, settings: .fastTicks)
            guard let l = zk.waitForLeader(timeout: .seconds(20)) else { Issue.record("no leader"); continue }
            let oldEpoch = zk.peer(l)!.leaderEpoch!
            let f1 = zk.followers[0]
            let rest = zk.servers.filter { $0 != l && $0 != f1 }
            let writer = ScriptedClient(writes("u", 50), gap: .milliseconds(20))
            zk.addClient(connectTo: [l]) { writer }
            #expect(zk.run(until: { _ in writer.okCount >= 5 }, timeout: .seconds(10)))
            for r in rest { zk.sim.cutBoth(l, r) }
            zk.run(for: .milliseconds(300))
            let committedBefore = zk.peer(rest[0])!.tree.lastProcessedZxid
            let f1Logged = zk.peer(f1)!.dataDir.lastLoggedZxid
            #expect(f1Logged > committedBefore, "seed \(seed): the follower holds proposals the majority never saw")
            zk.sim.crash(f1)
            #expect(zk.dataDirs[f1]!.lastLoggedZxid > committedBefore, "uncommitted proposals were fsynced")
            zk.run(until: { z in z.leader != nil && z.leader != l }, timeout: .seconds(30))
            guard let nl = zk.leader, nl != l else { Issue.record("seed \(seed): majority elected nobody"); continue }
            #expect(zk.peer(nl)!.leaderEpoch! > oldEpoch)
            zk.restart(f1)
            #expect(zk.run(until: { z in z.peer(f1)?.isServing == true }, timeout: .seconds(30)))
            let p = zk.peer(f1)!
            #expect(p.syncModesReceived.first == "TRUNC", "seed \(seed): got \(p.syncModesReceived)")
            #expect(p.dataDir.log.allSatisfy { $0.zxid <= committedBefore || ZxidUtils.epoch(of: $0.zxid) > oldEpoch })
            zk.heal()
            zk.run(for: .seconds(5))
            #expect(zk.run(until: { $0.serversAgree }, timeout: .seconds(20)))
            #expect(zk.violation == nil, "\(String(describing: zk.violation))")
        }
    }

    /// The leader and one follower end up in a minority: the leader steps down after
    /// syncLimit ticks without a quorum, the majority elects a leader in a higher epoch, and
    /// after healing the old leader's uncommitted proposals are gone from every server.
    @Test func leaderPartitionedIntoMinorityStepsDownAndItsUncommittedProposalsAreDiscarded() {
        for seed in [41, 42, 43] as [UInt64] {
            let zk = ZooKeeperEnsemble(seed: seed, servers: 5, settings: .fastTicks)
            guard let l = zk.waitForLeader(timeout: .seconds(20)) else { Issue.record("no leader"); continue }
            let oldEpoch = zk.peer(l)!.leaderEpoch!
            let writer = ScriptedClient(writes("m", 100), gap: .milliseconds(20))
            zk.addClient(connectTo: [l]) { writer }
            #expect(zk.run(until: { _ in writer.okCount >= 5 }, timeout: .seconds(10)))
            let (majority, minority) = zk.partitionLeaderIntoMinority()!
            #expect(minority.contains(l) && minority.count == 2 && majority.count == 3)
            let okAtSplit = writer.okCount
            // syncLimit (5) ticks of 200 ms without a quorum: the leader gives up.
            #expect(zk.run(until: { z in z.peer(l)?.state != .leading }, timeout: .seconds(3)))
            let uncommitted = zk.peer(l)!.dataDir.log.filter { e in
                !zk.peer(majority[0])!.dataDir.log.contains { $0.zxid == e.zxid } }.map(\.zxid)
            #expect(!uncommitted.isEmpty, "seed \(seed): the old leader proposed into the minority")
            #expect(writer.okCount == okAtSplit, "nothing was acknowledged without a quorum")
            guard let nl = zk.waitForLeader(timeout: .seconds(30)) else { Issue.record("no majority leader"); continue }
            #expect(majority.contains(nl) && zk.peer(nl)!.leaderEpoch! > oldEpoch)
            zk.heal()
            #expect(zk.run(until: { z in minority.allSatisfy { z.peer($0)?.isServing == true } }, timeout: .seconds(30)))
            zk.run(for: .seconds(3))
            #expect(zk.run(until: { $0.serversAgree }, timeout: .seconds(20)))
            for n in zk.servers {
                let log = zk.peer(n)!.dataDir.log.map(\.zxid)
                #expect(uncommitted.allSatisfy { !log.contains($0) }, "server \(n) kept an uncommitted proposal")
            }
            #expect(zk.peer(l)!.syncModesReceived.contains("TRUNC"))
            #expect(zk.violation == nil, "\(String(describing: zk.violation))")
        }
    }
}
