import FaultlineHistory

/// What a register operation asked for; values are the model's interned numbers.
public enum RegisterInput: Sendable, Hashable {
    case read
    case write(Int32)
    case cas(expected: Int32, new: Int32)
}

/// What a register answered.
public enum RegisterOutput: Sendable, Hashable {
    /// A read returned this value (interned; 0 is nil: never written).
    case read(Int32)
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
///
/// Values are interned: the state is the number of the value the register holds (0 for
/// nil), so the search compares and hashes integers.
public struct CASRegisterModel: LinearizabilityModel {
    public var failedCAS: FailedCASReading
    var values = ValueTable()
    public init(failedCAS: FailedCASReading = .comparisonFailed) { self.failedCAS = failedCAS }

    public var name: String { "cas-register" }
    public var initialState: Int32 { 0 }

    public mutating func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<RegisterInput, RegisterOutput> {
        try RegisterCalls.call(for: pair, model: name, allowsCAS: true, failedCAS: failedCAS, values: &values)
    }

    @inline(__always)
    public func step(_ state: Int32, _ input: RegisterInput, _ output: RegisterOutput) -> Int32? {
        RegisterCalls.step(state, input, output)
    }

    public func isReadOnly(_ input: RegisterInput, _ output: RegisterOutput) -> Bool { RegisterCalls.isReadOnly(input, output) }
    public func isBlindWrite(_ input: RegisterInput, _ output: RegisterOutput) -> Bool {
        if case .write = input { return true } else { return false }
    }
    /// Only read-only operations extend (they leave the state as it is), so pruning (4)
    /// asks whether a pending read matches the state or an overwrite's value.
    public func isExtending(_ input: RegisterInput, _ output: RegisterOutput) -> Bool { RegisterCalls.isReadOnly(input, output) }
    public func mayBecomeLegal(afterExtending state: Int32, _ input: RegisterInput, _ output: RegisterOutput) -> Bool {
        RegisterCalls.step(state, input, output) != nil
    }
    @inline(__always)
    public func hash(_ state: Int32) -> UInt64 { mix64(UInt64(UInt32(bitPattern: state))) }
    public func describe(_ state: Int32) -> String { RegisterCalls.describe(values[state]) }
    public func describe(_ input: RegisterInput, _ output: RegisterOutput) -> String { RegisterCalls.describe(input, output, values) }
}

/// A plain read/write register (no cas), initially nil. Jepsen's `register`.
public struct RegisterModel: LinearizabilityModel {
    var values = ValueTable()
    public init() {}
    public var name: String { "register" }
    public var initialState: Int32 { 0 }

    public mutating func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<RegisterInput, RegisterOutput> {
        try RegisterCalls.call(for: pair, model: name, allowsCAS: false, failedCAS: .didNotHappen, values: &values)
    }

    @inline(__always)
    public func step(_ state: Int32, _ input: RegisterInput, _ output: RegisterOutput) -> Int32? {
        RegisterCalls.step(state, input, output)
    }

    public func isReadOnly(_ input: RegisterInput, _ output: RegisterOutput) -> Bool { RegisterCalls.isReadOnly(input, output) }
    public func isBlindWrite(_ input: RegisterInput, _ output: RegisterOutput) -> Bool {
        if case .write = input { return true } else { return false }
    }
    /// Only read-only operations extend (they leave the state as it is), so pruning (4)
    /// asks whether a pending read matches the state or an overwrite's value.
    public func isExtending(_ input: RegisterInput, _ output: RegisterOutput) -> Bool { RegisterCalls.isReadOnly(input, output) }
    public func mayBecomeLegal(afterExtending state: Int32, _ input: RegisterInput, _ output: RegisterOutput) -> Bool {
        RegisterCalls.step(state, input, output) != nil
    }
    @inline(__always)
    public func hash(_ state: Int32) -> UInt64 { mix64(UInt64(UInt32(bitPattern: state))) }
    public func describe(_ state: Int32) -> String { RegisterCalls.describe(values[state]) }
    public func describe(_ input: RegisterInput, _ output: RegisterOutput) -> String { RegisterCalls.describe(input, output, values) }
}

/// Distinct values numbered in order of first appearance; 0 is nil.
struct ValueTable: Sendable {
    private var ids: [Value: Int32] = [.null: 0]
    private var values: [Value] = [.null]

    mutating func id(_ v: Value) -> Int32 {
        if let id = ids[v] { return id }
        let id = Int32(values.count)
        ids[v] = id; values.append(v)
        return id
    }

    subscript(id: Int32) -> Value { values[Int(id)] }
}

/// The register models' shared rules.
enum RegisterCalls {
    static func call(for pair: OperationPair, model: String, allowsCAS: Bool, failedCAS: FailedCASReading,
                     values: inout ValueTable) throws(HistoryError) -> ModelCall<RegisterInput, RegisterOutput> {
        switch pair.f {
        case "read":
            // A read that failed or never answered changes nothing and constrains nothing:
            // with an unknown answer it is legal in every state, so leaving it out cannot
            // change whether an order exists.
            guard pair.outcome == .ok, let c = pair.completion else { return .omitted }
            return .required(.read, .read(values.id(c.value)))
        case "write":
            let input = RegisterInput.write(values.id(pair.invoke.value))
            switch pair.outcome {
            case .ok: return .required(input, .written)
            case .info, .invoke: return .optional(input, .written)
            case .fail: return .omitted
            }
        case "cas" where allowsCAS:
            guard case .list(let items) = pair.invoke.value, items.count == 2 else {
                throw ModelErrors.badValue(pair, model: model, expected: "[expected new]", found: pair.invoke.value)
            }
            let input = RegisterInput.cas(expected: values.id(items[0]), new: values.id(items[1]))
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
    static func step(_ state: Int32, _ input: RegisterInput, _ output: RegisterOutput) -> Int32? {
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

    /// Reads, cas that found another value, and cas x -> x never change the register.
    static func isReadOnly(_ input: RegisterInput, _ output: RegisterOutput) -> Bool {
        switch (input, output) {
        case (.read, _): return true
        case (.cas, .compareFailed): return true
        case (.cas(let e, let n), _): return e == n
        case (.write, _): return false
        }
    }

    static func describe(_ state: Value) -> String {
        state == .null ? "register never written (nil)" : "register holds \(state)"
    }

    static func describe(_ input: RegisterInput, _ output: RegisterOutput, _ values: ValueTable) -> String {
        switch (input, output) {
        case (.read, .read(let v)): return "read -> \(values[v])"
        case (.read, _): return "read"
        case (.write(let v), _): return "write \(values[v])"
        case (.cas(let e, let n), .swapped): return "cas \(values[e]) -> \(values[n]) succeeded"
        case (.cas(let e, let n), .compareFailed): return "cas \(values[e]) -> \(values[n]) found another value"
        case (.cas(let e, let n), _): return "cas \(values[e]) -> \(values[n]) (outcome unknown)"
        }
    }
}
