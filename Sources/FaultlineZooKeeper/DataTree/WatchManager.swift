/// `WatchManager`: one table of one-shot watches (the tree has two: data and child).
/// Watchers are sessions; the server maps a session to its client connection.
public struct WatchManager: Hashable, Sendable {
    /// Upper bound on watches a single table holds, so a runaway workload is a finding
    /// instead of unbounded growth.
    public static let watchesMax = 1_000_000

    private var watchTable: [String: Set<Int64>] = [:]
    private var watch2Paths: [Int64: Set<String>] = [:]
    public private(set) var count = 0

    public init() {}

    /// Adds a watch; returns false if it was already there (a watch is set once per path).
    @discardableResult
    public mutating func addWatch(_ path: String, session: Int64) -> Bool {
        let inserted = watchTable[path, default: []].insert(session).inserted
        if inserted {
            watch2Paths[session, default: []].insert(path)
            count += 1
            precondition(count <= Self.watchesMax, "watch table over watchesMax")
        }
        return inserted
    }

    /// Removes and returns the sessions watching `path`, ascending (one-shot).
    public mutating func triggerWatch(_ path: String) -> [Int64] {
        guard let sessions = watchTable.removeValue(forKey: path) else { return [] }
        for session in sessions {
            watch2Paths[session]?.remove(path)
            if watch2Paths[session]?.isEmpty == true { watch2Paths[session] = nil }
        }
        count -= sessions.count
        return sessions.sorted()
    }

    /// Drops every watch of a session (its connection closed or it expired).
    public mutating func removeWatches(session: Int64) {
        guard let paths = watch2Paths.removeValue(forKey: session) else { return }
        for path in paths {
            watchTable[path]?.remove(session)
            if watchTable[path]?.isEmpty == true { watchTable[path] = nil }
        }
        count -= paths.count
    }

    public func contains(_ path: String, session: Int64) -> Bool {
        watchTable[path]?.contains(session) ?? false
    }

    /// Paths watched by a session, sorted (what SetWatches would resend).
    public func paths(of session: Int64) -> [String] { (watch2Paths[session] ?? []).sorted() }

    public func checkInvariants() {
        var total = 0
        for (path, sessions) in watchTable {
            precondition(!sessions.isEmpty, "empty watch set kept for \(path)")
            for s in sessions { precondition(watch2Paths[s]?.contains(path) == true, "watch2Paths lacks \(path)") }
            total += sessions.count
        }
        precondition(total == count, "watch count \(count) != table size \(total)")
    }
}
