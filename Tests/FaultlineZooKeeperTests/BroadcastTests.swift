import Testing
import FaultlineCore
@testable import FaultlineZooKeeper

@Suite struct BroadcastTests {
    @Test func writesCommitInZxidOrderOnEveryServerAndFailedWritesConsumeAZxid() {
        let zk = ZooKeeperEnsemble(seed: 11, servers: 3, settings: .fastTicks)
        let program = ScriptedClient(writes("a", 20) + [.create(path: "/w/a0", data: Array("dup".utf8), acl: ACL.openACLUnsafe, mode: .persistent)])
        zk.addClient(program: { program })
        #expect(zk.run(until: { _ in program.results.count == 22 }, timeout: .seconds(30)))
        #expect(program.results.last?.1 == .nodeExists)
        #expect(zk.run(until: { $0.serversAgree }, timeout: .seconds(5)))
        #expect(zk.violation == nil)
        let p = zk.peer(zk.leader!)!
        // 1 createSession + 21 creates + 1 failed create: 23 zxids in epoch 1.
        #expect(p.tree.lastProcessedZxid == ZxidUtils.make(epoch: 1, counter: 23))
        #expect(p.dataDir.log.map(\.zxid) == (1...23).map { ZxidUtils.make(epoch: 1, counter: $0) })
        for s in zk.servers.compactMap(zk.peer) { #expect((try? s.tree.getChildren("/w").get().0.count) == 20) }
    }

    @Test func leaderCrashElectsTheSurvivorWithTheHighestZxidInAHigherEpoch() {
        for seed in [21, 22, 23] as [UInt64] {
            let zk = ZooKeeperEnsemble(seed: seed, servers: 5, settings: .fastTicks)
            for c in 0..<3 { let p = ScriptedClient(writes("c\(c)-", 200), gap: .milliseconds(5)); zk.addClient(program: { p }) }
            guard let old = zk.waitForLeader(timeout: .seconds(20)) else { Issue.record("no leader"); continue }
            zk.run(for: .seconds(2))
            let oldEpoch = zk.peer(old)!.leaderEpoch!
            zk.crash(.leader)
            zk.run(for: .microseconds(1))
            let survivors = zk.servers.filter { $0 != old }
            let zxidAtCrash = Dictionary(uniqueKeysWithValues: survivors.map { ($0, zk.peer($0)!.dataDir.lastLoggedZxid) })
            guard let new = zk.waitForLeader(timeout: .seconds(30)) else { Issue.record("seed \(seed): no new leader"); continue }
            #expect(zk.peer(new)!.leaderEpoch! > oldEpoch)
            // The leader's death froze every log; the vote carries the last logged zxid.
            #expect(zxidAtCrash[new]! == survivors.map { zxidAtCrash[$0]! }.max()!, "seed \(seed)")
            zk.restart(old)
            #expect(zk.run(until: { z in z.peer(old)?.isServing == true }, timeout: .seconds(30)), "old leader rejoins")
            #expect(zk.peer(old)?.state == .following)
            zk.run(for: .seconds(10))
            #expect(zk.run(until: { $0.serversAgree }, timeout: .seconds(10)))
            #expect(zk.violation == nil, "\(String(describing: zk.violation))")
            #expect(zk.electionTicksAfterLeaderCrash.count == 1)
        }
    }
}
