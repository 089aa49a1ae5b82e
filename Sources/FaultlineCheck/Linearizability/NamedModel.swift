import FaultlineHistory

/// The built-in models by the names the CLI and scenario files use.
///
/// Checking through this enum calls the generic checker with each concrete model type
/// inside this module, where the compiler specialises the search for it; code in other
/// modules that calls `LinearizabilityChecker<SomeModel>` directly gets the generic
/// (slower, same answers) version.
public enum NamedModel: String, Sendable, CaseIterable {
    case casRegister = "cas-register"
    case register, kv, set, queue, mutex

    /// Checks paired operations with this model.
    public func check(pairs: [OperationPair], budget: SearchBudget = .default,
                      failedCAS: FailedCASReading = .comparisonFailed,
                      checkAllPartitions: Bool = true) throws(HistoryError) -> LinearizabilityReport {
        switch self {
        case .casRegister:
            return try LinearizabilityChecker(model: CASRegisterModel(failedCAS: failedCAS), budget: budget,
                                              checkAllPartitions: checkAllPartitions).check(pairs: pairs)
        case .register:
            return try LinearizabilityChecker(model: RegisterModel(), budget: budget, checkAllPartitions: checkAllPartitions).check(pairs: pairs)
        case .kv:
            return try LinearizabilityChecker(model: KVModel(), budget: budget, checkAllPartitions: checkAllPartitions).check(pairs: pairs)
        case .set:
            return try LinearizabilityChecker(model: SetModel(), budget: budget, checkAllPartitions: checkAllPartitions).check(pairs: pairs)
        case .queue:
            return try LinearizabilityChecker(model: QueueModel(), budget: budget, checkAllPartitions: checkAllPartitions).check(pairs: pairs)
        case .mutex:
            return try LinearizabilityChecker(model: MutexModel(), budget: budget, checkAllPartitions: checkAllPartitions).check(pairs: pairs)
        }
    }

    /// Checks a history with this model.
    public func check(_ history: History, budget: SearchBudget = .default) throws(HistoryError) -> LinearizabilityReport {
        try check(pairs: try history.pairs(), budget: budget)
    }
}
