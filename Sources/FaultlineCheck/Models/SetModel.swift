import FaultlineHistory

/// A grow-only set with `:add v` and `:read` answering every element (a vector, in any
/// order, duplicates ignored). Initially empty.
public struct SetModel: LinearizabilityModel {
    public init() {}
    public var name: String { "set" }
    public var initialState: Set<Value> { [] }

    public enum Input: Sendable, Hashable { case add(Value), read }
    public enum Output: Sendable, Hashable { case added, read(Set<Value>), unknown }

    public func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<Input, Output> {
        switch pair.f {
        case "add":
            switch pair.outcome {
            case .ok: return .required(.add(pair.invoke.value), .added)
            case .fail: return .omitted
            case .info, .invoke: return .optional(.add(pair.invoke.value), .added)
            }
        case "read":
            guard pair.outcome == .ok, let c = pair.completion else { return .omitted }
            guard case .list(let items) = c.value else {
                throw ModelErrors.badValue(pair, model: name, expected: "a vector of elements", found: c.value, completion: true)
            }
            return .required(.read, .read(Set(items)))
        default:
            throw ModelErrors.unknown(pair, model: name, known: ["add", "read"])
        }
    }

    public func step(_ state: Set<Value>, _ input: Input, _ output: Output) -> Set<Value>? {
        switch input {
        case .add(let v):
            var s = state; s.insert(v); return s
        case .read:
            if case .read(let seen) = output { return seen == state ? state : nil }
            return state
        }
    }

    public func isReadOnly(_ input: Input, _ output: Output) -> Bool { input == .read }

    public func describe(_ state: Set<Value>) -> String {
        "set holds #{" + state.map(\.description).sorted().joined(separator: " ") + "}"
    }
    public func describe(_ input: Input, _ output: Output) -> String {
        switch (input, output) {
        case (.add(let v), _): return "add \(v)"
        case (.read, .read(let s)): return "read -> #{" + s.map(\.description).sorted().joined(separator: " ") + "}"
        case (.read, _): return "read"
        }
    }
}
