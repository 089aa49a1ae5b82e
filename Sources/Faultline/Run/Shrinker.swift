import FaultlineCore

/// Delta debugging (Zeller and Hildebrandt, 2002) over a failing scenario: fewer faults,
/// a shorter workload, shorter faults, fewer clients, as long as one of the same checks
/// still misses its expectation. Every trial is a full deterministic run of the same seed.
public struct Shrinker {
    public let original: Scenario
    /// The checks whose failure must persist.
    public let failing: [String]
    /// A bound on trial runs (a limit on everything).
    public var runsMax = 300
    public private(set) var runs = 0
    public private(set) var log: [String] = []

    public init(_ scenario: Scenario, failing: [String]) {
        original = scenario; self.failing = failing
    }

    /// True when `s` still fails one of the same checks.
    mutating func fails(_ s: Scenario) -> Bool {
        guard runs < runsMax else { return false }
        runs += 1
        guard let r = try? ScenarioRunner.run(s, seed: s.seed) else { return false }
        return r.failedExpectations.contains { failing.contains($0) }
    }

    public mutating func shrink() -> Scenario {
        var best = original
        best.recorded = nil
        // 1. Fewer faults: ddmin over the schedule.
        let before = best.faults.count
        best.faults = ddmin(best.faults) { faults in var s = best; s.faults = faults; return s }
        log.append("faults \(before) -> \(best.faults.count)")
        // 2. A shorter safety phase (faults after the new end go too).
        let d0 = best.workload.duration
        var lo = SimDuration.zero, hi = best.workload.duration
        while hi - lo > .milliseconds(250) {
            let mid = lo + (hi - lo) / 2
            var s = best
            s.workload.duration = mid
            s.faults = best.faults.filter { $0.trigger.earliest < mid }
            if fails(s) { best = s; hi = mid } else { lo = mid }
        }
        log.append("duration \(d0) -> \(best.workload.duration)")
        // 3. Shorter faults.
        for i in best.faults.indices {
            guard var d = best.faults[i].duration else { continue }
            while d > .milliseconds(100) {
                var s = best
                s.faults[i].duration = d / 2
                if fails(s) { best = s; d = d / 2 } else { break }
            }
        }
        // 4. Fewer clients.
        let c0 = best.workload.clients
        while best.workload.clients > 1 {
            var s = best
            s.workload.clients -= 1
            if fails(s) { best = s } else { break }
        }
        log.append("clients \(c0) -> \(best.workload.clients)")
        log.append("\(runs) trial runs")
        return best
    }

    /// The classic ddmin: split into n chunks, keep a chunk or a complement that still fails.
    mutating func ddmin(_ items: [FaultSpec], _ make: ([FaultSpec]) -> Scenario) -> [FaultSpec] {
        var current = items
        if current.isEmpty { return current }
        if fails(make([])) { return [] }
        var n = 2
        while current.count >= 2 {
            let chunk = (current.count + n - 1) / n
            let parts = stride(from: 0, to: current.count, by: chunk).map { Array(current[$0..<min($0 + chunk, current.count)]) }
            var reduced = false
            for (k, part) in parts.enumerated() {
                if fails(make(part)) { current = part; n = 2; reduced = true; break }
                let complement = parts.enumerated().filter { $0.offset != k }.flatMap(\.element)
                if parts.count > 2 && fails(make(complement)) { current = complement; n = max(n - 1, 2); reduced = true; break }
            }
            if !reduced {
                if n >= current.count { break }
                n = min(current.count, n * 2)
            }
            if runs >= runsMax { break }
        }
        return current
    }
}
