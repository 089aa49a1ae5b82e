import Testing
import FaultlineCore
@testable import FaultlineZooKeeper

@Suite struct RecipeTests {
    /// Three clients contend for the lock on a 5-server ensemble; the leader crashes
    /// (twice). The lock keeps changing hands and never has two holders in true time.
    @Test func lockRecipeStaysExclusiveThroughLeaderFailover() {
        for seed in [61, 62, 63] as [UInt64] {
            let zk = ZooKeeperEnsemble(seed: seed, servers: 5, settings: .fastTicks)
            var recipes: [LockRecipe] = []
            for i in 0..<3 {
                let r = LockRecipe(ownerName: "c\(i)", ledger: zk.lockLedger, holdFor: .milliseconds(300), pauseBetween: .milliseconds(100))
                recipes.append(r)
                zk.addClient(sessionTimeout: .seconds(3)) { r }
            }
            guard zk.waitForLeader(timeout: .seconds(20)) != nil else { Issue.record("no leader"); continue }
            zk.run(for: .seconds(5))
            let before = zk.lockLedger.acquisitions
            #expect(before >= 3, "seed \(seed): the lock changed hands before the failover")
            for _ in 0..<2 {
                let old = zk.crash(.leader)!
                zk.run(for: .seconds(8))
                zk.restart(old)
                zk.run(for: .seconds(4))
            }
            #expect(zk.violation == nil, "seed \(seed): \(String(describing: zk.violation))")
            #expect(zk.lockLedger.violation == nil)
            #expect(zk.lockLedger.acquisitions > before + 3, "seed \(seed): the lock kept working after failover")
            #expect(recipes.allSatisfy { $0.acquiredCount > 0 })
            #expect(zk.electionTicksAfterLeaderCrash.count == 2)
        }
    }

    /// The ledger catches an overlap: a checker that cannot fail checks nothing.
    @Test func lockLedgerReportsTwoHoldersAtOnce() {
        let l = LockLedger()
        l.acquire("a", at: .zero)
        l.release("a", at: SimTime(nanoseconds: 5))
        #expect(l.violation == nil)
        l.acquire("b", at: SimTime(nanoseconds: 6))
        l.acquire("c", at: SimTime(nanoseconds: 7))
        #expect(l.violation?.contains("c acquired") == true)
    }

    /// Candidates elect one leader; when its session is lost another takes over, and there
    /// is never more than one leader at a time.
    @Test func leaderElectionRecipeHandsOverWhenTheLeaderDies() {
        let zk = ZooKeeperEnsemble(seed: 64, servers: 3, settings: .fastTicks)
        var candidates: [LeaderElectionRecipe] = []
        var nodes: [NodeID] = []
        for i in 0..<3 {
            let r = LeaderElectionRecipe(candidate: "cand\(i)", ledger: zk.lockLedger)
            candidates.append(r)
            nodes.append(zk.addClient(sessionTimeout: .seconds(2)) { r })
        }
        #expect(zk.run(until: { _ in candidates.filter(\.isLeader).count == 1 }, timeout: .seconds(20)))
        let first = candidates.firstIndex { $0.isLeader }!
        zk.sim.crash(nodes[first])
        #expect(zk.run(until: { _ in candidates.enumerated().contains { $0.offset != first && $0.element.isLeader } }, timeout: .seconds(10)))
        #expect(zk.lockLedger.violation == nil && zk.violation == nil)
        #expect(zk.lockLedger.acquisitions == 2)
    }
}
