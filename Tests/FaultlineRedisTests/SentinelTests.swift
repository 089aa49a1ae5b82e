import Testing
import FaultlineCore
@testable import FaultlineRedis

@Suite struct SentinelTests {
    @Test(arguments: [UInt64(51), 52, 53, 54])
    func atMostOneSentinelLeaderPerEpochThroughCrashesAndSplitSentinels(seed: UInt64) {
        var settings = storySettings()
        settings.sentinelCount = 5
        settings.sentinel.quorum = 2
        settings.sentinel.failoverTimeout = .seconds(20)
        let c = RedisCluster(seed: seed, settings: settings)
        c.addStandardInvariants()
        c.sim.run(until: SimTime.zero + .seconds(25))
        // The primary dies; at the same time the Sentinels split 2 / 3 and one of the
        // majority crashes mid-election and comes back: elections race in several epochs.
        c.crash(.currentPrimary)
        c.sim.split([[c.sentinels[0], c.sentinels[1]], [c.sentinels[2], c.sentinels[3], c.sentinels[4]]])
        c.sim.run(for: .milliseconds(5_300 + Int64(seed % 7) * 100))
        c.sim.crash(c.sentinels[2])
        c.sim.run(for: .seconds(3))
        c.sim.restart(c.sentinels[2])
        c.sim.run(for: .seconds(20))
        c.sim.heal()
        c.sim.run(for: .seconds(60))
        #expect(c.sim.violation == nil, "\(c.sim.violation.map(String.init(describing:)) ?? "")")
        #expect(c.leaders.leaderByEpoch.count >= 1, "a failover happened")
        // Everyone ends up agreeing on one promoted master.
        let masters = Set(c.sentinels.compactMap { c.sentinel($0)?.currentMasterNode })
        #expect(masters.count == 1)
        #expect(masters.first != c.servers[0])
    }

    @Test func leaderLedgerReportsTwoLeadersInOneEpoch() {
        var ledger = SentinelLeaderLedger()
        #expect(ledger.record(epoch: 1, sentinel: "sentinel-1") == nil)
        #expect(ledger.record(epoch: 1, sentinel: "sentinel-1") == nil, "the same leader again is fine")
        #expect(ledger.record(epoch: 2, sentinel: "sentinel-2") == nil)
        #expect(ledger.record(epoch: 1, sentinel: "sentinel-3") == "epoch 1 has two leaders: sentinel-1 and sentinel-3")
    }

    @Test func isolatedSentinelReachesOdownButCannotBeElectedWithoutAMajority() {
        var settings = storySettings()
        settings.sentinel.quorum = 1
        let c = RedisCluster(seed: 55, settings: settings)
        c.addStandardInvariants()
        c.sim.run(until: SimTime.zero + .seconds(25))
        // sentinel-1 loses every link: with quorum 1 it declares ODOWN alone...
        c.sim.isolate(c.sentinels[0])
        c.sim.run(for: .seconds(30))
        #expect(c.sentinel(c.sentinels[0])!.isMasterObjectivelyDown)
        #expect(c.sim.coverage.count("sentinel.try-failover") >= 1)
        // ...but a leader needs a majority of all Sentinels (2 of 3): no failover.
        #expect(c.sim.coverage.count("sentinel.failover-abort-not-elected") >= 1)
        #expect(c.leaders.leaderByEpoch.isEmpty)
        #expect(c.server(c.servers[0])!.isReplica == false)
        for r in c.servers.dropFirst() { #expect(c.server(r)!.masterLink?.host == "redis-1") }
    }

    @Test func sentinelRemembersItsEpochAndVoteAcrossACrash() {
        let c = RedisCluster(seed: 56, settings: storySettings())
        c.sim.run(until: SimTime.zero + .seconds(25))
        c.crash(.currentPrimary)
        c.sim.run(for: .seconds(20))
        let s = c.sentinels[1]
        let epoch = c.sentinel(s)!.currentEpoch, vote = c.sentinel(s)!.leaderEpoch
        let configEpoch = c.sentinel(s)!.configEpoch
        #expect(epoch >= 1 && vote >= 1 && configEpoch >= 1)
        c.sim.crash(s)
        c.sim.restart(s)
        c.sim.run(for: .milliseconds(1))
        #expect(c.sentinel(s)!.currentEpoch == epoch)
        #expect(c.sentinel(s)!.leaderEpoch == vote, "a restarted Sentinel never votes twice in an epoch")
        #expect(c.sentinel(s)!.configEpoch == configEpoch)
        #expect(c.sentinel(s)!.currentMasterNode == c.sentinel(c.sentinels[0])!.currentMasterNode)
    }

    @Test func clientsFindTheMasterThroughSentinel() {
        let c = RedisCluster(seed: 57, settings: storySettings())
        c.sim.run(until: SimTime.zero + .seconds(5))
        for n in c.clients { #expect(c.client(n)!.master == c.servers[0]) }
        #expect(c.history.operations.contains { $0.f == "add" && $0.type == .ok })
    }

    @Test func pausedSentinelEntersTiltAndActsOnNothingForTheTiltPeriod() {
        let c = RedisCluster(seed: 58, settings: storySettings())
        c.addStandardInvariants()
        c.sim.run(until: SimTime.zero + .seconds(20))
        let s = c.sentinels[0]
        c.sim.pause(s)
        c.sim.run(for: .seconds(5))
        c.sim.resume(s)
        c.sim.run(for: .milliseconds(500))
        #expect(c.sentinel(s)!.tilt)
        #expect(c.sim.coverage.count("sentinel.tilt") == 1)
        // The master dies while the Sentinel is in TILT: it sees nothing go down itself,
        // while the other two fail over.
        c.crash(.currentPrimary)
        c.sim.run(for: .seconds(20))
        #expect(c.sentinel(s)!.tilt)
        #expect(!c.sentinel(s)!.isMasterSubjectivelyDown)
        #expect(c.leaders.leaderByEpoch.allSatisfy { $0.sentinel != "sentinel-1" })
        c.sim.run(for: .seconds(15))
        #expect(!c.sentinel(s)!.tilt, "TILT ends after tilt-period (30 s)")
    }
}
