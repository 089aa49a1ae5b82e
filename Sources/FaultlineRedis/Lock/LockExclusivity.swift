import FaultlineHistory

/// The lock-exclusivity check, in true time: no two processes may believe they hold the
/// lock at the same instant.
///
/// A process holds from its `acquire` completing `ok` until it invokes `release` (when it
/// stops using the resource, whether it planned to or its renewal just failed); a hold that
/// never ends lasts to the end of the history. Any two holds of different processes that
/// overlap are a violation; each is reported with both holds as evidence.
public struct LockHold: Sendable, Hashable, CustomStringConvertible {
    public var process: Int
    public var token: String
    /// True nanoseconds.
    public var from: Int64
    public var until: Int64
    public var description: String { "p\(process) [\(from)ns, \(until == Int64.max ? "end" : "\(until)ns")) token \(token.prefix(8))" }
}

public struct LockExclusivityReport: Sendable, Hashable, CustomStringConvertible {
    public var holds: [LockHold]
    public var overlaps: [(LockHold, LockHold)]
    public var valid: Bool { overlaps.isEmpty }
    public var description: String {
        valid ? "\(holds.count) holds, exclusive"
            : "\(overlaps.count) overlaps, first: \(overlaps[0].0) and \(overlaps[0].1)"
    }
    public static func == (a: Self, b: Self) -> Bool { a.holds == b.holds && a.overlaps.map { [$0.0, $0.1] } == b.overlaps.map { [$0.0, $0.1] } }
    public func hash(into h: inout Hasher) { h.combine(holds) }
}

public enum LockExclusivity {
    /// Checks the `acquire` / `release` operations on `key` (nil: all).
    public static func check(_ history: History, key: String? = nil) -> LockExclusivityReport {
        var open: [Int: (token: String, from: Int64)] = [:]
        var holds: [LockHold] = []
        for op in history where key == nil || op.key == key {
            switch (op.f, op.type) {
            case ("acquire", .ok):
                open[op.process] = (op.value.stringValue ?? "", op.time)
            case ("release", .invoke):
                if let h = open.removeValue(forKey: op.process) {
                    holds.append(LockHold(process: op.process, token: h.token, from: h.from, until: op.time))
                }
            default: break
            }
        }
        for p in open.keys.sorted() { holds.append(LockHold(process: p, token: open[p]!.token, from: open[p]!.from, until: Int64.max)) }
        holds.sort { ($0.from, $0.process) < ($1.from, $1.process) }
        var overlaps: [(LockHold, LockHold)] = []
        for i in holds.indices {
            for j in (i + 1)..<holds.count {
                if holds[j].from >= holds[i].until { break }
                if holds[j].process != holds[i].process { overlaps.append((holds[i], holds[j])) }
            }
        }
        return LockExclusivityReport(holds: holds, overlaps: overlaps)
    }
}
