import Testing
import FaultlineCore
import FaultlineStorage
@testable import FaultlineRedis

@Suite struct PersistenceTests {
    /// One node with `config`, written to every 10 ms, crashed at 3.5 s (half a second after the last everysec fsync), restarted: how many
    /// keys survive, against how many writes were acknowledged.
    func crashAndRestart(_ config: RedisConfig, seed: UInt64) -> (acked: Int, survived: Int) {
        let rig = ReplicationRig(seed: seed, replicas: 0, config: config, script: writes(1000), interval: .milliseconds(10))
        rig.sim.run(until: SimTime.zero + .milliseconds(3_505))
        let acked = rig.scripted.replies.filter { $0 == .simpleString("OK") }.count
        rig.sim.crash(rig.primary)
        rig.sim.restart(rig.primary)
        rig.sim.run(for: .milliseconds(1))
        return (acked, rig.node(rig.primary).keyspace.count)
    }

    @Test func appendfsyncAlwaysKeepsEveryAcknowledgedWriteAcrossACrash() {
        var config = RedisConfig()
        config.appendonly = true; config.appendfsync = .always
        let r = crashAndRestart(config, seed: 31)
        #expect(r.acked > 250)
        #expect(r.survived == r.acked)
    }

    @Test func appendfsyncEverysecLosesAtMostAboutASecondOfWrites() {
        var config = RedisConfig()
        config.appendonly = true; config.appendfsync = .everysec
        let r = crashAndRestart(config, seed: 32)
        #expect(r.survived < r.acked, "the writes since the last fsync are gone")
        #expect(r.acked - r.survived >= 40 && r.acked - r.survived <= 110, "the half second since the last fsync, at 100 writes per second")
    }

    @Test func appendfsyncNoLeavesItToTheKernelAndLosesEverythingUnwritten() {
        var config = RedisConfig()
        config.appendonly = true; config.appendfsync = .no
        let r = crashAndRestart(config, seed: 33)
        #expect(r.acked > 250)
        #expect(r.survived == 0, "nothing was written back in the first 30 s")
    }

    @Test func snapshotSavePointsPersistTheDatasetWithoutAnAOF() {
        var config = RedisConfig()
        config.save = [SavePoint(seconds: 1, changes: 10)]
        let r = crashAndRestart(config, seed: 34)
        #expect(r.survived > 0 && r.survived < r.acked, "the last snapshot, not the last write")
    }

    @Test func primaryWithoutPersistenceRestartsEmptyAndItsReplicasCopyTheEmptiness() {
        let rig = ReplicationRig(seed: 35, replicas: 2, config: .noPersistence, script: writes(50), interval: .milliseconds(10))
        rig.sim.run(until: SimTime.zero + .seconds(8))
        for r in rig.replicas { #expect(rig.node(r).keyspace.count == 50) }
        // The primary crashes and is restarted at once (by a supervisor), before anyone
        // could fail over: it comes back empty, with a new replication id.
        rig.sim.crash(rig.primary)
        rig.sim.restart(rig.primary)
        rig.sim.run(for: .seconds(12))
        #expect(rig.node(rig.primary).keyspace.count == 0)
        for r in rig.replicas {
            #expect(rig.node(r).keyspace.count == 0, "the replica resynchronised from the empty primary")
            #expect(rig.node(r).masterLink?.state == .connected)
        }
        #expect(rig.sim.coverage.count("redis.psync-refused") == 2)
        #expect(rig.sim.coverage.count("redis.full-resync") == 2)
    }

    @Test func replicaWithAnAOFKeepsTheDatasetItSyncedAcrossItsOwnCrash() {
        var config = RedisConfig()
        config.appendonly = true; config.appendfsync = .always
        let rig = ReplicationRig(seed: 36, replicas: 1, config: config, script: writes(50), interval: .milliseconds(10))
        rig.sim.run(until: SimTime.zero + .seconds(8))
        let r = rig.replicas[0]
        rig.sim.crash(r)
        rig.sim.restart(r)
        rig.sim.run(for: .milliseconds(1))
        #expect(rig.node(r).keyspace.count == 50)
    }

    /// PSYNC2 across a restart: the replica's dump.rdb carries the primary's replid and the
    /// offset it had reached, so the restarted replica asks to continue from there and the
    /// primary's backlog fills in the writes it missed while down: no second full sync.
    @Test func aReplicaRestartedOnItsRDBContinuesWithPartialResync() {
        var config = RedisConfig()
        config.save = [SavePoint(seconds: 1, changes: 1)]
        let rig = ReplicationRig(seed: 37, replicas: 1, config: config, script: writes(1500), interval: .milliseconds(10))
        let r = rig.replicas[0]
        rig.sim.run(until: SimTime.zero + .seconds(8))  // past the diskless sync delay (5 s)
        #expect(rig.sim.coverage.count("redis.full-resync") == 1)
        rig.sim.crash(r)
        rig.sim.run(for: .seconds(1))
        rig.sim.restart(r)
        rig.sim.run(until: SimTime.zero + .seconds(25))
        #expect(rig.sim.coverage.count("redis.rdb-replication-info-restored") == 1)
        #expect(rig.sim.coverage.count("redis.psync-continue") == 1, "the restarted replica continued")
        #expect(rig.sim.coverage.count("redis.full-resync") == 1, "no second full sync")
        #expect(rig.node(rig.primary).keyspace.count == 1500)
        #expect(rig.node(r).keyspace.count == 1500, "the backlog filled in what the replica missed")
        #expect(rig.node(r).masterReplOffset == rig.node(rig.primary).masterReplOffset)
    }

    /// `save ""` does not keep a replica's disk empty: a disk-based full sync writes the
    /// received RDB as dump.rdb (rdb-del-sync-files is no), and a restart loads it.
    @Test func aReplicaWithoutSavePointsStillKeepsTheRDBItSyncedFrom() throws {
        let rig = ReplicationRig(seed: 40, replicas: 1, config: .noPersistence, script: writes(50), interval: .milliseconds(10))
        let r = rig.replicas[0]
        rig.sim.run(until: SimTime.zero + .seconds(8))
        let dump = try rig.dirs[1].disk.readAll(try rig.dirs[1].disk.open("dump.rdb", create: false))
        let file = try RDBFile.decode(dump, path: "dump.rdb")
        #expect(file.entries.count == 50)
        #expect(file.replication?.replid == rig.node(rig.primary).replid, "the primary's replid rides in the file")
        #expect(!rig.dirs[0].disk.exists("dump.rdb"), "the primary, never synced and without save points, wrote none")
        rig.sim.crash(r)
        rig.sim.restart(r)
        rig.sim.run(for: .milliseconds(1))
        #expect(rig.node(r).keyspace.count == 50)
    }

    /// Redis 7.0 reads no replication info from an AOF: a replica restarted on one loads its
    /// data and still needs a full sync.
    @Test func aReplicaRestartedOnItsAOFNeedsAFullSync() {
        var config = RedisConfig()
        config.appendonly = true; config.appendfsync = .always
        let rig = ReplicationRig(seed: 38, replicas: 1, config: config, script: writes(1500), interval: .milliseconds(10))
        let r = rig.replicas[0]
        rig.sim.run(until: SimTime.zero + .seconds(8))  // past the diskless sync delay (5 s)
        rig.sim.crash(r)
        rig.sim.run(for: .seconds(1))
        rig.sim.restart(r)
        rig.sim.run(until: SimTime.zero + .seconds(25))
        #expect(rig.sim.coverage.count("redis.rdb-replication-info-restored") == 0)
        #expect(rig.sim.coverage.count("redis.full-resync") == 2)
        #expect(rig.node(r).keyspace.count == 1500)
    }

    @Test func theAOFIsRedisSevenMultiPartWithAnRDBPreambleBase() throws {
        var config = RedisConfig()
        config.appendonly = true; config.appendfsync = .always
        let rig = ReplicationRig(seed: 37, replicas: 0, config: config, script: [["SET", "k", "v"]], interval: .milliseconds(10))
        rig.sim.run(until: SimTime.zero + .seconds(1))
        let disk = rig.dirs[0].disk
        #expect(try disk.list("appendonlydir") == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest"])
        let manifest = try disk.readAll(try disk.open("appendonlydir/appendonly.aof.manifest", create: false))
        #expect(String(decoding: manifest, as: UTF8.self)
                == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        let base = try RDBFile.decode(try disk.readAll(try disk.open("appendonlydir/appendonly.aof.1.base.rdb", create: false)),
                                      path: "base.rdb")
        #expect(base.aofBase && base.entries.isEmpty && base.replication == nil, "the first base is an empty RDB marked aof-base")
        let incr = try disk.readAll(try disk.open("appendonlydir/appendonly.aof.1.incr.aof", create: false))
        #expect(String(decoding: incr, as: UTF8.self) == "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
    }

    @Test func withoutThePreambleTheBaseIsRESP() throws {
        var config = RedisConfig()
        config.appendonly = true; config.appendfsync = .always; config.aofUseRDBPreamble = false
        let rig = ReplicationRig(seed: 37, replicas: 0, config: config, script: [["SET", "k", "v"]], interval: .milliseconds(10))
        rig.sim.run(until: SimTime.zero + .seconds(1))
        #expect(try rig.dirs[0].disk.list("appendonlydir") == ["appendonly.aof.1.base.aof", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest"])
    }

    /// A rewrite puts the dataset in an RDB base; a crash and restart loads the base and
    /// then the incremental commands, so every fsynced write is back.
    @Test func aRewrittenRDBBaseAndItsIncrementsReloadEveryAcknowledgedWrite() throws {
        var config = RedisConfig()
        config.appendonly = true; config.appendfsync = .always; config.save = []
        let rig = ReplicationRig(seed: 39, replicas: 1, config: config, script: writes(300), interval: .milliseconds(10))
        let r = rig.replicas[0]
        rig.sim.run(until: SimTime.zero + .seconds(8))  // the replica's full sync rewrote its AOF
        let files = try rig.dirs[1].disk.list("appendonlydir")
        #expect(files.contains("appendonly.aof.2.base.rdb"), "\(files)")
        rig.sim.crash(r)
        rig.sim.restart(r)
        rig.sim.run(for: .milliseconds(1))
        #expect(rig.node(r).keyspace.count == 300)
        #expect(rig.sim.coverage.count("redis.load-error") == 0)
    }
}
