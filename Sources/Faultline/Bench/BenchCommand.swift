import Foundation
import FaultlineCore

/// `faultline bench`: runs the benchmark workloads (meant for a release build) and prints
/// a table or, with `--json`, `{"workloads":[...], "ratios":[...]}`.
enum BenchCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--json", help: "print JSON instead of a table"),
        OptionSpec("--workload", value: "NAME", help: "run only this workload (repeatable)"),
        OptionSpec("--list", help: "list the workloads and exit"),
        OptionSpec("--events", value: "N", help: "events for the simulation workloads (core-actors: 2000000)"),
        OptionSpec("--seed", value: "N", help: "seed for the simulation workloads (default 1)"),
    ]

    static let command = Command(
        name: "bench", summary: "Run the benchmarks (build with -c release).",
        usage: "faultline bench [--json] [--workload NAME]... [--events N] [--seed N] [--list]", options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "bench", options: options)
        let benchOptions = BenchOptions(events: try parsed.int("--events", command: "bench", range: 1...2_000_000_000),
                                        seed: try parsed.uint64("--seed", command: "bench") ?? 1)
        let all = BenchWorkloads.workloads(options: benchOptions)
        if parsed.has("--list") {
            for w in all { console.out("\(w.name)\t\(w.summary)\n") }
            return ExitCode.success
        }
        let wanted = parsed.allValues("--workload")
        for name in wanted where !all.contains(where: { $0.name == name }) {
            throw UsageError("faultline bench: unknown workload '\(name)'; workloads: "
                             + all.map(\.name).joined(separator: ", "))
        }
        let selected = wanted.isEmpty ? all : all.filter { wanted.contains($0.name) }
        var results: [(BenchWorkload, BenchMeasurement)] = []
        for w in selected {
            if !parsed.has("--json") { console.err("running \(w.name)...\n") }
            results.append((w, try w.run()))
        }
        let ratios = computeRatios(results)
        console.out(parsed.has("--json") ? json(results, ratios) : table(results, ratios))
        return ExitCode.success
    }

    static func computeRatios(_ results: [(BenchWorkload, BenchMeasurement)]) -> [(String, Double)] {
        BenchWorkloads.ratios.compactMap { r in
            guard let a = results.first(where: { $0.0.name == r.numerator })?.1,
                  let b = results.first(where: { $0.0.name == r.denominator })?.1,
                  b.eventsPerSecond > 0 else { return nil }
            return (r.name, a.eventsPerSecond / b.eventsPerSecond)
        }
    }

    static func json(_ results: [(BenchWorkload, BenchMeasurement)], _ ratios: [(String, Double)]) -> String {
        var items: [String] = []
        for (w, m) in results {
            var fields = [
                "\"name\":\(jsonString(w.name))",
                "\"events\":\(m.events)",
                "\"wall_seconds\":\(number(m.wallSeconds))",
                "\"events_per_second\":\(number(m.eventsPerSecond))",
                "\"simulated_seconds_per_wall_second\":" + (m.simulatedSecondsPerWallSecond.map(number) ?? "null"),
            ]
            for (k, v) in m.extra { fields.append("\(jsonString(k)):\(number(v))") }
            if let h = m.traceHash { fields.append("\"trace_hash\":\"" + TraceHasher.hexString(h) + "\"") }
            items.append("{" + fields.joined(separator: ",") + "}")
        }
        let r = ratios.map { "{\"name\":\(jsonString($0.0)),\"value\":\(number($0.1))}" }
        return "{\"workloads\":[" + items.joined(separator: ",") + "],\"ratios\":[" + r.joined(separator: ",") + "]}\n"
    }

    static func table(_ results: [(BenchWorkload, BenchMeasurement)], _ ratios: [(String, Double)]) -> String {
        var text = pad("workload", 28) + pad("events", 14) + pad("wall s", 10) + pad("events/s", 14) + "sim s/wall s\n"
        for (w, m) in results {
            text += pad(w.name, 28) + pad("\(m.events)", 14) + pad(fixed(m.wallSeconds, 3), 10)
                + pad(fixed(m.eventsPerSecond, 0), 14) + (m.simulatedSecondsPerWallSecond.map { fixed($0, 1) } ?? "-") + "\n"
            for (k, v) in m.extra { text += "    \(k): \(fixed(v, 3))\n" }
            if let h = m.traceHash { text += "    trace hash: \(TraceHasher.hexString(h))\n" }
        }
        if results.isEmpty { text += "(no workloads)\n" }
        for (name, v) in ratios { text += "ratio \(name): \(fixed(v, 3))\n" }
        return text
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
    static func number(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "null" }
}

/// A JSON string literal with the escapes JSON requires (the trace writer's own quoting).
func jsonString(_ s: String) -> String { TraceLine.quote(s) }
