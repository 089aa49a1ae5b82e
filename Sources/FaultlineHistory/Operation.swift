/// One history entry: an invocation or a completion, by one client process.
///
/// The fields follow Jepsen's op maps (`:process :type :f :value`, plus `:key` for
/// independent keys and `:time`). `time` is the simulator's true (virtual) time in
/// nanoseconds, not any node's local clock, so real-time order between operations is
/// exact. A completion repeats the invocation's `f` and `key`; for `ok` its `value` is
/// what the system answered (a read's result), for `fail`/`info` usually what was asked.
public struct Operation: Sendable, Hashable {
    /// Position in the history; set by `History.append`, -1 until then.
    public var index: Int
    /// Client process id. Jepsen gives a crashed client's successor a new process id.
    public var process: Int
    public var type: OpType
    /// Operation name: "read", "write", "cas", "get", "put", "append", "acquire",
    /// "release", "enqueue", "dequeue", "add", ...
    public var f: String
    /// The independent key, nil for a single register or queue.
    public var key: String?
    public var value: Value
    /// Virtual nanoseconds, true time.
    public var time: Int64
    /// Which server answered, when known.
    public var node: String?

    public init(process: Int, type: OpType, f: String, key: String? = nil, value: Value = .null,
                time: Int64, node: String? = nil) {
        self.index = -1
        self.process = process; self.type = type; self.f = f; self.key = key
        self.value = value; self.time = time; self.node = node
    }
}

extension Operation: CustomStringConvertible {
    /// One readable line: `#12 p3 ok write 4 @1500ns (n2)`, with `key=` before the value
    /// for keyed operations.
    public var description: String {
        var s = "#\(index) p\(process) \(type.rawValue) \(f) "
        if let key { s += "\(key)=" }
        s += value.description + " @\(time)ns"
        if let node { s += " (\(node))" }
        return s
    }
}

/// `Operation` under a name Foundation does not also use: files that import Foundation
/// (which has its own `Operation` class) can write `HistoryOperation` instead of
/// `FaultlineHistory.Operation`.
public typealias HistoryOperation = Operation
