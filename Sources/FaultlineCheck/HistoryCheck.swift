import FaultlineHistory

/// Every history checker by name, so a scenario file can list its checks as strings
/// ("linearizable:cas-register", "lost-writes", "queue-delivery", ...) and a report can
/// show one `CheckResult` per check.
public enum HistoryCheck: Sendable, Hashable {
    case linearizable(NamedModel)
    case lostWrites
    case queueDelivery(duplicatesAllowed: Bool)
    case staleReads
    case lockExclusivity
    case monotonicReads

    /// The names `init(name:)` accepts, for error messages.
    public static var names: [String] {
        NamedModel.allCases.map { "linearizable:" + $0.rawValue }
            + ["lost-writes", "queue-delivery", "queue-delivery:at-least-once", "stale-reads", "lock-exclusivity", "monotonic-reads"]
    }

    /// Parses a check's name; nil when unknown (`names` lists the valid ones).
    public init?(name: String) {
        if name.hasPrefix("linearizable:") {
            guard let m = NamedModel(rawValue: String(name.dropFirst("linearizable:".count))) else { return nil }
            self = .linearizable(m); return
        }
        switch name {
        case "lost-writes": self = .lostWrites
        case "queue-delivery": self = .queueDelivery(duplicatesAllowed: false)
        case "queue-delivery:at-least-once": self = .queueDelivery(duplicatesAllowed: true)
        case "stale-reads": self = .staleReads
        case "lock-exclusivity": self = .lockExclusivity
        case "monotonic-reads": self = .monotonicReads
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .linearizable(let m): return "linearizable:" + m.rawValue
        case .lostWrites: return "lost-writes"
        case .queueDelivery(let dup): return dup ? "queue-delivery:at-least-once" : "queue-delivery"
        case .staleReads: return "stale-reads"
        case .lockExclusivity: return "lock-exclusivity"
        case .monotonicReads: return "monotonic-reads"
        }
    }

    /// Runs the check; throws when the history is malformed or does not fit the check
    /// (an operation the model does not know), naming the operation.
    public func run(_ history: History, budget: SearchBudget = .default) throws(HistoryError) -> CheckResult {
        switch self {
        case .linearizable(let m): return try m.check(history, budget: budget).checkResult
        case .lostWrites: return try SetLostWrites().check(history)
        case .queueDelivery(let dup): return try QueueDelivery(fifo: true, duplicatesAllowed: dup).check(history)
        case .staleReads: return try StaleReads().check(history)
        case .lockExclusivity: return try LockExclusivity().check(history)
        case .monotonicReads: return try MonotonicReads().check(history)
        }
    }
}
