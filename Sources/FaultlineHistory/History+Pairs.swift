/// An invocation together with the completion that closed it.
///
/// Checkers reason about operations, not entries: an operation is "invoked at position
/// `invoke.index`, completed at `completion.index`", and its outcome decides how it enters
/// a model (`ok` happened, `fail` did not, `info` or no completion may or may not have).
public struct OperationPair: Sendable, Hashable {
    public var invoke: Operation
    /// The `ok`, `fail` or `info` entry; nil when the history ended first.
    public var completion: Operation?

    public init(invoke: Operation, completion: Operation?) {
        precondition(invoke.type == .invoke, "an operation pair starts with an invocation")
        precondition(completion.map { $0.type.isCompletion && $0.process == invoke.process } ?? true,
                     "a pair's completion belongs to the same process")
        self.invoke = invoke; self.completion = completion
    }

    /// `ok`, `fail` or `info`; a missing completion counts as `info` (indeterminate).
    public var outcome: OpType { completion?.type ?? .info }
    /// True when the operation may or may not have taken effect.
    public var isIndeterminate: Bool { outcome == .info }
    public var process: Int { invoke.process }
    public var f: String { invoke.f }
    public var key: String? { invoke.key }
    /// History position after which the operation's effect is no longer in doubt; `Int.max`
    /// for operations that never completed.
    public var completionIndex: Int { completion?.index ?? Int.max }
}

extension History {
    /// Matches every invocation with its process's next entry.
    ///
    /// Jepsen's rules: a process has at most one operation outstanding, and its completion
    /// names the same `f` (and key). Jepsen retires a process id after `info`; a client
    /// that keeps its id is accepted too, since its indeterminate operation simply stays
    /// concurrent with everything after it. Pairs come out in invocation order.
    public func pairs() throws(HistoryError) -> [OperationPair] {
        var result: [OperationPair] = []
        result.reserveCapacity(operations.count / 2 + 1)
        var open: [Int: Int] = [:]          // process -> index into result
        for op in operations {
            if op.type == .invoke {
                if let i = open[op.process] {
                    throw HistoryError(operationIndex: op.index,
                        "process \(op.process) invokes \(op.f) while its \(result[i].f) (#\(result[i].invoke.index)) has not completed")
                }
                open[op.process] = result.count
                result.append(OperationPair(invoke: op, completion: nil))
                continue
            }
            guard let i = open.removeValue(forKey: op.process) else {
                throw HistoryError(operationIndex: op.index,
                    "process \(op.process) completes :\(op.type.rawValue) \(op.f) without an invocation")
            }
            let inv = result[i].invoke
            guard inv.f == op.f else {
                throw HistoryError(operationIndex: op.index,
                    "process \(op.process) completes \(op.f) but invoked \(inv.f) at #\(inv.index)")
            }
            guard op.key == nil || op.key == inv.key else {
                throw HistoryError(operationIndex: op.index,
                    "process \(op.process) completes key \(op.key!) but invoked key \(inv.key ?? "nil") at #\(inv.index)")
            }
            guard op.time >= inv.time else {
                throw HistoryError(operationIndex: op.index,
                    "completion time \(op.time) is before its invocation's time \(inv.time) (#\(inv.index))")
            }
            result[i].completion = op
        }
        return result
    }
}
