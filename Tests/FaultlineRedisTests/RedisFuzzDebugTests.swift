import Testing
import Foundation
import FaultlineCore
@testable import FaultlineRedis

@Test(.enabled(if: ProcessInfo.processInfo.environment["FAULTLINE_REDIS_DEBUG_SEED"] != nil))
func redisFuzzDebugSeed() {
    let seed = UInt64(ProcessInfo.processInfo.environment["FAULTLINE_REDIS_DEBUG_SEED"]!)!
    var options = RedisFuzzOptions()
    options.settle = .seconds(Int64(ProcessInfo.processInfo.environment["FAULTLINE_REDIS_SETTLE"] ?? "60")!)
    final class Notes: TraceSink {
        var lines: [String] = []
        func record(_ line: TraceLine) { if line.kind != .message && line.kind != .timer { lines.append("\(line.time) \(line.node) \(line.kind) \(line.detail)") } }
    }
    let notes = Notes()
    let o = RedisFuzz.run(seed: seed, preset: .wait, options: options) { $0.sim.sink = notes }
    let grep = ProcessInfo.processInfo.environment["FAULTLINE_REDIS_GREP"] ?? "DBG"
    for l in notes.lines where grep == "*" || l.contains(grep) { print("DEBUG note", l) }
    print("DEBUG", o)
    for f in o.faults { print("DEBUG fault", f) }
    for st in o.finalStates { print("DEBUG state", st) }
    print("DEBUG coverage", o.coverage.sorted.map { "\($0.name)=\($0.count)" }.joined(separator: " "))
}
