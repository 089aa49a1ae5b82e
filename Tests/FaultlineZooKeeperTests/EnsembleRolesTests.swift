import Testing
import FaultlineCore
import FaultlineStorage
@testable import FaultlineZooKeeper

@Suite struct EnsembleRolesTests {
    /// An observer learns the leader, gets every txn by INFORM, serves clients, and never
    /// counts toward a quorum: with two of three voters down nothing commits.
    @Test func observerFollowsTheLeaderServesReadsButNeverVotes() {
        let zk = ZooKeeperEnsemble(seed: 71, servers: 3, observers: 1, settings: .fastTicks)
        let obs = zk.observers[0]
        let writer = ScriptedClient(writes("o", 10))
        zk.addClient(connectTo: [obs]) { writer }
        #expect(zk.run(until: { _ in writer.okCount == 11 }, timeout: .seconds(20)))
        let o = zk.peer(obs)!
        #expect(o.state == .observing && o.isObserver && o.isServing)
        #expect(zk.run(until: { z in z.peer(obs)!.appliedHash == z.peer(z.leader!)!.appliedHash }, timeout: .seconds(5)))
        #expect(o.tree.exists("/w/o9") != nil)
        let leaderBefore = zk.leader!
        // Down to one voter plus the observer: no quorum, the leader must step down.
        for n in zk.servers where n != leaderBefore { zk.sim.crash(n) }
        #expect(zk.run(until: { z in z.peer(leaderBefore)?.state != .leading }, timeout: .seconds(5)))
        zk.run(for: .seconds(10))
        #expect(zk.leader == nil, "an observer's vote does not make a quorum")
        #expect(zk.violation == nil)
    }

    /// A server that starts after the ensemble elected its leader learns it from the
    /// FOLLOWING/LEADING answers to its notifications, and joins the same epoch.
    @Test func lateJoinerLearnsTheEstablishedLeader() {
        let zk = ZooKeeperEnsemble(seed: 72, servers: 5, settings: .fastTicks)
        zk.sim.start()
        let late = zk.servers[4]          // myid 5: it would win a cold-start election
        zk.sim.crash(late)
        guard let l = zk.waitForLeader(timeout: .seconds(20)) else { Issue.record("no leader"); return }
        let epoch = zk.peer(l)!.leaderEpoch!
        #expect(zk.peer(l)!.myid == 4)
        zk.restart(late)
        #expect(zk.run(until: { z in z.peer(late)?.isServing == true }, timeout: .seconds(10)))
        let p = zk.peer(late)!
        #expect(p.state == .following && p.followedLeader == 4 && p.currentEpoch == epoch)
        #expect(zk.leader == l, "the late joiner did not disturb the leader")
        #expect(zk.sim.coverage.count("fle.lateJoinerLearnsLeader") + zk.sim.coverage.count("fle.joinEstablishedSameRound") > 0)
    }

    /// acceptedEpoch and currentEpoch are files in version-2/, and a restarted server reads
    /// them back; its txn log is a real log.<zxid> file.
    @Test func epochsAndTxnLogArePersistedInTheRealFiles() throws {
        let zk = ZooKeeperEnsemble(seed: 73, servers: 3, settings: .fastTicks)
        let writer = ScriptedClient(writes("p", 5))
        zk.addClient { writer }
        #expect(zk.run(until: { z in writer.okCount == 6 && z.servers.allSatisfy { z.peer($0)!.isServing } }, timeout: .seconds(20)))
        let f = zk.followers[0]
        let dir = zk.dataDirs[f]!
        let names = try dir.disk.list("version-2")
        #expect(names.contains("acceptedEpoch") && names.contains("currentEpoch") && names.contains("snapshot.0"))
        #expect(names.contains { $0.hasPrefix("log.") })
        let h = try dir.disk.open("version-2/currentEpoch", create: false)
        #expect(String(decoding: try dir.disk.readAll(h), as: UTF8.self) == "1\n")
        zk.sim.crash(f)
        zk.restart(f)
        #expect(zk.run(until: { z in z.peer(f)?.isServing == true }, timeout: .seconds(10)))
        #expect(zk.peer(f)!.currentEpoch == 1 && zk.peer(f)!.acceptedEpoch == 1)
        #expect(zk.run(until: { $0.serversAgree }, timeout: .seconds(5)))
    }
}
