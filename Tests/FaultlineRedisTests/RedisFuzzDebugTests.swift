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

/// Where the campaign's losses come from: `FAULTLINE_REDIS_FUZZ_CAUSES=300 swift test -c release
/// -Xswiftc -enable-testing --filter redisFuzzLossCauses`. A run "wiped" the data set when
/// the primary was crashed for less than down-after + 2 s: it restarted empty (no
/// persistence by default) before Sentinel failed over, and its replicas copied the emptiness.
@Test(.enabled(if: ProcessInfo.processInfo.environment["FAULTLINE_REDIS_FUZZ_CAUSES"] != nil))
func redisFuzzLossCauses() {
    let n = UInt64(ProcessInfo.processInfo.environment["FAULTLINE_REDIS_FUZZ_CAUSES"] ?? "") ?? 100
    for preset in RedisPreset.allCases {
        var wipedRuns = 0, wipedLost = 0, otherRuns = 0, otherLost = 0, otherLosing = 0
        var byKind: [String: Int] = [:]
        for seed in 1...n {
            let o = RedisFuzz.run(seed: seed, preset: preset)
            let wiped = o.faults.contains { $0.kind == .crashPrimary && $0.lasting < .seconds(7) }
            if wiped { wipedRuns += 1; wipedLost += o.lostWrites.lost.count }
            else {
                otherRuns += 1; otherLost += o.lostWrites.lost.count; if !o.lostWrites.lost.isEmpty { otherLosing += 1 }
                // Attribute each lost write to the fault whose window (plus 2 s) holds its acknowledgement.
                for t in o.lostAckTimes {
                    let f = o.faults.last { $0.at.nanoseconds <= t && t <= ($0.at + $0.lasting + .seconds(2)).nanoseconds }
                    byKind[f?.kind.rawValue ?? "outside any fault", default: 0] += 1
                }
            }
        }
        print("CAUSES \(preset.rawValue) by fault: " + byKind.keys.sorted().map { "\($0)=\(byKind[$0]!)" }.joined(separator: " "))
        print("CAUSES \(preset.rawValue): short primary crash (restart empty) \(wipedRuns) runs, \(wipedLost) lost; "
              + "other \(otherRuns) runs (\(otherLosing) losing), \(otherLost) lost")
    }
}
