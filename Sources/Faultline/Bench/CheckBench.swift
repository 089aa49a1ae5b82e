import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FaultlineHistory
import FaultlineCheck

/// Benchmarks for the linearizability checker over Porcupine's corpus, so its speed can
/// be compared with Porcupine's on the same files (about 450 ms for the 102 etcd logs and
/// 130 ms for kv/c50-ok, one core, on the machine kind the project measures on).
///
/// Files are parsed before timing starts; each workload checks its files once untimed
/// (warm-up), then `passes` times, and reports the median pass as `wall_seconds`, with
/// the median per file for the five slowest files (all files with
/// `FAULTLINE_BENCH_PER_FILE=1`) as extra figures `ms_<file>`.
enum CheckBench {
    static let passes = 5

    static let etcdCorpus = BenchWorkload(
        name: "check-etcd-corpus",
        summary: "linearizability of the 102 etcd Jepsen logs (cas-register), median of 5 passes"
    ) {
        let dir = try corpusDirectory()
        let rows = try expected(dir).filter { $0.file.hasPrefix("jepsen/") }
        let files = try rows.map { row in (row, try load(dir + "/" + row.file)) }
        return try measure(files: files.map { ($0.0.file, $0.0.linearizable, $0.1.pairs) },
                           check: { try NamedModel.casRegister.check(pairs: $0, checkAllPartitions: false) })
    }

    static let kvC50 = BenchWorkload(
        name: "check-kv-c50-ok",
        summary: "linearizability of kv/c50-ok.txt (kv model, partitioned by key), median of 5 passes"
    ) {
        let dir = try corpusDirectory()
        let h = try load(dir + "/kv/c50-ok.txt")
        return try measure(files: [("kv/c50-ok.txt", true, h.pairs)],
                           check: { try NamedModel.kv.check(pairs: $0, checkAllPartitions: false) })
    }

    /// Times `check` over every file, `passes` times, and confirms each verdict.
    static func measure(files: [(name: String, expected: Bool, pairs: [OperationPair])],
                        check: ([OperationPair]) throws -> LinearizabilityReport) throws -> BenchMeasurement {
        var perFile = [[Double]](repeating: [], count: files.count)
        var passSeconds: [Double] = []
        var passCPUSeconds: [Double] = []
        var steps = 0
        for pass in 0...passes {
            var total = 0.0
            let cpuStart = threadCPUSeconds()
            for (i, f) in files.enumerated() {
                let (report, seconds) = try BenchClock.measure { try check(f.pairs) }
                guard report.linearizable == f.expected else {
                    throw UsageError("bench: \(f.name) checked \(String(describing: report.linearizable)), expected \(f.expected)")
                }
                if pass > 0 { perFile[i].append(seconds); total += seconds; steps = report.steps }
            }
            if pass > 0 { passSeconds.append(total); passCPUSeconds.append(threadCPUSeconds() - cpuStart) }
        }
        let medians = perFile.map(median)
        let operations = files.reduce(0) { $0 + $1.pairs.count }
        var extra: [(name: String, value: Double)] = [("files", Double(files.count)), ("operations", Double(operations)),
                                                      ("fastest_pass_seconds", passSeconds.min() ?? 0),
                                                      ("cpu_seconds_median_pass", median(passCPUSeconds))]
        if files.count == 1 { extra.append(("search_steps", Double(steps))) }
        // The five slowest files; every file with FAULTLINE_BENCH_PER_FILE=1.
        let everyFile = ProcessInfo.processInfo.environment["FAULTLINE_BENCH_PER_FILE"] == "1"
        let slowest = medians.indices.sorted { medians[$0] > medians[$1] }.prefix(everyFile ? medians.count : 5)
        for i in slowest {
            let short = files[i].name.split(separator: "/").last.map(String.init) ?? files[i].name
            extra.append(("ms_" + short, medians[i] * 1000))
        }
        return BenchMeasurement(events: operations, wallSeconds: median(passSeconds), extra: extra)
    }

    /// CPU time of this thread: what the checker itself used, unaffected by other
    /// processes competing for the cores (wall time is `wall_seconds`).
    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func load(_ path: String) throws -> ImportedHistory {
        do { return try HistoryFile.read(path: path) } catch { throw UsageError("bench: \(error)") }
    }

    static func expected(_ dir: String) throws -> [(file: String, linearizable: Bool)] {
        guard let text = try? String(contentsOfFile: dir + "/EXPECTED.tsv", encoding: .utf8) else {
            throw UsageError("bench: cannot read \(dir)/EXPECTED.tsv")
        }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let cols = line.split(separator: "\t")
            guard cols.count >= 2, cols[1] == "true" || cols[1] == "false" else { return nil }
            return (String(cols[0]), cols[1] == "true")
        }
    }

    /// The Porcupine corpus: `$FAULTLINE_SHARED_DATA/porcupine`, else `../shared/data/porcupine`
    /// beside the working directory, else beside this source tree's package root.
    static func corpusDirectory() throws -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["FAULTLINE_SHARED_DATA"] { candidates.append(env + "/porcupine") }
        candidates.append(FileManager.default.currentDirectoryPath + "/../shared/data/porcupine")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.deletingLastPathComponent().path + "/shared/data/porcupine")
        for c in candidates where FileManager.default.fileExists(atPath: c + "/EXPECTED.tsv") { return c }
        throw UsageError("bench: the Porcupine corpus was not found; looked in " + candidates.joined(separator: ", ")
                         + " (set FAULTLINE_SHARED_DATA to the shared/data directory)")
    }
}
