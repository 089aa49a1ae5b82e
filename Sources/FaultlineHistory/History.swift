/// A Jepsen-style history: invocations and completions in the order they happened.
///
/// Clients append as they go; `append` stamps each entry's `index`, so an operation can
/// be named by its position in evidence and reports. The history is a plain value, so a
/// scenario can hand a copy to checkers while the run goes on.
public struct History: Sendable {
    public private(set) var operations: [Operation]

    public init() { operations = [] }

    /// A history from entries in order; their indices are reassigned 0, 1, 2, ...
    public init<S: Sequence>(_ entries: S) where S.Element == Operation {
        operations = []
        for op in entries { append(op) }
    }

    /// Adds `op` at the end and assigns its `index`.
    public mutating func append(_ op: Operation) {
        var op = op
        op.index = operations.count
        operations.append(op)
    }

    public var count: Int { operations.count }
    public var isEmpty: Bool { operations.isEmpty }
    public subscript(index: Int) -> Operation { operations[index] }
}

extension History: Sequence {
    public func makeIterator() -> IndexingIterator<[Operation]> { operations.makeIterator() }
}

extension History: Equatable, Hashable {}
