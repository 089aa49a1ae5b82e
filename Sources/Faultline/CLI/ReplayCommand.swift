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
        let replayed: ReplayOutcome?
        do { replayed = try ReplayOutcome.replay(scenario, failurePath: path, options: o) } catch let e as ScenarioError {
            trace?.close()
            throw UsageError(e.description)
        }
        guard let outcome = replayed else { return ExitCode.usage }
        trace?.close()
        console.out(parsed.has("--json") ? json(outcome, path: path).jsonText + "\n" : text(outcome))
        return outcome.identical ? ExitCode.success : ExitCode.checkFailed
    }

    static func text(_ outcome: ReplayOutcome) -> String {
        let r = outcome.result, rec = outcome.recorded
        var t = ""
        if outcome.identical {
            t += "replayed exactly: trace hash \(r.traceHashHex), \(r.events) events, seed \(r.seed)\n"
            t += digestsNote(outcome)
            t += "failing as recorded: " + (r.failedExpectations.isEmpty ? "none" : r.failedExpectations.joined(separator: ", ")) + "\n"
            for v in r.checks where !v.met { t += "  \(v.result.name): \(v.result.detail)\n" }
            return t
        }
        t += "DIVERGED: recorded trace hash \(TraceHasher.hexString(rec.traceHash)) (\(rec.events) events), "
            + "this run \(r.traceHashHex) (\(r.events) events)\n"
        if let e = outcome.firstDivergence {
            switch e.kind {
            case .differs:
                t += "first divergent event: #\(e.event) at \(e.line.map { "\($0.time.sinceStart)" } ?? "?") (simulated)\n"
                t += "  this run did: " + (e.line.map(describe) ?? "?") + "\n"
            case .extra:
                t += "first divergent event: #\(e.event) at \(e.line.map { "\($0.time.sinceStart)" } ?? "?") (simulated): "
                    + "the recorded run ended after \(e.recordedEvents) events, this run went on\n"
                t += "  this run did: " + (e.line.map(describe) ?? "?") + "\n"
            case .missing:
                t += "first divergent event: #\(e.event): this run ended after \(e.event - 1) events, at \(r.simulatedTime) (simulated); "
                    + "the recorded run had \(e.recordedEvents)\n"
            }
            t += e.matchingBefore.isEmpty ? "  no matching event before it\n" : "  last matching events:\n"
            for l in e.matchingBefore { t += "    " + describe(l) + "\n" }
            if outcome.traceMatches {
                t += "the trace hash matches the recorded one, so the event-digests file disagrees with its failure file (edited or corrupted?)\n"
            }
            t += digestsNote(outcome)
            return t
        }
        t += digestsNote(outcome)
        if let d = outcome.divergence {
            t += "first differing checkpoint window: events \(d.fromEvent + 1) to \(d.toEvent) "
                + "(recorded \(TraceHasher.hexString(d.recorded)), now \(d.now.map(TraceHasher.hexString) ?? "no checkpoint"))\n"
            t += "rerun with --trace to see the events of that window\n"
        }
        return t
    }

    /// Says whether events were compared one by one, and why not when they were not.
    static func digestsNote(_ outcome: ReplayOutcome) -> String {
        switch outcome.digests {
        case .compared(let p): return "compared every event with the digests in \(p)\n"
        case .notFound(let p): return "event digests not found at \(p) (named by recorded.event_digests); compared checkpoints only\n"
        case .notRecorded: return "the failure file names no event digests (recorded.event_digests); compared checkpoints only\n"
        }
    }

    /// One trace line as replay prints it: `#12 at 1.5s: message n2 from n1: Append(...)`.
    static func describe(_ l: TraceLine) -> String {
        "#\(l.index) at \(l.time.sinceStart): \(l.kind) \(l.node)" + (l.from.map { " from \($0)" } ?? "")
            + (l.detail.isEmpty ? "" : ": " + l.detail)
    }

    static func lineJSON(_ l: TraceLine) -> JSONValue {
        .object([("i", .int(Int64(l.index))), ("t_ns", .int(l.time.nanoseconds)), ("kind", .string("\(l.kind)")),
                 ("node", .string(l.node)), ("from", l.from.map { .string($0) } ?? .null), ("detail", .string(l.detail))])
    }

    static func json(_ outcome: ReplayOutcome, path: String) -> JSONValue {
        let r = outcome.result
        var fields: [(key: String, value: JSONValue)] = [
            ("file", .string(path)), ("identical", .bool(outcome.identical)),
            ("recorded_trace_hash", .string(TraceHasher.hexString(outcome.recorded.traceHash))),
            ("trace_hash", .string(r.traceHashHex)), ("events", .int(Int64(r.events))),
            ("failed_checks", .array(r.failedExpectations.map { .string($0) })),
        ]
        switch outcome.digests {
        case .compared(let p): fields += [("event_digests", .string("compared")), ("event_digests_file", .string(p))]
        case .notFound(let p): fields += [("event_digests", .string("not_found")), ("event_digests_file", .string(p))]
        case .notRecorded: fields += [("event_digests", .string("not_recorded")), ("event_digests_file", .null)]
        }
        if let e = outcome.firstDivergence {
            fields.append(("first_divergent_event", .int(Int64(e.event))))
            fields.append(("divergence_kind", .string(e.kind.rawValue)))
            fields.append(("divergent_event", e.line.map(lineJSON) ?? .null))
            fields.append(("matching_before", .array(e.matchingBefore.map(lineJSON))))
        }
        if let d = outcome.divergence {
            fields.append(("diverged_after_event", .int(Int64(d.fromEvent))))
            fields.append(("diverged_by_event", .int(Int64(d.toEvent))))
        }
        return .object(fields)
    }
}
