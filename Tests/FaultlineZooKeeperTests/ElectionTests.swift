import Testing
import FaultlineCore
@testable import FaultlineZooKeeper

@Suite struct ElectionTests {
    @Test(arguments: [3, 5])
    func coldStartEnsembleElectsOneLeaderAndAllAgree(servers: Int) {
        for seed in [1, 2, 3] as [UInt64] {
            let zk = ZooKeeperEnsemble(seed: seed, servers: servers, settings: .fastTicks)
            let leader = zk.waitForLeader(timeout: .seconds(20))
            #expect(leader != nil, "seed \(seed): no leader")
            zk.run(for: .seconds(2))
            #expect(zk.violation == nil, "\(String(describing: zk.violation))")
            let peers = zk.servers.compactMap(zk.peer)
            #expect(peers.filter { $0.state == .leading }.count == 1)
            #expect(peers.filter { $0.state == .following }.count == servers - 1)
            // From a cold start every zxid is 0, so the highest sid wins (totalOrderPredicate).
            #expect(zk.peer(leader!)?.myid == Int64(servers))
            #expect(peers.allSatisfy { $0.currentVote.leader == Int64(servers) && $0.isServing })
            #expect(peers.allSatisfy { $0.currentEpoch == 1 && $0.acceptedEpoch == 1 })
            for p in peers { p.checkInvariants() }
        }
    }

    @Test func totalOrderPredicateComparesEpochThenZxidThenSid() {
        #expect(QuorumPeer.totalOrderPredicate(newId: 1, newZxid: 0, newEpoch: 2, curId: 3, curZxid: 100, curEpoch: 1))
        #expect(QuorumPeer.totalOrderPredicate(newId: 1, newZxid: 5, newEpoch: 1, curId: 3, curZxid: 4, curEpoch: 1))
        #expect(!QuorumPeer.totalOrderPredicate(newId: 1, newZxid: 4, newEpoch: 1, curId: 3, curZxid: 4, curEpoch: 1))
        #expect(QuorumPeer.totalOrderPredicate(newId: 3, newZxid: 4, newEpoch: 1, curId: 1, curZxid: 4, curEpoch: 1))
    }
}
