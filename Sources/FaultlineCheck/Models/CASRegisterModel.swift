import FaultlineHistory

/// What a register operation asked for.
public enum RegisterInput: Sendable, Hashable {
    case read
    case write(Value)
    case cas(expected: Value, new: Value)
}

/// What a register answered.
public enum RegisterOutput: Sendable, Hashable {
    /// A read returned this value (nil: never written).
    case read(Value)
    /// A write took effect.
    case written
    /// A cas found the expected value and replaced it.
    case swapped
    /// A cas ran and found something else, so it changed nothing.
    case compareFailed
    /// The answer never arrived (an indeterminate cas): either outcome is possible.
    case unknown
}

/// How to read `:fail :cas`.
public enum FailedCASReading: String, Sendable, Hashable {
    /// The cas ran and its comparison failed: legal only where the register did not hold
    /// the expected value. This is what an etcd or ZooKeeper "version mismatch" reply
    /// means, and the reading that yields the etcd corpus's verdicts.
    case comparisonFailed
    /// Knossos's general rule: a failed operation did not happen and constrains nothing.
    case didNotHappen
}

/// A single register with read, write and compare-and-set (`:f :cas`, value `[old new]`),
/// initially nil (never written). Jepsen's `cas-register`, the etcd corpus's model.
public struct CASRegisterModel: LinearizabilityModel {
    public var failedCAS: FailedCASReading
    public init(failedCAS: FailedCASReading = .comparisonFailed) { self.failedCAS = failedCAS }

    public var name: String { "cas-register" }
    public var initialState: Value { .null }

    public func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<RegisterInput, RegisterOutput> {
        try RegisterCalls.call(for: pair, model: name, allowsCAS: true, failedCAS: failedCAS)
    }

    @inline(__always)
    public func step(_ state: Value, _ input: RegisterInput, _ output: RegisterOutput) -> Value? {
        RegisterCalls.step(state, input, output)
    }

    public func hash(_ state: Value) -> UInt64 { RegisterCalls.hash(state) }
    public func describe(_ state: Value) -> String { RegisterCalls.describe(state) }
    public func describe(_ input: RegisterInput, _ output: RegisterOutput) -> String { RegisterCalls.describe(input, output) }
}

/// A plain read/write register (no cas), initially nil. Jepsen's `register`.
public struct RegisterModel: LinearizabilityModel {
    public init() {}
    public var name: String { "register" }
    public var initialState: Value { .null }

    public func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<RegisterInput, RegisterOutput> {
        try RegisterCalls.call(for: pair, model: name, allowsCAS: false, failedCAS: .didNotHappen)
    }

    @inline(__always)
    public func step(_ state: Value, _ input: RegisterInput, _ output: RegisterOutput) -> Value? {
        RegisterCalls.step(state, input, output)
    }

    public func hash(_ state: Value) -> UInt64 { RegisterCalls.hash(state) }
    public func describe(_ state: Value) -> String { RegisterCalls.describe(state) }
    public func describe(_ input: RegisterInput, _ output: RegisterOutput) -> String { RegisterCalls.describe(input, output) }
}

/// The register models' shared rules.
enum RegisterCalls {
    static func call(for pair: OperationPair, model: String, allowsCAS: Bool,
                     failedCAS: FailedCASReading) throws(HistoryError) -> ModelCall<RegisterInput, RegisterOutput> {
        switch pair.f {
        case "read":
            // A read that failed or never answered changes nothing and constrains nothing:
            // with an unknown answer it is legal in every state, so leaving it out cannot
            // change whether an order exists.
            guard pair.outcome == .ok, let c = pair.completion else { return .omitted }
            return .required(.read, .read(c.value))
        case "write":
            let input = RegisterInput.write(pair.invoke.value)
            switch pair.outcome {
            case .ok: return .required(input, .written)
            case .info, .invoke: return .optional(input, .written)
            case .fail: return .omitted
            }
        case "cas" where allowsCAS:
            guard case .list(let items) = pair.invoke.value, items.count == 2 else {
                throw ModelErrors.badValue(pair, model: model, expected: "[expected new]", found: pair.invoke.value)
            }
            let input = RegisterInput.cas(expected: items[0], new: items[1])
            switch pair.outcome {
            case .ok: return .required(input, .swapped)
            case .info, .invoke: return .optional(input, .unknown)
            case .fail: return failedCAS == .comparisonFailed ? .required(input, .compareFailed) : .omitted
            }
        default:
            throw ModelErrors.unknown(pair, model: model, known: allowsCAS ? ["read", "write", "cas"] : ["read", "write"])
        }
    }

    @inline(__always)
    static func step(_ state: Value, _ input: RegisterInput, _ output: RegisterOutput) -> Value? {
        switch input {
        case .read:
            if case .read(let v) = output { return v == state ? state : nil }
            return state
        case .write(let v):
            return v
        case .cas(let expected, let new):
            switch output {
            case .swapped: return state == expected ? new : nil
            case .compareFailed: return state == expected ? nil : state
            default: return state == expected ? new : state
            }
        }
    }

    @inline(__always)
    static func hash(_ state: Value) -> UInt64 {
        switch state {
        case .null: return 0x6A09_E667_F3BC_C908
        case .int(let i): return mix64(UInt64(bitPattern: i))
        case .bool(let b): return b ? 0xBB67_AE85_84CA_A73B : 0x3C6E_F372_FE94_F82B
        default:
            var h = Hasher(); h.combine(state)
            return UInt64(bitPattern: Int64(h.finalize()))
        }
    }

    static func describe(_ state: Value) -> String {
        state == .null ? "register never written (nil)" : "register holds \(state)"
    }

    static func describe(_ input: RegisterInput, _ output: RegisterOutput) -> String {
        switch (input, output) {
        case (.read, .read(let v)): return "read -> \(v)"
        case (.read, _): return "read"
        case (.write(let v), _): return "write \(v)"
        case (.cas(let e, let n), .swapped): return "cas \(e) -> \(n) succeeded"
        case (.cas(let e, let n), .compareFailed): return "cas \(e) -> \(n) found another value"
        case (.cas(let e, let n), _): return "cas \(e) -> \(n) (outcome unknown)"
        }
    }
}
