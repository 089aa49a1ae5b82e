import Foundation
import FaultlineCore

/// `faultline replay FAILURE`: runs a failure file again and proves it is the same run.
enum ReplayCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--json", help: "print the outcome as JSON"),
        OptionSpec("--trace", value: "FILE", help: "write this run's events as JSON lines"),
    ]

    static let command = Command(
        name: "replay", summary: "Reproduce a failure file exactly (same trace hash) or say where it diverged.",
        usage: "faultline replay FAILURE [--json] [--trace FILE]", options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "replay", options: options, positionals: 1...1)
        let path = parsed.positionals[0]
        let scenario = try ScenarioCLI.load(path)
        guard scenario.recorded != nil else {
            throw UsageError("\(path): recorded: missing; replay needs a failure file written by `faultline fuzz` or `faultline shrink` (use `faultline run` for a plain scenario)")
        }
        var o = RunOptions()
        var trace: FileTraceSink?
        if let t = parsed.value("--trace") { trace = try FileTraceSink(path: t); o.trace = trace }
        guard let outcome = try ReplayOutcome.replay(scenario, options: o) else { return ExitCode.usage }
        trace?.close()
        let r = outcome.result
        if parsed.has("--json") {
            var fields: [(key: String, value: JSONValue)] = [
                ("file", .string(path)), ("identical", .bool(outcome.identical)),
                ("recorded_trace_hash", .string(TraceHasher.hexString(outcome.recorded.traceHash))),
                ("trace_hash", .string(r.traceHashHex)), ("events", .int(Int64(r.events))),
                ("failed_checks", .array(r.failedExpectations.map { .string($0) })),
            ]
            if let d = outcome.divergence {
                fields.append(("diverged_after_event", .int(Int64(d.fromEvent))))
                fields.append(("diverged_by_event", .int(Int64(d.toEvent))))
            }
            console.out(JSONValue.object(fields).jsonText + "\n")
        } else if outcome.identical {
            console.out("replayed exactly: trace hash \(r.traceHashHex), \(r.events) events, seed \(r.seed)\n")
            console.out("failing as recorded: " + (r.failedExpectations.isEmpty ? "none" : r.failedExpectations.joined(separator: ", ")) + "\n")
            for v in r.checks where !v.met { console.out("  \(v.result.name): \(v.result.detail)\n") }
        } else if let d = outcome.divergence {
            console.out("DIVERGED: recorded trace hash \(TraceHasher.hexString(outcome.recorded.traceHash)) (\(outcome.recorded.events) events), "
                        + "this run \(r.traceHashHex) (\(r.events) events)\n")
            console.out("first differing checkpoint window: events \(d.fromEvent + 1) to \(d.toEvent) "
                        + "(recorded \(TraceHasher.hexString(d.recorded)), now \(d.now.map(TraceHasher.hexString) ?? "no checkpoint"))\n")
            console.out("rerun with --trace to see the events of that window\n")
        }
        return outcome.identical ? ExitCode.success : ExitCode.checkFailed
    }
}
