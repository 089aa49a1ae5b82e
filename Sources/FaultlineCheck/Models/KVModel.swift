import FaultlineHistory

/// A key-value operation as the history states it.
public enum KVRequest: Sendable, Hashable {
    /// A get that returned this string.
    case get(String)
    case put(String)
    case append(String)
}

/// What a key-value operation asked for and answered, with strings interned
/// (numbered by the model; 0 is the empty string).
public enum KVInput: Sendable, Hashable {
    /// A get that returned this string.
    case get(Int32)
    case put(Int32)
    case append(Int32)
}

/// A string-valued key-value store with `:get`, `:put` and `:append` (concatenation),
/// checked one key at a time. A missing key reads as the empty string, as in Porcupine's
/// kv model and the kv corpus; a get answered nil is read the same way.
///
/// The state is a node of `KVStrings`: appends cost O(1) and equal strings are the
/// same node however they were built, so the search never copies or hashes a string.
public struct KVModel: LinearizabilityModel {
    var strings = KVStrings()
    public init() {}
    public var name: String { "kv" }
    public var initialState: Int32 { 0 }

    public mutating func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<KVInput, Void> {
        func intern(_ r: KVRequest) -> KVInput {
            switch r {
            case .get(let s): return .get(strings.answerID(s))
            case .put(let s): return .put(strings.valueID(s))
            case .append(let s): return .append(strings.valueID(s))
            }
        }
        switch try KVCalls.call(for: pair, model: name) {
        case .required(let r, _): return .required(intern(r), ())
        case .optional(let r, _): return .optional(intern(r), ())
        case .omitted: return .omitted
        }
    }

    @inline(__always)
    public mutating func step(_ state: Int32, _ input: KVInput, _ output: Void) -> Int32? {
        switch input {
        case .get(let v): return strings.holds(state, v) ? state : nil
        case .put(let v): return strings.put(v)
        case .append(let v): return strings.append(state, v)
        }
    }

    public func isReadOnly(_ input: KVInput, _ output: Void) -> Bool {
        if case .get = input { return true } else { return false }
    }
    public func isBlindWrite(_ input: KVInput, _ output: Void) -> Bool {
        if case .put = input { return true } else { return false }
    }
    public func isExtending(_ input: KVInput, _ output: Void) -> Bool {
        if case .put = input { return false } else { return true }
    }
    public func mayBecomeLegal(afterExtending state: Int32, _ input: KVInput, _ output: Void) -> Bool {
        guard case .get(let v) = input else { return true }
        return strings.mayExtend(state, to: v)
    }
    @inline(__always)
    public func hash(_ state: Int32) -> UInt64 { mix64(UInt64(UInt32(bitPattern: state))) }
    public func describe(_ state: Int32) -> String { "key holds \(quoted(strings.string(of: state)))" }
    public func describe(_ input: KVInput, _ output: Void) -> String {
        switch input {
        case .get(let v): return "get -> \(quoted(strings.values[Int(v)]))"
        case .put(let v): return "put \(quoted(strings.values[Int(v)]))"
        case .append(let v): return "append \(quoted(strings.values[Int(v)]))"
        }
    }

    private func quoted(_ bytes: [UInt8]) -> String { Value.ednQuoted(String(decoding: bytes, as: UTF8.self)) }
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
        public var request: KVRequest
    }

    public func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<Input, Void> {
        guard let key = pair.key else {
            throw HistoryError(operationIndex: pair.invoke.index, "the kv model needs a :key on every operation")
        }
        switch try KVCalls.call(for: pair, model: name) {
        case .required(let r, _): return .required(Input(key: key, request: r), ())
        case .optional(let r, _): return .optional(Input(key: key, request: r), ())
        case .omitted: return .omitted
        }
    }

    public func step(_ state: [String: String], _ input: Input, _ output: Void) -> [String: String]? {
        let current = state[input.key] ?? ""
        switch input.request {
        case .get(let v): return v == current ? state : nil
        case .put(let v):
            var s = state; s[input.key] = v; return s
        case .append(let v):
            var s = state; s[input.key] = current + v; return s
        }
    }

    public func isReadOnly(_ input: Input, _ output: Void) -> Bool {
        if case .get = input.request { return true } else { return false }
    }

    public func describe(_ state: [String: String]) -> String {
        "{" + state.keys.sorted().map { "\(Value.ednQuoted($0)) \(Value.ednQuoted(state[$0]!))" }.joined(separator: ", ") + "}"
    }
    public func describe(_ input: Input, _ output: Void) -> String { "\(input.key): " + KVCalls.describe(input.request) }
}

enum KVCalls {
    static func string(_ v: Value, _ pair: OperationPair, model: String, completion: Bool) throws(HistoryError) -> String {
        switch v {
        case .string(let s): return s
        case .null: return ""
        default: throw ModelErrors.badValue(pair, model: model, expected: "a string", found: v, completion: completion)
        }
    }

    static func call(for pair: OperationPair, model: String) throws(HistoryError) -> ModelCall<KVRequest, Void> {
        let request: KVRequest
        switch pair.f {
        case "get":
            // As for register reads: an unanswered get constrains nothing.
            guard pair.outcome == .ok, let c = pair.completion else { return .omitted }
            return .required(.get(try string(c.value, pair, model: model, completion: true)), ())
        case "put": request = .put(try string(pair.invoke.value, pair, model: model, completion: false))
        case "append": request = .append(try string(pair.invoke.value, pair, model: model, completion: false))
        default: throw ModelErrors.unknown(pair, model: model, known: ["get", "put", "append"])
        }
        switch pair.outcome {
        case .ok: return .required(request, ())
        case .fail: return .omitted
        case .info, .invoke: return .optional(request, ())
        }
    }

    static func describe(_ r: KVRequest) -> String {
        switch r {
        case .get(let v): return "get -> \(Value.ednQuoted(v))"
        case .put(let v): return "put \(Value.ednQuoted(v))"
        case .append(let v): return "append \(Value.ednQuoted(v))"
        }
    }
}
