import Testing
import FaultlineCore
@testable import FaultlineRedis

@Suite struct ReplicationTests {
    @Test func replicaFullSyncsThenPartiallyResyncsAfterAShortLinkBreak() {
        let rig = ReplicationRig(seed: 1, script: writes(200), interval: .milliseconds(50))
        rig.sim.run(until: SimTime.zero + .seconds(8))
        // The first sync is a full one (PSYNC ? -1 answered +FULLRESYNC after the diskless delay).
        #expect(rig.sim.coverage.count("redis.full-resync") == 1)
        let r = rig.replicas[0]
        #expect(rig.node(r).masterLink?.state == .connected)
        #expect(rig.node(r).replid == rig.node(rig.primary).replid)

        rig.sim.cutBoth(rig.primary, r)
        rig.sim.run(for: .seconds(2))
        let offsetDuringBreak = rig.node(rig.primary).masterReplOffset
        #expect(offsetDuringBreak > rig.node(r).masterReplOffset, "writes went on while the link was cut")
        rig.sim.heal()
        rig.sim.run(for: .seconds(5))
        #expect(rig.sim.coverage.count("redis.psync-continue") == 1)
        #expect(rig.sim.coverage.count("redis.full-resync") == 1, "no second full sync: the backlog had it")
        rig.sim.run(for: .milliseconds(5_500))   // off the second boundaries, so no PING is in flight
        #expect(rig.node(r).keyspace.digest() == rig.node(rig.primary).keyspace.digest())
        #expect(rig.node(r).masterReplOffset == rig.node(rig.primary).masterReplOffset)
        #expect(rig.node(r).keyspace.count == 200)
    }

    /// A replica that starts (or is told REPLICAOF) while cut from its primary: its connect
    /// hangs, and the kernel's next SYN retransmission after the heal gets it through, well
    /// before repl-timeout (60 s) would have made it give up and start over.
    @Test func aReplicaWhoseConnectHungSyncsSoonAfterThePartitionHeals() {
        let rig = ReplicationRig(seed: 4, script: writes(50), interval: .milliseconds(50))
        let r = rig.replicas[0]
        rig.sim.cutBoth(rig.primary, r)
        rig.sim.run(until: SimTime.zero + .seconds(10))
        #expect(rig.node(r).masterLink?.state == .receivePong, "the PING waits behind the hung connect")
        rig.sim.heal()
        // SYNs at 1, 3, 7 s met the cut; the one at 15 s connects, then the diskless delay (5 s).
        rig.sim.run(until: SimTime.zero + .seconds(14))
        #expect(rig.node(r).masterLink?.state == .receivePong)
        rig.sim.run(until: SimTime.zero + .seconds(25))
        #expect(rig.node(r).masterLink?.state == .connected)
        #expect(rig.node(r).keyspace.count == 50)
        #expect(rig.sim.coverage.count("redis.full-resync") == 1)
    }

    @Test func backlogOverflowForcesAFullResync() {
        var config = RedisConfig()
        config.replBacklogSize = 2_000
        let rig = ReplicationRig(seed: 2, config: config, script: writes(400, valueBytes: 40), interval: .milliseconds(20))
        rig.sim.run(until: SimTime.zero + .seconds(6))
        #expect(rig.sim.coverage.count("redis.full-resync") == 1)
        let r = rig.replicas[0]
        rig.sim.cutBoth(rig.primary, r)
        rig.sim.run(for: .seconds(2))   // ~100 writes of ~70 bytes: far more than 2000 bytes
        rig.sim.heal()
        rig.sim.run(for: .seconds(10))
        #expect(rig.sim.coverage.count("redis.psync-continue") == 0)
        #expect(rig.sim.coverage.count("redis.psync-refused") == 1)
        #expect(rig.sim.coverage.count("redis.full-resync") == 2)
        rig.sim.run(for: .seconds(5))
        #expect(rig.node(r).keyspace.digest() == rig.node(rig.primary).keyspace.digest())
        #expect(rig.node(r).keyspace.count == 400)
    }

    @Test func replicaAnswersWritesWithReadonlyAndWaitCountsAcknowledgingReplicas() {
        let rig = ReplicationRig(seed: 3, replicas: 2, script: [])
        rig.sim.run(until: SimTime.zero + .seconds(7))
        let sim = rig.sim, r = rig.replicas[0], p = rig.primary
        let toReplica = sim.addNode(name: "probe-replica", make: { _ in ScriptedClient(target: r, interval: .milliseconds(10),
            script: [["SET", "a", "1"], ["GET", "a"], ["WAIT", "1", "0"]]) })
        let toPrimary = sim.addNode(name: "probe-primary", make: { _ in ScriptedClient(target: p, interval: .milliseconds(300),
            script: [["SET", "a", "1"], ["WAIT", "2", "1000"], ["ROLE"]]) })
        sim.run(for: .seconds(2))
        let rr = sim.actor(toReplica, as: ScriptedClient.self)!.replies
        #expect(rr.first == .error("READONLY You can't write against a read only replica."))
        #expect(rr.count == 3)
        if rr.count == 3, case .error(let e) = rr[2] { #expect(e.hasPrefix("ERR WAIT cannot be used with replica instances")) } else { Issue.record("WAIT on a replica must fail") }
        let pr = sim.actor(toPrimary, as: ScriptedClient.self)!.replies
        #expect(pr.count == 3)
        #expect(pr.first == .simpleString("OK"))
        if pr.count >= 2 { #expect(pr[1] == .integer(2)) }
        if pr.count == 3, case .array(let role?) = pr[2] {
            #expect(role.first == .bulkString(Array("master".utf8)))
            if case .array(let reps?) = role[2] { #expect(reps.count == 2) }
        }
    }

    @Test func waitTimesOutWithZeroWhenTheReplicaIsCutOff() {
        let rig = ReplicationRig(seed: 4, script: [])
        rig.sim.run(until: SimTime.zero + .seconds(7))
        rig.sim.cutBoth(rig.primary, rig.replicas[0])
        let p = rig.primary
        let c = rig.sim.addNode(name: "waiter", make: { _ in ScriptedClient(target: p, interval: .milliseconds(10),
            script: [["SET", "x", "1"], ["WAIT", "1", "500"]]) })
        rig.sim.run(for: .seconds(2))
        #expect(rig.sim.actor(c, as: ScriptedClient.self)!.replies == [.simpleString("OK"), .integer(0)])
        #expect(rig.sim.coverage.count("redis.wait-timeout") == 1)
    }

    @Test func infoReplicationReportsRealFieldNames() {
        let rig = ReplicationRig(seed: 5, script: writes(3))
        rig.sim.run(until: SimTime.zero + .seconds(8))
        let r = rig.replicas[0], p = rig.primary
        let c = rig.sim.addNode(name: "info", make: { _ in ScriptedClient(target: r, interval: .milliseconds(10), script: [["INFO", "replication"]]) })
        let d = rig.sim.addNode(name: "info2", make: { _ in ScriptedClient(target: p, interval: .milliseconds(10), script: [["INFO", "replication"]]) })
        rig.sim.run(for: .seconds(1))
        let replicaInfo = rig.sim.actor(c, as: ScriptedClient.self)!.replies.first?.text ?? ""
        let primaryInfo = rig.sim.actor(d, as: ScriptedClient.self)!.replies.first?.text ?? ""
        #expect(replicaInfo.hasPrefix("# Replication\r\nrole:slave\r\nmaster_host:redis-1\r\nmaster_port:6379\r\nmaster_link_status:up\r\n"))
        #expect(replicaInfo.contains("slave_repl_offset:\(rig.node(p).masterReplOffset)\r\n"))
        #expect(primaryInfo.contains("connected_slaves:1\r\nslave0:ip=redis-2,port=6379,state=online,offset="))
        #expect(primaryInfo.contains("master_replid:\(rig.node(p).replid)\r\n"))
    }

    @Test func silentLinkIsDroppedByBothEndsAfterReplTimeout() {
        let rig = ReplicationRig(seed: 6, script: [])
        rig.sim.run(until: SimTime.zero + .seconds(7))
        let r = rig.replicas[0]
        rig.sim.cutBoth(rig.primary, r)
        rig.sim.run(for: .seconds(50))
        // Nothing arrives either way (no PING every repl-ping-replica-period, no ACK every
        // second), but repl-timeout (60 s since the last byte, the RDB at 5 s) has not passed.
        #expect(rig.sim.coverage.count("redis.master-timeout") == 0)
        #expect(rig.node(r).masterLink?.state == .connected)
        rig.sim.run(for: .seconds(12))
        #expect(rig.sim.coverage.count("redis.master-timeout") == 1)
        #expect(rig.sim.coverage.count("redis.replica-timeout") == 1)
        #expect(rig.node(rig.primary).replicas.isEmpty)
        #expect(rig.node(r).masterLink?.state != .connected)
        rig.sim.heal()
        // Its reconnection attempt went into the cut (a lost SYN): it gives up on the
        // handshake after repl-timeout and tries again, now through.
        rig.sim.run(for: .seconds(65))
        #expect(rig.node(r).masterLink?.state == .connected)
        #expect(rig.sim.coverage.count("redis.psync-continue") == 1, "the backlog still covers the replica's offset")
    }

    @Test func primaryPingsItsReplicasThroughTheStreamEveryReplPingReplicaPeriod() {
        let rig = ReplicationRig(seed: 7, script: [])
        rig.sim.run(until: SimTime.zero + .milliseconds(6_500))
        let start = rig.node(rig.primary).masterReplOffset
        rig.sim.run(for: .seconds(30))
        // Three PINGs (14 bytes each: *1\r\n$4\r\nPING\r\n), the first preceded by SELECT 0 (23 bytes) when the
        // stream starts after the sync.
        let grown = rig.node(rig.primary).masterReplOffset - start
        #expect(grown == 3 * 14 || grown == 3 * 14 + 23, "grew by \(grown)")
        #expect(rig.node(rig.replicas[0]).masterReplOffset == rig.node(rig.primary).masterReplOffset)
    }
}
