import FaultlineCore
import FaultlineHistory
import FaultlineCheck

/// Everything one run of a scenario produced: the verdicts, the figures, and what a report,
/// a failure file or a replay needs.
public struct RunResult: Sendable {
    public var scenario: String
    public var system: String
    public var preset: String
    public var seed: UInt64
    public var traceHash: UInt64
    public var events: UInt64
    public var simulatedTime: SimDuration
    public var wallSeconds: Double
    public var history: History
    public var checks: [Verdict]
    /// The faults as they really happened, in firing order.
    public var faults: [RealisedFault]
    /// The whole schedule the run used (scenario faults plus the nemesis's draw), each
    /// fault that fired pinned to the nodes it hit: what a failure file stores.
    public var schedule: [FaultSpec]
    public var checkpoints: [RecordedRun.Checkpoint]
    public var checkpointInterval: UInt64
    public var coverage: Coverage
    /// When the safety phase ended and liveness began.
    public var safetyEnd: SimTime
    /// How long convergence took, nil when it did not happen (or liveness was off).
    public var convergedAfter: SimDuration?
    public var nodeNames: [String]
    public var nodeStates: [(node: String, state: String)]
    /// Role samples per node for the report: (time, node, role).
    public var roleSamples: [(time: SimTime, node: String, role: String)]

    /// A check's verdict next to what the scenario expected of it.
    public struct Verdict: Sendable {
        public var result: CheckResult
        public var expected: ExpectedOutcome
        /// When the violation happened: the invariant's step, else the first evidence.
        public var time: SimTime?
        /// An unknown verdict (a checker out of budget) meets neither "pass" nor "fail".
        public var met: Bool {
            switch expected {
            case .pass: return result.passed == true
            case .fail: return result.passed == false
            case .any: return true
            }
        }
        /// PASS, FAIL or UNKNOWN.
        public var mark: String { result.passed == true ? "PASS" : result.passed == false ? "FAIL" : "UNKNOWN" }
    }

    public var expectationsMet: Bool { checks.allSatisfy(\.met) }
    public var traceHashHex: String { TraceHasher.hexString(traceHash) }
    public func check(_ name: String) -> CheckResult? { checks.first { $0.result.name == name }?.result }

    /// Completions by type.
    public var operationCounts: (ok: Int, fail: Int, info: Int) {
        var ok = 0, fail = 0, info = 0
        for op in history.operations {
            switch op.type {
            case .ok: ok += 1
            case .fail: fail += 1
            case .info: info += 1
            case .invoke: break
            }
        }
        return (ok, fail, info)
    }

    /// Share of completed operations that succeeded (an `info` counts as unavailable).
    public var availability: Double {
        let c = operationCounts
        let total = c.ok + c.fail + c.info
        return total == 0 ? 0 : Double(c.ok) / Double(total)
    }

    /// Checks whose expectation did not hold.
    public var failedExpectations: [String] { checks.filter { !$0.met }.map(\.result.name) }

    public var recorded: RecordedRun {
        RecordedRun(traceHash: traceHash, events: events, failedChecks: failedExpectations,
                    checkpoints: checkpoints, checkpointInterval: checkpointInterval)
    }
}
