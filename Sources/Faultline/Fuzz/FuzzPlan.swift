import Foundation

/// Which seeds one process of a sweep runs: the sweep's seeds, this machine's shard of
/// them, and this worker's share of the shard. Interleaved rather than contiguous, so a
/// slow stretch of seeds spreads over every worker.
public struct FuzzPlan: Sendable, Equatable {
    public var start: UInt64
    public var count: Int
    public var shard: Int = 0, shards: Int = 1
    public var worker: Int = 0, workers: Int = 1

    public init(start: UInt64, count: Int) { self.start = start; self.count = count }

    public var seeds: [UInt64] {
        let mine = (0..<count).filter { $0 % shards == shard }
        return mine.enumerated().filter { $0.offset % workers == worker }.map { start &+ UInt64($0.element) }
    }

    /// Parses "I/N" (0 <= I < N).
    public static func parseFraction(_ text: String, option: String) throws -> (Int, Int) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw UsageError("faultline fuzz: \(option) expects I/N with 0 <= I < N (for example 0/4), got '\(text)'")
        }
        return (i, n)
    }

    /// The shard from `--shard`, or from a job array's variables: `--shard auto/N` takes I
    /// from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID; with no
    /// `--shard`, SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are used when both are set.
    public static func shard(option: String?, environment: [String: String]) throws -> (Int, Int) {
        func slurmIndex() -> Int? {
            guard let id = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) else { return nil }
            return id - (environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0)
        }
        if let option {
            if option.hasPrefix("auto/") {
                guard let n = Int(option.dropFirst(5)), n >= 1 else {
                    throw UsageError("faultline fuzz: --shard auto/N needs a shard count N, got '\(option)'")
                }
                guard let i = environment["JOB_COMPLETION_INDEX"].flatMap(Int.init) ?? slurmIndex() else {
                    throw UsageError("faultline fuzz: --shard auto/\(n) needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array) in the environment")
                }
                guard i >= 0, i < n else { throw UsageError("faultline fuzz: shard index \(i) from the environment is not below \(n)") }
                return (i, n)
            }
            return try parseFraction(option, option: "--shard")
        }
        if let i = slurmIndex(), let n = environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init), n >= 1, i >= 0, i < n {
            return (i, n)
        }
        return (0, 1)
    }
}

/// One seed's outcome as a worker reports it on a line of JSON.
struct SeedOutcome {
    var seed: UInt64
    var met: Bool
    var traceHash: String
    var events: Int64
    var failed: [String]
    var ok: Int64, fail: Int64, info: Int64
    var coverage: [(name: String, count: Int64)]
    var failureFile: String?

    var json: JSONValue {
        .object([
            ("seed", .int(Int64(bitPattern: seed))), ("met", .bool(met)), ("trace_hash", .string(traceHash)),
            ("events", .int(events)), ("failed", .array(failed.map { .string($0) })),
            ("ok", .int(ok)), ("fail", .int(fail)), ("info", .int(info)),
            ("coverage", .object(coverage.map { ($0.name, .int($0.count)) })),
            ("failure_file", failureFile.map { .string($0) } ?? .null),
        ])
    }

    init(seed: UInt64, result: RunResult, failureFile: String?) {
        let c = result.operationCounts
        self.seed = seed; met = result.expectationsMet; traceHash = result.traceHashHex; events = Int64(result.events)
        failed = result.failedExpectations; ok = Int64(c.ok); fail = Int64(c.fail); info = Int64(c.info)
        coverage = result.coverage.sorted.map { ($0.name, Int64($0.count)) }
        self.failureFile = failureFile
    }

    init?(line: String) {
        guard let data = line.data(using: .utf8), let v = try? JSONValue.parse(data, file: "worker"),
              case .int(let s)? = v["seed"], case .bool(let met)? = v["met"] else { return nil }
        seed = UInt64(bitPattern: s); self.met = met
        if case .string(let h)? = v["trace_hash"] { traceHash = h } else { traceHash = "" }
        if case .int(let e)? = v["events"] { events = e } else { events = 0 }
        if case .array(let f)? = v["failed"] { failed = f.compactMap { if case .string(let s) = $0 { return s }; return nil } } else { failed = [] }
        func int(_ k: String) -> Int64 { if case .int(let i)? = v[k] { return i }; return 0 }
        ok = int("ok"); fail = int("fail"); info = int("info")
        if case .object(let o)? = v["coverage"] { coverage = o.compactMap { if case .int(let n) = $0.value { return ($0.key, n) }; return nil } } else { coverage = [] }
        if case .string(let p)? = v["failure_file"] { failureFile = p } else { failureFile = nil }
    }
}
