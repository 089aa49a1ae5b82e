import FaultlineHistory

/// Decides whether a history is linearizable with respect to a model, and explains why not.
///
/// Usage: `try LinearizabilityChecker(model: CASRegisterModel()).check(history)`; the
/// report's `checkResult` is what a scenario shows. Operations are partitioned by key
/// when the model allows it (P-compositionality, Herlihy & Wing 1990: a history is
/// linearizable iff each object's subhistory is), then each partition is searched alone,
/// keys in sorted order so the report is the same on every run.
public struct LinearizabilityChecker<Model: LinearizabilityModel>: Sendable {
    public var model: Model
    public var budget: SearchBudget
    /// Keep checking the other partitions after one fails (Jepsen reports every key);
    /// false stops at the first failure, which is faster.
    public var checkAllPartitions: Bool

    public init(model: Model, budget: SearchBudget = .default, checkAllPartitions: Bool = true) {
        self.model = model; self.budget = budget; self.checkAllPartitions = checkAllPartitions
    }

    /// Checks a history; throws when it is malformed or holds an operation the model
    /// does not know.
    public func check(_ history: History) throws(HistoryError) -> LinearizabilityReport {
        try check(pairs: try history.pairs())
    }

    /// Checks operations already paired (`History.pairs()` or an importer's).
    public func check(pairs: [OperationPair]) throws(HistoryError) -> LinearizabilityReport {
        var groups: [String?: [Int]] = [:]
        for (i, p) in pairs.enumerated() { groups[model.partitionsByKey ? p.key : nil, default: []].append(i) }
        let keys = groups.keys.sorted { a, b in
            switch (a, b) {
            case (nil, _): return b != nil
            case (_, nil): return false
            case let (x?, y?): return x < y
            }
        }
        var partitions: [LinearizabilityReport.Partition] = []
        var stepsLeft = budget.stepsMax
        var failure: LinearizabilityFailure?
        for key in keys {
            let part = try checkPartition(key: key, members: groups[key]!, pairs: pairs, stepsMax: max(stepsLeft, 1))
            stepsLeft -= part.partition.steps
            partitions.append(part.partition)
            if failure == nil, let f = part.failure { failure = f }
            if part.partition.linearizable == false && !checkAllPartitions { break }
            if stepsLeft <= 0 { break }
        }
        let verdict: Bool?
        if partitions.contains(where: { $0.linearizable == false }) { verdict = false }
        else if partitions.count < keys.count || partitions.contains(where: { $0.linearizable == nil }) { verdict = nil }
        else { verdict = true }
        return LinearizabilityReport(model: model.name, linearizable: verdict, operations: pairs.count,
                                     partitions: partitions, failure: failure)
    }

    private func checkPartition(key: String?, members: [Int], pairs: [OperationPair], stepsMax: Int) throws(HistoryError)
        -> (partition: LinearizabilityReport.Partition, failure: LinearizabilityFailure?) {
        var problem = SearchProblem<Model>()
        var pairOf: [Int] = []
        for i in members {
            let pair = pairs[i]
            switch try model.call(for: pair) {
            case .required(let input, let output):
                problem.append(input, output, required: true, call: pair.invoke.index, ret: pair.completionIndex)
            case .optional(let input, let output):
                problem.append(input, output, required: false, call: pair.invoke.index, ret: Int.max)
            case .omitted:
                continue
            }
            pairOf.append(i)
        }
        let (outcome, stats) = LinearizabilitySearch(model: model, problem: problem)
            .run(stepsMax: stepsMax, memoEntriesMax: budget.memoEntriesMax)
        var partition = LinearizabilityReport.Partition(
            key: key, linearizable: nil, operations: members.count, searched: problem.count,
            steps: stats.steps, memoEntries: stats.memoEntries, linearization: [], unknownReason: nil)
        switch outcome {
        case .linearizable(let order):
            partition.linearizable = true
            partition.linearization = order.map { pairs[pairOf[Int($0)]].invoke.index }
            return (partition, nil)
        case .unknown(let reason, _):
            partition.unknownReason = reason
            return (partition, nil)
        case .notLinearizable(let prefix, let blocked):
            partition.linearizable = false
            let explainer = LinearizabilityExplainer(model: model, problem: problem, pairs: pairs, pairOf: pairOf)
            return (partition, explainer.explain(key: key, prefix: prefix, blocked: blocked))
        }
    }
}

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
        /// When linearizable: the history indices of the invocations, in a legal order.
        public var linearization: [Int]
        public var unknownReason: String?
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
