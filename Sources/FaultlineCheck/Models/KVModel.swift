import FaultlineHistory

/// What a key-value operation asked for.
public enum KVInput: Sendable, Hashable {
    case get
    case put(String)
    case append(String)
}

/// What a key-value operation answered.
public enum KVOutput: Sendable, Hashable {
    /// A get returned this string.
    case value(String)
    /// A put or append took effect.
    case done
}

/// A string-valued key-value store with `:get`, `:put` and `:append` (concatenation),
/// checked one key at a time. A missing key reads as the empty string, as in Porcupine's
/// kv model and the kv corpus; a get answered nil is read the same way.
public struct KVModel: LinearizabilityModel {
    public init() {}
    public var name: String { "kv" }
    public var initialState: String { "" }

    public func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<KVInput, KVOutput> {
        try KVCalls.call(for: pair, model: name)
    }

    @inline(__always)
    public func step(_ state: String, _ input: KVInput, _ output: KVOutput) -> String? {
        switch input {
        case .get:
            if case .value(let v) = output { return v == state ? state : nil }
            return state
        case .put(let v): return v
        case .append(let v): return state + v
        }
    }

    public func describe(_ state: String) -> String { "key holds \(Value.ednQuoted(state))" }
    public func describe(_ input: KVInput, _ output: KVOutput) -> String { KVCalls.describe(input, output) }
}

/// The same store with every key in one state, checked without partitioning: slower,
/// and useful to confirm that partitioning by key did not change a verdict.
public struct KVMapModel: LinearizabilityModel {
    public init() {}
    public var name: String { "kv-map" }
    public var partitionsByKey: Bool { false }
    /// Keys never written are absent (read as "").
    public var initialState: [String: String] { [:] }

    public struct Input: Sendable, Hashable {
        public var key: String
        public var op: KVInput
    }

    public func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<Input, KVOutput> {
        guard let key = pair.key else {
            throw HistoryError(operationIndex: pair.invoke.index, "the kv model needs a :key on every operation")
        }
        switch try KVCalls.call(for: pair, model: name) {
        case .required(let i, let o): return .required(Input(key: key, op: i), o)
        case .optional(let i, let o): return .optional(Input(key: key, op: i), o)
        case .omitted: return .omitted
        }
    }

    public func step(_ state: [String: String], _ input: Input, _ output: KVOutput) -> [String: String]? {
        let current = state[input.key] ?? ""
        switch input.op {
        case .get:
            if case .value(let v) = output { return v == current ? state : nil }
            return state
        case .put(let v):
            var s = state; s[input.key] = v; return s
        case .append(let v):
            var s = state; s[input.key] = current + v; return s
        }
    }

    public func describe(_ state: [String: String]) -> String {
        "{" + state.keys.sorted().map { "\(Value.ednQuoted($0)) \(Value.ednQuoted(state[$0]!))" }.joined(separator: ", ") + "}"
    }
    public func describe(_ input: Input, _ output: KVOutput) -> String { "\(input.key): " + KVCalls.describe(input.op, output) }
}

enum KVCalls {
    static func string(_ v: Value, _ pair: OperationPair, model: String, completion: Bool) throws(HistoryError) -> String {
        switch v {
        case .string(let s): return s
        case .null: return ""
        default: throw ModelErrors.badValue(pair, model: model, expected: "a string", found: v, completion: completion)
        }
    }

    static func call(for pair: OperationPair, model: String) throws(HistoryError) -> ModelCall<KVInput, KVOutput> {
        let input: KVInput
        switch pair.f {
        case "get":
            // As for register reads: an unanswered get constrains nothing.
            guard pair.outcome == .ok, let c = pair.completion else { return .omitted }
            return .required(.get, .value(try string(c.value, pair, model: model, completion: true)))
        case "put": input = .put(try string(pair.invoke.value, pair, model: model, completion: false))
        case "append": input = .append(try string(pair.invoke.value, pair, model: model, completion: false))
        default: throw ModelErrors.unknown(pair, model: model, known: ["get", "put", "append"])
        }
        switch pair.outcome {
        case .ok: return .required(input, .done)
        case .fail: return .omitted
        case .info, .invoke: return .optional(input, .done)
        }
    }

    static func describe(_ input: KVInput, _ output: KVOutput) -> String {
        switch (input, output) {
        case (.get, .value(let v)): return "get -> \(Value.ednQuoted(v))"
        case (.get, _): return "get"
        case (.put(let v), _): return "put \(Value.ednQuoted(v))"
        case (.append(let v), _): return "append \(Value.ednQuoted(v))"
        }
    }
}
