import Testing
import FaultlineCore
@testable import FaultlineStorage

/// Replays SELECT/SET/DEL the way Redis would, into db -> key -> value.
func replay(_ commands: [[[UInt8]]]) -> [Int: [String: String]] {
    var db = 0
    var data: [Int: [String: String]] = [:]
    for c in commands {
        let args = c.map { String(decoding: $0, as: UTF8.self) }
        switch args[0].uppercased() {
        case "SELECT": db = Int(args[1])!
        case "SET": data[db, default: [:]][args[1]] = args[2]
        case "DEL": data[db, default: [:]][args[1]] = nil
        default: break
        }
    }
    return data.filter { !$0.value.isEmpty }
}

@Suite struct AppendOnlyFileTests {
    func simDisk(_ faults: SimDisk.Faults = .none, seed: UInt64 = 1) -> SimDisk {
        SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: faults)
    }

    func fresh(_ d: SimDisk, _ config: AppendOnlyFileConfig = AppendOnlyFileConfig()) throws -> AppendOnlyFile<SimDisk> {
        let (aof, result) = try AppendOnlyFile.open(disk: d, directory: "redis", config: config)
        if let p = result.initialization { try aof.completeNow(p) }
        return aof
    }

    @Test func freshAOFIsAMultiPartDirectoryInRESPThatLoadsBackAfterACrash() throws {
        let d = simDisk()
        let aof = try fresh(d)
        try aof.append(["SET", "k1", "v1"])
        try aof.append(["SET", "k2", "hello world"], db: 3)
        try aof.syncNow()
        #expect(aof.durableCount == 2)
        #expect(try d.list("redis/appendonlydir") == ["appendonly.aof.1.base.aof", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest"])
        let manifest = try d.readAll(try d.open("redis/appendonlydir/appendonly.aof.manifest", create: false))
        #expect(String(decoding: manifest, as: UTF8.self)
                == "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        let incr = try d.readAll(try d.open("redis/appendonlydir/appendonly.aof.1.incr.aof", create: false))
        #expect(String(decoding: incr, as: UTF8.self).hasPrefix("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$2\r\nv1\r\n"))
        d.crash()
        let (again, result) = try AppendOnlyFile.open(disk: d, directory: "redis")
        #expect(result.initialization == nil && result.warnings.isEmpty)
        #expect(replay(result.commands) == [0: ["k1": "v1"], 3: ["k2": "hello world"]])
        // After a restart the first write selects its database again, as Redis does.
        try again.append(["SET", "k3", "x"], db: 3)
        try again.syncNow()
        d.crash()
        #expect(replay(try AppendOnlyFile.open(disk: d, directory: "redis").1.commands)[3] == ["k2": "hello world", "k3": "x"])
    }

    @Test func appendfsyncDecidesWhenAWriteIsSyncedAndAlwaysAcknowledgesOnlyAfterTheSync() throws {
        let d = simDisk()
        let always = try fresh(d, AppendOnlyFileConfig(appendfsync: .always))
        let n = try always.append(["SET", "a", "1"])
        #expect(always.shouldSync(now: .zero))
        let p = try #require(try always.requestSync(now: .zero))
        #expect(p.latency > .zero)
        #expect(always.durableCount < n)
        _ = try always.complete(p)
        #expect(always.durableCount == n)

        let e = simDisk(seed: 2)
        let everysec = try fresh(e, AppendOnlyFileConfig(appendfsync: .everysec))
        try everysec.append(["SET", "a", "1"])
        let t0 = SimTime(nanoseconds: 5_000_000_000)
        #expect(everysec.shouldSync(now: t0))
        let q = try #require(try everysec.requestSync(now: t0))
        try everysec.append(["SET", "b", "2"])
        #expect(!everysec.shouldSync(now: t0 + .seconds(2)), "a background fsync still runs")
        _ = try everysec.complete(q)
        #expect(!everysec.shouldSync(now: t0 + .milliseconds(999)))
        #expect(everysec.shouldSync(now: t0 + .seconds(1)))

        let f = simDisk(seed: 3)
        let no = try fresh(f, AppendOnlyFileConfig(appendfsync: .no))
        try no.append(["SET", "a", "1"])
        #expect(!no.shouldSync(now: SimTime(nanoseconds: 1_000_000_000_000)))
        f.crash()
        #expect(replay(try AppendOnlyFile.open(disk: f, directory: "redis").1.commands).isEmpty)
    }

    func writeRaw(_ d: SimDisk, _ text: String) throws {
        let aof = try fresh(d)
        try aof.append(["SET", "a", "1"])
        try aof.syncNow()
        let f = try d.open("redis/appendonlydir/appendonly.aof.1.incr.aof", create: false)
        try d.append(f, Array(text.utf8))
        _ = d.completeSync(try d.requestSync(f))
    }

    @Test func truncatedLastCommandLoadsWithAofLoadTruncatedYesAndTheFileIsCut() throws {
        let d = simDisk()
        try writeRaw(d, "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$5\r\n12")
        let size = try d.size(try d.open("redis/appendonlydir/appendonly.aof.1.incr.aof", create: false))
        let (_, result) = try AppendOnlyFile.open(disk: d, directory: "redis")
        #expect(replay(result.commands) == [0: ["a": "1"]])
        #expect(result.bytesTruncated == 26)
        #expect(result.warnings.last == "AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled")
        #expect(try d.size(try d.open("redis/appendonlydir/appendonly.aof.1.incr.aof", create: false)) == size - 26)
    }

    @Test func truncatedTailIsFatalWithAofLoadTruncatedNo() throws {
        let d = simDisk()
        try writeRaw(d, "*3\r\n$3\r\nSET")
        #expect(throws: StorageError.self) {
            try AppendOnlyFile.open(disk: d, directory: "redis", config: AppendOnlyFileConfig(aofLoadTruncated: false))
        }
    }

    @Test func unfinishedMultiAtTheEndIsRevertedLikeATruncation() throws {
        let d = simDisk()
        try writeRaw(d, "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n")
        let (_, result) = try AppendOnlyFile.open(disk: d, directory: "redis")
        #expect(replay(result.commands) == [0: ["a": "1"]])
        #expect(result.bytesTruncated > 0)
    }

    @Test func garbageInsideTheFileIsABadFormatNotATruncation() throws {
        let d = simDisk()
        try writeRaw(d, "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\nhello\r\n")
        do {
            _ = try AppendOnlyFile.open(disk: d, directory: "redis")
            Issue.record("a bad format must not load")
        } catch {
            #expect("\(error)".contains("appendonly.aof.1.incr.aof"))
            #expect("\(error)".contains("Bad file format"))
        }
    }

    @Test(arguments: [0, 1, 2, 3] as [Int])
    func crashAtAnyStepOfARewriteKeepsEveryDurableCommand(crashAfterStep: Int) throws {
        for loss in [Ratio.never, Ratio.always, Ratio(1, 2)] {
            var faults = SimDisk.Faults()
            faults.directoryOpLoss = loss
            let d = simDisk(faults, seed: UInt64(crashAfterStep + 1))
            let aof = try fresh(d)
            for i in 0..<10 { try aof.append(["SET", "k\(i % 4)", "v\(i)"]) }
            try aof.syncNow()
            let dataset = replay(try AppendOnlyFile.open(disk: d, directory: "redis").1.commands)
            var rewrite: [[[UInt8]]] = [[bytes("SELECT"), bytes("0")]]
            for (k, v) in dataset[0]!.sorted(by: { $0.key < $1.key }) { rewrite.append([bytes("SET"), bytes(k), bytes(v)]) }
            var step = SyncStep.next(try aof.beginRewrite(commands: rewrite))
            try aof.append(["SET", "during", "rewrite"])
            try aof.syncNow()
            for _ in 0..<crashAfterStep { if case .next(let p) = step { step = try aof.complete(p) } }
            if crashAfterStep == 3 {
                guard case .done = step else { Issue.record("a rewrite has three steps"); return }
                #expect(try d.list("redis/appendonlydir") == ["appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"])
            }
            d.crash()
            let (_, result) = try AppendOnlyFile.open(disk: d, directory: "redis")
            var expected = dataset
            expected[0]!["during"] = "rewrite"
            #expect(replay(result.commands) == expected, "crash after step \(crashAfterStep), loss \(loss)")
        }
    }
}

@Suite struct AOFManifestTests {
    @Test func manifestRoundTripsAndBadLinesNameTheFileLineAndWhatWasExpected() throws {
        let m = AOFManifest(base: .init(name: "appendonly.aof.3.base.aof", seq: 3),
                            incrementals: [.init(name: "appendonly.aof.5.incr.aof", seq: 5), .init(name: "appendonly.aof.6.incr.aof", seq: 6)],
                            history: [.init(name: "appendonly.aof.4.incr.aof", seq: 4)])
        #expect(try AOFManifest.parse(Array(m.text.utf8), path: "m") == m)
        // Redis 7.0 parses key/value pairs in any order.
        let reordered = "type b seq 1 file appendonly.aof.1.base.aof\n# comment\n\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        #expect(try AOFManifest.parse(Array(reordered.utf8), path: "m").incrementals.count == 1)
        #expect(throws: StorageError.badFormat(path: "dir/appendonly.aof.manifest", line: 2, expected: "type b, h or i")) {
            try AOFManifest.parse(Array("file a seq 1 type b\nfile b seq 2 type x\n".utf8), path: "dir/appendonly.aof.manifest")
        }
        #expect(throws: StorageError.badFormat(path: "m", line: 1, expected: "seq as a positive number")) {
            try AOFManifest.parse(Array("file a seq zero type i\n".utf8), path: "m")
        }
        #expect(throws: StorageError.self) { try AOFManifest.parse(Array("file a seq 2 type i\nfile b seq 1 type i\n".utf8), path: "m") }
    }

    @Test func respParserSkipsAnnotationsAndReportsWhereTheFormatBreaks() {
        let text = "#TS:1700000000\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
        let (commands, end) = RESP.parseCommands(Array(text.utf8))
        #expect(end == .complete && commands == [[bytes("GET"), bytes("k")]])
        #expect(RESP.parseCommands(Array("*1\r\n$3\r\nGETX\r\n".utf8)).end == .badFormat(position: 11, expected: "CRLF after a bulk string"))
        #expect(RESP.parseCommands(Array("*0\r\n".utf8)).end == .badFormat(position: 0, expected: "an argument count of at least 1"))
        #expect(RESP.parseCommands(Array("*1\r\n$3\r\nGE".utf8)).end == .truncated(validUpTo: 0))
    }
}
