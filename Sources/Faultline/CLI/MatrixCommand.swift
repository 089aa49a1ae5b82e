import Foundation
import FaultlineCore

/// `faultline matrix SYSTEM`: presets x fault families, availability and violations. The
/// runs (cell x seed) are spread over worker processes as `fuzz` spreads its seeds; the
/// table is the same whatever the number of jobs.
enum MatrixCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--seeds", value: "N", help: "seeds per cell (default 3)"),
        OptionSpec("--start", value: "S", help: "first seed (default 1)"),
        OptionSpec("--duration", value: "D", help: "safety phase per run (default: the system's matrix timing)"),
        OptionSpec("--jobs", value: "J", help: "worker processes (default: every core, \(FuzzCommand.jobsDefault) here; 1 runs in this process)"),
        OptionSpec("--json", help: "print JSON instead of Markdown"),
        OptionSpec("--worker", value: "K/J", help: "internal: run as worker K of J, printing one JSON line per run"),
    ]

    static let command = Command(
        name: "matrix", summary: "Every preset of a system against the standard fault families.",
        usage: "faultline matrix SYSTEM [--seeds N] [--start S] [--duration D] [--jobs J] [--json]", options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "matrix", options: options, positionals: 1...1)
        let name = parsed.positionals[0]
        guard let adapter = SystemRegistry.adapter(named: name) else {
            throw UsageError("faultline matrix: unknown system '\(name)'; systems: " + SystemRegistry.names.joined(separator: ", "))
        }
        var duration: SimDuration?
        if let d = parsed.value("--duration") {
            guard let v = SimDuration.parse(d), v > .zero else { throw UsageError("faultline matrix: --duration expects a duration such as 10s, got '\(d)'") }
            duration = v
        }
        let seeds = try parsed.int("--seeds", command: "matrix", range: 1...10_000) ?? 3
        let start = try parsed.uint64("--start", command: "matrix") ?? 1
        guard start <= UInt64(Int64.max) - UInt64(seeds) else { throw UsageError("faultline matrix: --start plus --seeds must stay below 2^63") }
        let jobs = try parsed.int("--jobs", command: "matrix", range: 1...256) ?? FuzzCommand.jobsDefault
        let plans = Matrix.plans(adapter, duration: duration)
        let runs = Matrix.runs(cells: plans.count, seeds: seeds, start: start)

        if let w = parsed.value("--worker") {
            let (k, j) = try FuzzPlan.parseFraction(w, option: "--worker")
            for (i, run) in runs.enumerated() where i % j == k {
                console.out(line(try Matrix.sample(plans, cell: run.cell, seed: run.seed)) + "\n")
            }
            return ExitCode.success
        }
        var samples: [Matrix.Sample] = []
        if jobs == 1 {
            samples = try runs.map { try Matrix.sample(plans, cell: $0.cell, seed: $0.seed) }
        } else {
            var common = ["matrix", name, "--seeds", "\(seeds)", "--start", "\(start)"]
            if let d = parsed.value("--duration") { common += ["--duration", d] }
            let lists = (0..<jobs).map { common + ["--worker", "\($0)/\(jobs)"] }
            let pool = try WorkerPool(executable: WorkerPool.executablePath(), argumentLists: lists)
            let codes = pool.drain { if let s = sample(line: $0) { samples.append(s) } }
            if let bad = codes.first(where: { $0 != 0 }) { throw UsageError("faultline matrix: a worker exited with code \(bad)") }
            guard samples.count == runs.count else {
                throw UsageError("faultline matrix: workers reported \(samples.count) of \(runs.count) runs")
            }
        }
        let cells = Matrix.cells(plans, samples: samples, seeds: seeds)
        console.out(parsed.has("--json") ? Matrix.json(cells, system: name).jsonText + "\n" : Matrix.markdown(cells, system: name))
        return ExitCode.success
    }

    /// A worker's line for one run.
    static func line(_ s: Matrix.Sample) -> String {
        JSONValue.object([("cell", .int(Int64(s.cell))), ("seed", .int(Int64(bitPattern: s.seed))), ("ok", .int(Int64(s.ok))),
                          ("all", .int(Int64(s.all))), ("violated", .array(s.violated.map { .bool($0) }))]).jsonText
    }

    static func sample(line: String) -> Matrix.Sample? {
        guard let data = line.data(using: .utf8), let v = try? JSONValue.parse(data, file: "worker"),
              case .int(let cell)? = v["cell"], case .int(let seed)? = v["seed"], case .int(let ok)? = v["ok"],
              case .int(let all)? = v["all"], case .array(let flags)? = v["violated"] else { return nil }
        let violated = flags.compactMap { f -> Bool? in if case .bool(let b) = f { return b }; return nil }
        guard violated.count == flags.count else { return nil }
        return Matrix.Sample(cell: Int(cell), seed: UInt64(bitPattern: seed), ok: Int(ok), all: Int(all), violated: violated)
    }
}
