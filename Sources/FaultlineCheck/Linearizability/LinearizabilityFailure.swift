import FaultlineHistory

/// Why a partition has no linearizable order, in terms a person can check by hand.
///
/// The search's deepest point is the evidence: the longest legal order it built, the
/// state it reached, and the completed operation it then had to place but could not,
/// together with every operation that could still have gone before that completion and
/// what each would have done from that state.
public struct LinearizabilityFailure: Sendable {
    public var model: String
    public var key: String?
    /// The longest legal order found, with the state after each operation.
    public var prefix: [Step]
    /// The state after `prefix`.
    public var state: String
    /// The completed operation that had to take effect next and could not.
    public var blocked: OperationPair?
    /// Operations not in the prefix that were invoked before `blocked` completed (it
    /// included): the only ones that could still take effect before that point.
    public var candidates: [Candidate]
    /// The whole story in plain text.
    public var explanation: String

    public struct Step: Sendable {
        public var operation: OperationPair
        public var stateAfter: String
    }

    public struct Candidate: Sendable {
        public var operation: OperationPair
        /// Whether the model accepts it from `state`.
        public var legal: Bool
        /// "impossible: read -> 4 while register holds 3", or where it leads.
        public var outcome: String
    }

    /// The operations the explanation rests on: the blocked one and its candidates,
    /// invocations and completions, in history order.
    public var evidence: [Operation] {
        var ops: [Operation] = []
        for c in candidates {
            ops.append(c.operation.invoke)
            if let done = c.operation.completion { ops.append(done) }
        }
        return ops.sorted { $0.index < $1.index }
    }
}

/// Rebuilds the states along the search's best prefix and words the failure.
struct LinearizabilityExplainer<M: LinearizabilityModel> {
    let model: M
    let problem: SearchProblem<M>
    let pairs: [OperationPair]
    /// Search operation id -> index into `pairs`.
    let pairOf: [Int]
    /// Prefix steps shown in the text (all are in the data).
    static var shownStepsMax: Int { 12 }

    func explain(key: String?, prefix: [Int32], blocked: Int32) -> LinearizabilityFailure {
        var model = self.model
        var state = model.initialState
        var steps: [LinearizabilityFailure.Step] = []
        var placed = Set<Int>()
        for id in prefix.map(Int.init) {
            guard let next = model.step(state, problem.inputs[id], problem.outputs[id]) else {
                preconditionFailure("the search's prefix must replay legally")
            }
            state = next
            placed.insert(id)
            steps.append(.init(operation: pairs[pairOf[id]], stateAfter: model.describe(state)))
        }
        var candidates: [LinearizabilityFailure.Candidate] = []
        var blockedPair: OperationPair?
        if blocked >= 0 {
            let b = Int(blocked)
            blockedPair = pairs[pairOf[b]]
            let deadline = problem.returnPosition[b]
            for id in 0..<problem.count where !placed.contains(id) && problem.callPosition[id] < deadline {
                let what = model.describe(problem.inputs[id], problem.outputs[id])
                if let after = model.step(state, problem.inputs[id], problem.outputs[id]) {
                    let outcome = after == state
                        ? "possible (\(what)) but changes nothing"
                        : "possible (\(what)), leads to: \(model.describe(after)); no order of the rest completes from there"
                    candidates.append(.init(operation: pairs[pairOf[id]], legal: true, outcome: outcome))
                } else {
                    candidates.append(.init(operation: pairs[pairOf[id]], legal: false,
                                            outcome: "impossible: \(what) while \(model.describe(state))"))
                }
            }
        }
        let text = words(model: model, key: key, steps: steps, state: model.describe(state), blocked: blockedPair, candidates: candidates)
        return LinearizabilityFailure(model: model.name, key: key, prefix: steps, state: model.describe(state),
                                      blocked: blockedPair, candidates: candidates, explanation: text)
    }

    private func words(model: M, key: String?, steps: [LinearizabilityFailure.Step], state: String,
                       blocked: OperationPair?, candidates: [LinearizabilityFailure.Candidate]) -> String {
        let required = problem.required.filter { $0 }.count
        var t = "No linearizable order exists" + (key.map { " for key \(Value.ednQuoted($0))" } ?? "") + " under the \(model.name) model."
        t += "\nThe longest legal order found places \(steps.count) operation(s) (\(required) must be placed)"
        if steps.isEmpty {
            t += "; none can go first."
        } else {
            let shown = steps.suffix(Self.shownStepsMax)
            t += shown.count < steps.count ? "; its last \(shown.count):" : ":"
            for s in shown { t += "\n  " + line(s.operation) + "  => " + s.stateAfter }
        }
        guard let b = blocked else { return t + "\nThen no remaining operation can take effect." }
        t += "\nThen \(line(b)) must take effect before it completed at #\(b.completion!.index), but from \"\(state)\" no choice works:"
        for c in candidates { t += "\n  " + line(c.operation) + ": " + c.outcome }
        return t
    }

    /// `#12 p3 write 4 -> ok` : the invocation index, process, and how it ended.
    private func line(_ p: OperationPair) -> String {
        let what = "#\(p.invoke.index) p\(p.process) \(p.f)" + (p.key.map { " \($0)" } ?? "") + " \(p.invoke.value)"
        guard let c = p.completion else { return what + " (never completed)" }
        return what + " -> :\(c.type.rawValue)" + (c.type == .ok && c.value != p.invoke.value ? " \(c.value)" : "")
    }
}
