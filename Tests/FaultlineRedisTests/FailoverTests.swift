import Testing
import FaultlineCore
@testable import FaultlineRedis

/// Settings most stories share: Sentinel's test-suite timings (down-after 5 s,
/// failover-timeout 60 s), everything else the defaults.
func storySettings(_ preset: RedisPreset = .async) -> RedisClusterSettings {
    var s = RedisClusterSettings(preset: preset)
    s.sentinel.downAfter = .seconds(5)
    s.sentinel.failoverTimeout = .seconds(60)
    return s
}

@Suite struct FailoverTests {
    @Test func sentinelPromotesTheBestReplicaAfterThePrimaryCrashes() {
        var settings = storySettings()
        settings.replicaPriorities = [100, 50]      // redis-3 is preferred
        let c = RedisCluster(seed: 11, settings: settings)
        c.addStandardInvariants()
        c.sim.run(until: SimTime.zero + .seconds(30))
        #expect(c.currentPrimary() == c.servers[0])
        for s in c.sentinels {
            #expect(c.sentinel(s)!.knownSentinelCount == 2, "hello messages introduced the Sentinels")
            #expect(c.sentinel(s)!.knownReplicaAddresses.count == 2, "INFO listed the replicas")
        }
        let writesBefore = c.clients.map { c.client($0)!.acknowledgedWrites }.reduce(0, +)
        #expect(writesBefore > 100)

        let oldReplid = c.server(c.servers[0])!.replid
        c.sim.crash(c.servers[0])
        c.sim.run(for: .seconds(30))
        #expect(c.sim.violation == nil)
        let promoted = c.servers[2]
        // The promoted replica keeps the old history as replid2, so redis-2 continued
        // partially from it instead of copying the dataset again.
        #expect(c.server(promoted)!.replid2 == oldReplid)
        #expect(c.server(promoted)!.replid != oldReplid)
        #expect(c.server(promoted)!.secondReplOffset > 0)
        #expect(c.sim.coverage.count("redis.psync-continue") >= 1)
        for s in c.sentinels { #expect(c.sentinel(s)!.currentMasterNode == promoted) }
        #expect(c.server(promoted)!.isReplica == false)
        #expect(c.server(c.servers[1])!.masterLink?.host == "redis-3")
        #expect(c.server(c.servers[1])!.masterLink?.state == .connected)
        #expect(c.leaders.leaderByEpoch.count == 1)
        #expect(c.sim.coverage.count("sentinel.switch-master") >= 1)
        // Clients found the new master through Sentinel and kept writing.
        c.sim.run(for: .seconds(5))
        let writesAfter = c.clients.map { c.client($0)!.acknowledgedWrites }.reduce(0, +)
        #expect(writesAfter > writesBefore + 50)

        // The old primary returns and is turned into a replica of the new one.
        c.sim.restart(c.servers[0])
        c.sim.run(for: .seconds(30))
        #expect(c.server(c.servers[0])!.masterLink?.host == "redis-3")
        #expect(c.server(c.servers[0])!.masterLink?.state == .connected)
        #expect(c.sim.coverage.count("sentinel.convert-to-slave") >= 1)
        #expect(c.server(c.servers[0])!.keyspace.digest() == c.server(promoted)!.keyspace.digest()
                || c.server(c.servers[0])!.masterReplOffset < c.server(promoted)!.masterReplOffset)
        #expect(c.sim.violation == nil)
    }

    /// Equal priorities: the replica that lags (cut from the primary for a while before the
    /// crash) loses to the one with the greater replication offset, whichever it is.
    @Test(arguments: [1, 2])
    func sentinelPromotesTheReplicaWithTheGreatestOffset(lagging: Int) {
        let c = RedisCluster(seed: 12, settings: storySettings())
        c.addStandardInvariants()
        c.sim.run(until: SimTime.zero + .seconds(25))
        c.sim.cutBoth(c.servers[0], c.servers[lagging])
        c.sim.run(for: .seconds(3))
        c.sim.crash(c.servers[0])
        c.sim.run(for: .seconds(30))
        let expected = c.servers[lagging == 1 ? 2 : 1]
        for s in c.sentinels { #expect(c.sentinel(s)!.currentMasterNode == expected) }
        #expect(c.server(expected)!.isReplica == false)
    }

    @Test func replicaWithPriorityZeroIsNeverPromoted() {
        var settings = storySettings()
        settings.replicaPriorities = [0, 100]
        let c = RedisCluster(seed: 13, settings: settings)
        c.sim.run(until: SimTime.zero + .seconds(25))
        // redis-3 lags, redis-2 is up to date but has replica-priority 0.
        c.sim.cutBoth(c.servers[0], c.servers[2])
        c.sim.run(for: .seconds(3))
        c.sim.crash(c.servers[0])
        c.sim.run(for: .seconds(30))
        for s in c.sentinels { #expect(c.sentinel(s)!.currentMasterNode == c.servers[2]) }
    }
}
