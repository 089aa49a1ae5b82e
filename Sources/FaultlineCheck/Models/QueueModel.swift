import FaultlineHistory

/// A FIFO queue with `:enqueue v` and `:dequeue` answering the head (nil: the queue was
/// empty). Initially empty. A dequeue that never answered may have removed the head.
public struct QueueModel: LinearizabilityModel {
    public init() {}
    public var name: String { "queue" }
    public var initialState: [Value] { [] }

    public enum Input: Sendable, Hashable { case enqueue(Value), dequeue }
    public enum Output: Sendable, Hashable { case enqueued, dequeued(Value), unknown }

    public func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<Input, Output> {
        switch pair.f {
        case "enqueue":
            switch pair.outcome {
            case .ok: return .required(.enqueue(pair.invoke.value), .enqueued)
            case .fail: return .omitted
            case .info, .invoke: return .optional(.enqueue(pair.invoke.value), .enqueued)
            }
        case "dequeue":
            switch pair.outcome {
            case .ok: return .required(.dequeue, .dequeued(pair.completion!.value))
            case .fail: return .omitted
            case .info, .invoke: return .optional(.dequeue, .unknown)
            }
        default:
            throw ModelErrors.unknown(pair, model: name, known: ["enqueue", "dequeue"])
        }
    }

    public func step(_ state: [Value], _ input: Input, _ output: Output) -> [Value]? {
        switch input {
        case .enqueue(let v):
            var s = state; s.append(v); return s
        case .dequeue:
            switch output {
            case .dequeued(.null): return state.isEmpty ? state : nil
            case .dequeued(let v): return state.first == v ? Array(state.dropFirst()) : nil
            default: return state.isEmpty ? state : Array(state.dropFirst())
            }
        }
    }

    /// A dequeue that found the queue empty is legal only on an empty queue and leaves it so.
    public func isReadOnly(_ input: Input, _ output: Output) -> Bool { input == .dequeue && output == .dequeued(.null) }

    public func describe(_ state: [Value]) -> String {
        state.isEmpty ? "queue empty" : "queue holds " + state.map(\.description).joined(separator: " ") + " (head first)"
    }
    public func describe(_ input: Input, _ output: Output) -> String {
        switch (input, output) {
        case (.enqueue(let v), _): return "enqueue \(v)"
        case (.dequeue, .dequeued(let v)): return "dequeue -> \(v)"
        case (.dequeue, _): return "dequeue (answer unknown)"
        }
    }
}
