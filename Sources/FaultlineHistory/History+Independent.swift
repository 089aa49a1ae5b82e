/// Jepsen's `jepsen.independent` histories, where many keys share one history and each
/// op's value is a `[key value]` tuple instead of carrying a `:key`.
extension History {
    /// The same history with every tuple value split into `key` and `value`, so
    /// checkers partition by key. Ops that already have a key are kept as they are.
    /// Throws, naming the op, when a value is not a two-element tuple.
    public func splittingIndependentKeys() throws(HistoryError) -> History {
        var out = History()
        for op in operations {
            var op = op
            if op.key == nil {
                guard case .list(let tuple) = op.value, tuple.count == 2 else {
                    throw HistoryError(operationIndex: op.index,
                        "expected an independent [key value] tuple as :value, found \(op.value)")
                }
                switch tuple[0] {
                case .string(let s): op.key = s
                default: op.key = tuple[0].description
                }
                op.value = tuple[1]
            }
            out.append(op)
        }
        return out
    }
}
