import FaultlineHistory

/// A mutex with `:acquire` and `:release`; the holder is the process that acquired it,
/// and only the holder may release. Initially free. Per-key when operations carry a
/// `:key` (one lock per key).
public struct MutexModel: LinearizabilityModel {
    public init() {}
    public var name: String { "mutex" }
    /// The holder's process id, or -1 when free.
    public var initialState: Int { -1 }

    public enum Input: Sendable, Hashable { case acquire(process: Int), release(process: Int) }
    public enum Output: Sendable, Hashable { case done }

    public func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<Input, Output> {
        let input: Input
        switch pair.f {
        case "acquire": input = .acquire(process: pair.process)
        case "release": input = .release(process: pair.process)
        default: throw ModelErrors.unknown(pair, model: name, known: ["acquire", "release"])
        }
        switch pair.outcome {
        case .ok: return .required(input, .done)
        case .fail: return .omitted
        case .info, .invoke: return .optional(input, .done)
        }
    }

    @inline(__always)
    public func step(_ state: Int, _ input: Input, _ output: Output) -> Int? {
        switch input {
        case .acquire(let p): return state == -1 ? p : nil
        case .release(let p): return state == p ? -1 : nil
        }
    }

    public func hash(_ state: Int) -> UInt64 { mix64(UInt64(bitPattern: Int64(state))) }
    public func describe(_ state: Int) -> String { state == -1 ? "lock free" : "lock held by process \(state)" }
    public func describe(_ input: Input, _ output: Output) -> String {
        switch input {
        case .acquire(let p): return "process \(p) acquires"
        case .release(let p): return "process \(p) releases"
        }
    }
}
