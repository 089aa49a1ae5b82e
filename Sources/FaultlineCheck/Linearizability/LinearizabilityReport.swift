import FaultlineHistory

/// The linearizability checker's answer, per partition and overall.
public struct LinearizabilityReport: Sendable {
    public var model: String
    /// true, false, or nil when the budget ran out before an answer.
    public var linearizable: Bool?
    /// Operations (invocations) in the history.
    public var operations: Int
    /// Partitions checked, keys in sorted order (a single one with key nil when the model
    /// does not partition or no operation has a key).
    public var partitions: [Partition]
    /// Why the first failing partition has no order, when one fails.
    public var failure: LinearizabilityFailure?

    public struct Partition: Sendable {
        public var key: String?
        public var linearizable: Bool?
        public var operations: Int
        /// Operations the search had to place (failed ops and unanswered reads are left out).
        public var searched: Int
        public var steps: Int
        public var memoEntries: Int
        /// Search profile: operations placed, steps the model refused, configurations
        /// already seen, choices undone.
        public var pushes = 0, illegal = 0, memoHits = 0, backtracks = 0
        /// When linearizable: the history indices of the invocations, in a legal order.
        public var linearization: [Int]
        public var unknownReason: String?
        /// True when the answer is unknown only because the step allowance ran out (a
        /// later round with more steps may answer).
        var exhaustedAllowance = false
    }

    public var steps: Int { partitions.reduce(0) { $0 + $1.steps } }

    /// The verdict as a `CheckResult` named "linearizable (model)".
    public var checkResult: CheckResult {
        let name = "linearizable (\(model))"
        let counts = [CheckResult.Count("operations", operations), CheckResult.Count("partitions", partitions.count),
                      CheckResult.Count("steps", steps)]
        switch linearizable {
        case true?:
            return CheckResult(name: name, passed: true,
                               detail: "\(operations) operations in \(partitions.count) partition(s) have a legal order under the \(model) model.",
                               counts: counts)
        case false?:
            let f = failure!
            return CheckResult(name: name, passed: false, detail: f.explanation, evidence: f.evidence, counts: counts)
        case nil:
            let reasons = partitions.compactMap { p in p.unknownReason.map { (p.key.map { "key \($0): " } ?? "") + $0 } }
            return CheckResult(name: name, passed: nil,
                               detail: "No answer within the search budget: " + (reasons.isEmpty ? "budget exhausted" : reasons.joined(separator: "; ")) + ".",
                               counts: counts)
        }
    }
}
