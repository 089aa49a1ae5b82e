import Foundation
import Testing
import FaultlineCore
import FaultlineStorage
import FaultlineZooKeeper
@testable import Faultline

/// `run --data-dir DIR`: every server's simulated disk mirrored under DIR/<node>/, in the
/// real systems' layouts, readable by their own tools, without changing the run.
@Suite struct DataDirectoryTests {
    static let zooKeeperJars = ["zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-simple.jar",
                                "commons-cli.jar", "metrics-core.jar", "snappy-java.jar"].map { "/usr/share/java/" + $0 }

    /// Runs a program to completion; nil when it is not installed. Output goes through a
    /// file, not a pipe: a server another test spawns at the same moment may inherit a pipe's
    /// write end and hold its end-of-file back for as long as it lives.
    static func program(_ path: String, _ args: [String]) throws -> (status: Int32, output: String)? {
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        let outPath = NSTemporaryDirectory() + "faultline-program-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let out = FileHandle(forWritingAtPath: outPath)!
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close()
        return (p.terminationStatus, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
    }

    static func traceHash(_ out: String) throws -> String? {
        guard case .string(let h)? = try JSONValue.parse(Data(out.utf8), file: "run --json")["trace_hash"] else { return nil }
        return h
    }

    @Test func zooKeeperDataDirsHoldTheRealLayoutAndTheRealTxnLogToolkitReadsThem() throws {
        let dir = TestSupport.temporaryDirectory("zkdata")
        let scenario = TestSupport.packageRoot.appendingPathComponent("scenarios/zookeeper-leader-crash-reelection.json").path
        let data = dir.appendingPathComponent("data").path
        let plain = TestSupport.cli(["run", scenario, "--json"])
        let mirrored = TestSupport.cli(["run", scenario, "--json", "--data-dir", data])
        #expect(mirrored.code == plain.code, "\(mirrored.err)")
        #expect(try Self.traceHash(mirrored.out) != nil)
        #expect(try Self.traceHash(mirrored.out) == Self.traceHash(plain.out), "mirroring the disks must not change the run")

        let java = "/usr/bin/java"
        let jars = Self.zooKeeperJars.filter { FileManager.default.fileExists(atPath: $0) }
        let realZooKeeper = FileManager.default.isExecutableFile(atPath: java) && jars.contains { $0.hasSuffix("/zookeeper.jar") }
        if !realZooKeeper { print("DataDirectoryTests: no java or Debian zookeeper package; checking the files with our own reader only") }
        for server in ["zk1", "zk2", "zk3"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: data + "/\(server)/version-2").sorted()
            #expect(files.contains("acceptedEpoch") && files.contains("currentEpoch") && files.contains("snapshot.0"), "\(server): \(files)")
            let logs = files.filter { $0.hasPrefix("log.") }
            #expect(!logs.isEmpty, "\(server) logged txns")
            // Our reader, on the real files through FileDisk.
            let store = try FileTxnSnapLog(disk: try FileDisk(root: data + "/" + server))
            let restored = try store.restore()
            let ours = try store.entries(after: restored.snapshotZxid)
            #expect(ours.count > 100, "\(server): \(ours.count) txns")
            guard realZooKeeper else { continue }
            // ZooKeeper 3.8's own TxnLogToolkit dumps every log file and counts the txns.
            var theirs = 0
            for log in logs {
                guard let r = try Self.program(java, ["-cp", jars.joined(separator: ":"), "org.apache.zookeeper.server.persistence.TxnLogToolkit",
                                                     "-d", data + "/\(server)/version-2/" + log]) else { continue }
                let counted = r.output.split(separator: "\n").last { $0.hasPrefix("EOF reached after ") }
                #expect(counted != nil, "\(server)/\(log): \(r.output.suffix(300))")
                theirs += counted.flatMap { Int($0.split(separator: " ")[3]) } ?? 0
            }
            #expect(theirs == ours.count, "\(server): TxnLogToolkit read \(theirs) txns, our reader \(ours.count)")
        }
    }

    @Test func redisAppendOnlyDirsPassRedisCheckAofAndARealServerLoadsWhatTheClientsRead() throws {
        let dir = TestSupport.temporaryDirectory("redisdata")
        var s = try Scenario.parse(try Data(contentsOf: TestSupport.packageRoot.appendingPathComponent("scenarios/redis-async-isolated-primary-loses-writes.json")),
                                   file: "redis-async-isolated-primary-loses-writes.json")
        s.settings += [("appendonly", .bool(true)), ("appendfsync", .string("always"))]
        s.workload.duration = .seconds(40)
        s.faults = [FaultSpec(.isolate, at: .seconds(10), target: ["primary"], for: .seconds(15))]
        var options = RunOptions()
        options.dataDirectory = dir.appendingPathComponent("data").path
        let plain = try ScenarioRunner.run(s)
        let mirrored = try ScenarioRunner.run(s, options: options)
        #expect(mirrored.traceHash == plain.traceHash, "mirroring the disks must not change the run")
        #expect(mirrored.check("convergence")?.passed == true)

        let data = options.dataDirectory!
        for server in ["redis-1", "redis-2", "redis-3"] {
            let aof = data + "/\(server)/appendonlydir"
            let files = try FileManager.default.contentsOfDirectory(atPath: aof)
            #expect(files.contains("appendonly.aof.manifest"), "\(server): \(files)")
            guard let r = try Self.program("/usr/bin/redis-check-aof", [aof + "/appendonly.aof.manifest"]) else {
                print("DataDirectoryTests: redis-check-aof not installed (Debian redis-tools); skipping the real checks")
                return
            }
            #expect(r.status == 0 && r.output.contains("All AOF files and manifest are valid"), "\(server): \(r.output)")
            // Every server full-synced at least once (the old primary when it rejoined), and
            // with the default save points kept the received RDB as its dump.rdb.
            let rdb = data + "/\(server)/dump.rdb"
            let listing = try FileManager.default.contentsOfDirectory(atPath: data + "/\(server)")
            #expect(FileManager.default.fileExists(atPath: rdb), "\(server): \(listing)")
            if let c = try Self.program("/usr/bin/redis-check-rdb", [rdb]) {
                #expect(c.status == 0 && c.output.contains("RDB looks OK"), "\(server): \(c.output)")
                #expect(c.output.contains("AUX FIELD repl-id"), "a synced replica's RDB carries the replication info: \(c.output)")
            }
        }

        // The last value each key's final read returned, as the clients saw it.
        var finalReads: [String: [Int64]] = [:]
        for op in mirrored.history.operations where op.type == .ok && op.f == "read" {
            if let key = op.key, case .list(let values) = op.value { finalReads[key] = values.compactMap(\.intValue) }
        }
        #expect(!finalReads.isEmpty)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server") else { return }
        // Redis 7.0.15 boots from a replica's mirrored dir and holds exactly those lists.
        let copy = dir.appendingPathComponent("boot").path
        try FileManager.default.copyItem(atPath: data + "/redis-2", toPath: copy)
        let port = 17_000 + Int(getpid() % 2_000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        server.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--dir", copy, "--appendonly", "yes", "--save", ""]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        server.standardInput = FileHandle.nullDevice
        try server.run()
        // SIGKILL: the test runner's threads block SIGTERM, and a spawned child keeps that mask.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        var up = false
        for _ in 0..<100 where !up {
            up = (try? Self.program("/usr/bin/redis-cli", ["-p", "\(port)", "PING"]))??.output.contains("PONG") == true
            if !up { usleep(50_000) }
        }
        #expect(up, "redis-server did not start on \(copy)")
        for key in finalReads.keys.sorted() {
            let r = try Self.program("/usr/bin/redis-cli", ["-p", "\(port)", "LRANGE", key, "0", "-1"])
            let values = (r?.output ?? "").split(separator: "\n").compactMap { Int64($0) }
            #expect(values == finalReads[key], "\(key): the real server loaded \(values.count) values, the final read saw \(finalReads[key]!.count)")
        }
    }

    @Test func aDirectoryFaultlineDidNotMakeIsRefusedNotEmptied() throws {
        let dir = TestSupport.temporaryDirectory("foreign")
        let precious = TestSupport.write("keep me", dir, "notes.txt")
        let scenario = TestSupport.packageRoot.appendingPathComponent("scenarios/zookeeper-leader-crash-reelection.json").path
        let r = TestSupport.cli(["run", scenario, "--data-dir", dir.path])
        #expect(r.code == ExitCode.usage)
        #expect(r.err.contains("--data-dir \(dir.path)") && r.err.contains("notes.txt"), "\(r.err)")
        #expect(FileManager.default.fileExists(atPath: precious))
        let file = TestSupport.cli(["run", scenario, "--data-dir", precious])
        #expect(file.code == ExitCode.usage)
        #expect(file.err.contains("expected a directory"), "\(file.err)")
    }


    @Test func dataDirPutsEachNodesLogUnderDirAndRunsStayDeterministic() throws {
        let dir = TestSupport.temporaryDirectory("pbdata")
        let path = TestSupport.write(TestSupport.isolatedPrimary, dir, "s.json")
        let data = dir.appendingPathComponent("data").path
        let a = TestSupport.cli(["run", path, "--data-dir", data, "--json"])
        #expect(a.code == ExitCode.success, "\(a.err)")
        for n in ["n1", "n2", "n3"] {
            let log = try String(contentsOfFile: data + "/\(n)/pb.log", encoding: .utf8)
            #expect(log.hasPrefix("epoch "), "\(n): \(log.prefix(40))")
            #expect(log.contains("add "))
        }
        let b = TestSupport.cli(["run", path, "--data-dir", data, "--json"])
        let ha = try JSONValue.parse(Data(a.out.utf8), file: "a")["trace_hash"], hb = try JSONValue.parse(Data(b.out.utf8), file: "b")["trace_hash"]
        #expect(ha != nil && ha == hb, "the data directory is emptied of our files first, so reruns match")
    }

    @Test func aRestartedServerRebuildsFromWhatItsDiskSynced() throws {
        var s = try TestSupport.scenario()
        s.preset = "sync"
        s.faults = [FaultSpec(.crash, at: .seconds(2), target: ["backup"], for: .seconds(1))]
        s.expect = []
        let r = try s.run()
        #expect(r.coverage.count("pb.recovered") >= 1, "the backup read its log back at boot")
        #expect(r.check("lost-writes")?.passed == true)
    }

    @Test func crashingEveryServerLosesOnlyWhatWasNeverFsynced() throws {
        var s = try TestSupport.scenario()
        s.preset = "sync"
        s.faults = [FaultSpec(.crash, at: .seconds(2), target: ["all"], for: .seconds(1))]
        s.expect = [("lost-writes", .any)]
        let r = try s.run(seed: 5)
        let lost = r.check("lost-writes")?.count("lost") ?? -1
        let acked = r.check("lost-writes")?.count("acknowledged") ?? 0
        #expect(lost >= 0 && lost < acked / 4, "acknowledged before the tick's fsync: a few are lost, most survive (\(lost) of \(acked))")
        #expect(r.coverage.count("pb.recovered") >= 1)
    }
}
