import Testing
import FaultlineCore
@testable import FaultlineStorage

/// Random SETs and DELs, fsyncs, rewrites and crashes under torn writes and lost directory
/// entries: after every crash the replayed AOF must equal the dataset after some prefix of
/// the commands, at least as long as the prefix whose fsync completed.
@Suite struct AppendOnlyFilePropertyTests {
    func run(seed: UInt64, appendfsync: AppendFsync) throws -> (crashes: Int, rewrites: Int, truncatedLoads: Int) {
        let disk = SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: .crashConsistency)
        var w = SeededRandom(seed: seed, stream: "workload")
        var driver = SyncDriver()
        let config = AppendOnlyFileConfig(appendfsync: appendfsync)
        var history: [[String]] = []      // every command, SELECT-free, db 0
        var durablePrefix = 0
        var base = 0                       // commands in `history` before this instance opened
        var crashes = 0, rewrites = 0, truncatedLoads = 0

        func state(_ n: Int) -> [String: String] {
            var s: [String: String] = [:]
            for c in history[..<n] { if c[0] == "SET" { s[c[1]] = c[2] } else { s[c[1]] = nil } }
            return s
        }
        func open() throws -> AppendOnlyFile<SimDisk> {
            let (aof, result) = try AppendOnlyFile.open(disk: disk, directory: "data", config: config)
            if result.bytesTruncated > 0 { truncatedLoads += 1 }
            if let p = result.initialization { driver.schedule(p) }
            let loaded = replay(result.commands)[0] ?? [:]
            let candidates = (durablePrefix...history.count).filter { state($0) == loaded }
            #expect(!candidates.isEmpty, "seed \(seed): the AOF holds no prefix of at least \(durablePrefix) commands")
            let n = candidates.first ?? durablePrefix
            history = Array(history[..<n])
            durablePrefix = n
            base = n
            return aof
        }
        var aof = try open()
        for step in 0..<1200 {
            switch w.below(100) {
            case 0..<45:
                let key = "k\(w.below(8))"
                let command = w.below(5) == 0 ? ["DEL", key] : ["SET", key, "v\(step)"]
                try aof.append(command)
                history.append(command)
            case 45..<60:
                if aof.shouldSync(now: driver.now) || w.below(4) == 0, let p = try aof.requestSync(now: driver.now) {
                    driver.schedule(p)
                }
            case 60..<85:
                for p in driver.advance(by: .microseconds(Int64(w.below(400_000)))) {
                    if case .next(let q) = try aof.complete(p) { driver.schedule(q) }
                }
                durablePrefix = max(durablePrefix, base + Int(aof.durableCount))
            case 85..<88 where !aof.rewriteInProgress:
                var commands: [[[UInt8]]] = [[bytes("SELECT"), bytes("0")]]
                for (k, v) in state(history.count).sorted(by: { $0.key < $1.key }) { commands.append([bytes("SET"), bytes(k), bytes(v)]) }
                driver.schedule(try aof.beginRewrite(commands: commands))
                rewrites += 1
            case 88..<92:
                disk.crash()
                driver.crash()
                crashes += 1
                aof = try open()
            default:
                break
            }
            aof.checkInvariants()
        }
        return (crashes, rewrites, truncatedLoads)
    }

    @Test(arguments: [(1, AppendFsync.always), (2, .always), (3, .everysec), (4, .everysec), (5, .no)] as [(UInt64, AppendFsync)])
    func everyCompletedFsyncSurvivesCrashesAcrossRewrites(seed: UInt64, appendfsync: AppendFsync) throws {
        let r = try run(seed: seed, appendfsync: appendfsync)
        #expect(r.crashes > 20 && r.rewrites > 3)
    }
}
