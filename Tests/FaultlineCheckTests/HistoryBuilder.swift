import FaultlineHistory

/// Writes small histories for tests: `b.invoke(0, "write", 1); b.ok(0, "write", 1)`.
/// Each entry gets the next virtual time (10 ns apart), so true-time order is history order.
struct HistoryBuilder {
    var history = History()
    var time: Int64 = 0

    mutating func add(_ p: Int, _ type: OpType, _ f: String, _ v: Value = .null, key: String? = nil) {
        time += 10
        history.append(Operation(process: p, type: type, f: f, key: key, value: v, time: time))
    }
    mutating func invoke(_ p: Int, _ f: String, _ v: Value = .null, key: String? = nil) { add(p, .invoke, f, v, key: key) }
    mutating func ok(_ p: Int, _ f: String, _ v: Value = .null, key: String? = nil) { add(p, .ok, f, v, key: key) }
    mutating func fail(_ p: Int, _ f: String, _ v: Value = .null, key: String? = nil) { add(p, .fail, f, v, key: key) }
    mutating func info(_ p: Int, _ f: String, _ v: Value = .null, key: String? = nil) { add(p, .info, f, v, key: key) }
    /// An operation that runs alone: invoke then its completion.
    mutating func op(_ p: Int, _ f: String, _ v: Value = .null, returns r: Value? = nil, key: String? = nil) {
        invoke(p, f, v, key: key); ok(p, f, r ?? v, key: key)
    }
}
