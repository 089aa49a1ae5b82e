/// How much work the linearizability search may do before answering "unknown".
///
/// Deciding linearizability is NP-complete; a history with many concurrent indeterminate
/// operations can need more steps than there is time. Both bounds are counts, never wall
/// time, so the same history gets the same answer on every machine.
public struct SearchBudget: Sendable, Hashable {
    /// Search steps (one model step or one backtrack each), summed over all partitions.
    public var stepsMax: Int
    /// Configurations remembered in one partition's memo table (bounds memory: each costs
    /// about 40 bytes plus the model state).
    public var memoEntriesMax: Int

    public init(stepsMax: Int = 200_000_000, memoEntriesMax: Int = 4_000_000) {
        precondition(stepsMax > 0 && memoEntriesMax > 0, "a search budget must be positive")
        self.stepsMax = stepsMax; self.memoEntriesMax = memoEntriesMax
    }

    public static let `default` = SearchBudget()
}
