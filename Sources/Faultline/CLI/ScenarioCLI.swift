import Foundation
import FaultlineCore
import FaultlineCheck

/// Helpers the scenario commands share: loading with exit-2 errors, writing files.
enum ScenarioCLI {
    static func load(_ path: String) throws -> Scenario {
        do { return try Scenario.load(path: path) } catch let e as ScenarioError { throw UsageError(e.description) }
    }

    static func write(_ text: String, to path: String, what: String) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw UsageError("cannot write \(what) to \(path): \(error.localizedDescription)")
        }
    }

    static func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
    static func seconds(_ v: Double) -> String { String(format: "%.3fs", v) }
}

/// Writes trace lines to a file through a buffer (one system call per 64 KiB).
final class FileTraceSink: TraceSink {
    let handle: FileHandle
    var buffer: [UInt8] = []
    static let bufferMax = 1 << 16

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw UsageError("cannot create the trace file \(path)")
        }
        handle = h
    }
    func record(_ line: TraceLine) {
        buffer.append(contentsOf: line.json.utf8); buffer.append(10)
        if buffer.count >= FileTraceSink.bufferMax { flush() }
    }
    func flush() { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
    func close() { flush(); try? handle.close() }
}

extension RunResult {
    /// The readable summary `faultline run` prints.
    public func summary(scenario s: Scenario) -> String {
        let c = operationCounts
        var t = "scenario   \(scenario) (\(system), preset \(preset), \(nodeNames.count) processes)\n"
        t += "seed       \(seed)\n"
        t += "trace hash \(traceHashHex)   events \(events)\n"
        t += "time       simulated \(String(format: "%.1f", simulatedTime.secondsForReport))s, wall \(ScenarioCLI.seconds(wallSeconds))\n"
        t += "operations ok \(c.ok), fail \(c.fail), info \(c.info); availability \(ScenarioCLI.percent(availability))\n"
        if faults.isEmpty { t += "faults     none\n" } else {
            t += "faults\n"
            for f in faults {
                let end = f.end.map { $0 == f.start ? "" : " until \($0.sinceStart)" } ?? ""
                t += "  \(f.start.sinceStart)\(end): \(f.summary)\n"
            }
        }
        t += "checks\n"
        for v in checks {
            let mark = v.mark
            let exp = v.expected == .pass ? "" : " (expected \(v.expected.rawValue): \(v.met ? "as expected" : "NOT MET"))"
            let detail = v.result.detail.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n      ")
            t += "  \(mark) \(v.result.name)\(exp)\n      \(detail)\n"
        }
        t += expectationsMet ? "verdict    every expectation held\n" : "verdict    expectation not met: \(failedExpectations.joined(separator: ", "))\n"
        return t
    }

    /// The `--json` object.
    public var json: JSONValue {
        let c = operationCounts
        return .object([
            ("scenario", .string(scenario)), ("system", .string(system)), ("preset", .string(preset)),
            ("seed", .int(Int64(bitPattern: seed))), ("trace_hash", .string(traceHashHex)),
            ("events", .int(Int64(events))),
            ("simulated_seconds", .double(simulatedTime.secondsForReport)),
            ("wall_seconds", .double(wallSeconds)),
            ("operations", .object([("ok", .int(Int64(c.ok))), ("fail", .int(Int64(c.fail))), ("info", .int(Int64(c.info)))])),
            ("availability", .double(availability)),
            ("checks", .array(checks.map { v in
                let passed: JSONValue = v.result.passed.map { .bool($0) } ?? .null
                return .object([("name", .string(v.result.name)), ("passed", passed),
                         ("expected", .string(v.expected.rawValue)), ("met", .bool(v.met)), ("detail", .string(v.result.detail))])
            })),
            ("faults", .array(faults.map { f in
                .object([("start_seconds", .double(f.start.sinceStart.secondsForReport)),
                         ("end_seconds", f.end.map { .double($0.sinceStart.secondsForReport) } ?? .null),
                         ("fault", .string(f.summary))])
            })),
            ("converged_seconds", convergedAfter.map { .double($0.secondsForReport) } ?? .null),
            ("coverage", .object(coverage.sorted.map { ($0.name, .int(Int64($0.count))) })),
            ("expectations_met", .bool(expectationsMet)),
        ])
    }
}
