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
    /// Tests turn the search's prunings off to compare answers with and without them.
    var pruning = true

    public init(model: Model, budget: SearchBudget = .default, checkAllPartitions: Bool = true) {
        self.model = model; self.budget = budget; self.checkAllPartitions = checkAllPartitions
    }

    /// Checks a history; throws when it is malformed or holds an operation the model
    /// does not know.
    public func check(_ history: History) throws(HistoryError) -> LinearizabilityReport {
        try check(pairs: try history.pairs())
    }

    /// Checks operations already paired (`History.pairs()` or an importer's).
    ///
    /// With `checkAllPartitions`, every key is searched in key order. Without it, the
    /// search stops at the first key that fails; to find a cheap failure before an
    /// expensive success (Porcupine runs keys in parallel for this), keys are searched in
    /// rounds with a per-key step allowance that grows tenfold each round. The rounds are
    /// deterministic, so the answer and report are the same on every run.
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
        var prepared: [PreparedPartition] = []
        for key in keys { prepared.append(try prepare(key: key, members: groups[key]!, pairs: pairs)) }

        var results = [LinearizabilityReport.Partition?](repeating: nil, count: keys.count)
        var failures = [LinearizabilityFailure?](repeating: nil, count: keys.count)
        var stepsLeft = budget.stepsMax
        var allowance = checkAllPartitions || keys.count == 1 ? Int.max : Self.firstRoundSteps
        search: while stepsLeft > 0 {
            var open = false
            for i in prepared.indices where results[i] == nil || (results[i]!.linearizable == nil && results[i]!.exhaustedAllowance) {
                let limit = min(stepsLeft, allowance)
                let (partition, failure) = run(prepared[i], pairs: pairs, stepsMax: limit)
                stepsLeft -= partition.steps
                results[i] = partition
                failures[i] = failure
                if partition.linearizable == false && !checkAllPartitions { break search }
                if partition.exhaustedAllowance && limit < stepsLeft + partition.steps { open = true }
                if stepsLeft <= 0 { break search }
            }
            if !open || allowance == Int.max { break }
            allowance = allowance > Int.max / 10 ? Int.max : allowance * 10
        }
        let partitions = results.compactMap { $0 }
        let verdict: Bool?
        if partitions.contains(where: { $0.linearizable == false }) { verdict = false }
        else if partitions.count < keys.count || partitions.contains(where: { $0.linearizable == nil }) { verdict = nil }
        else { verdict = true }
        return LinearizabilityReport(model: model.name, linearizable: verdict, operations: pairs.count,
                                     partitions: partitions, failure: failures.compactMap { $0 }.first)
    }

    /// Steps each key may take in the first round when stopping at the first failure.
    static var firstRoundSteps: Int { 1_000_000 }

    private struct PreparedPartition {
        var key: String?
        var members: Int
        var model: Model
        var problem: SearchProblem<Model>
        /// Search operation id -> index into the pairs.
        var pairOf: [Int]
    }

    private func prepare(key: String?, members: [Int], pairs: [OperationPair]) throws(HistoryError) -> PreparedPartition {
        var problem = SearchProblem<Model>()
        var model = self.model      // a fresh copy per partition: its intern tables start empty
        var pairOf: [Int] = []
        for i in members {
            let pair = pairs[i]
            switch try model.call(for: pair) {
            case .required(let input, let output):
                problem.append(input, output, required: true, readOnly: model.isReadOnly(input, output), blindWrite: model.isBlindWrite(input, output), extending: model.isExtending(input, output), call: pair.invoke.index, ret: pair.completionIndex)
            case .optional(let input, let output):
                problem.append(input, output, required: false, readOnly: model.isReadOnly(input, output), blindWrite: model.isBlindWrite(input, output), extending: model.isExtending(input, output), call: pair.invoke.index, ret: Int.max)
            case .omitted:
                continue
            }
            pairOf.append(i)
        }
        return PreparedPartition(key: key, members: members.count, model: model, problem: problem, pairOf: pairOf)
    }

    private func run(_ p: PreparedPartition, pairs: [OperationPair], stepsMax: Int)
        -> (partition: LinearizabilityReport.Partition, failure: LinearizabilityFailure?) {
        var search = LinearizabilitySearch(model: p.model, problem: p.problem)
        search.pruning = pruning
        let (outcome, stats) = search.run(stepsMax: stepsMax, memoEntriesMax: budget.memoEntriesMax)
        var partition = LinearizabilityReport.Partition(
            key: p.key, linearizable: nil, operations: p.members, searched: p.problem.count,
            steps: stats.steps, memoEntries: stats.memoEntries, linearization: [], unknownReason: nil)
        partition.pushes = stats.pushes; partition.illegal = stats.illegal
        partition.memoHits = stats.memoHits; partition.backtracks = stats.backtracks
        switch outcome {
        case .linearizable(let order):
            partition.linearizable = true
            partition.linearization = order.map { pairs[p.pairOf[Int($0)]].invoke.index }
            return (partition, nil)
        case .unknown(let reason, let exhausted):
            partition.unknownReason = reason
            partition.exhaustedAllowance = exhausted
            return (partition, nil)
        case .notLinearizable(let prefix, let blocked):
            partition.linearizable = false
            let explainer = LinearizabilityExplainer(model: search.model, problem: p.problem, pairs: pairs, pairOf: p.pairOf)
            return (partition, explainer.explain(key: p.key, prefix: prefix, blocked: blocked))
        }
    }
}
