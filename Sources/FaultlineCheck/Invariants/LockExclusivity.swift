import FaultlineHistory

/// Mutual exclusion in true time: no two processes believe they hold the same lock at
/// once.
///
/// A process holds a lock (per key) from the moment its `:acquire` returned ok until it
/// invoked `:release`, or until the history ends if it never did. That is when the
/// client acts as the holder, so two such intervals overlapping is the failure users
/// care about (a paused client whose lease expired while another acquired, the
/// Redlock debate). Indeterminate acquires are not holds: the client did not learn
/// that it held the lock. Times are the history's true (virtual) times.
public struct LockExclusivity: Sendable {
    public var acquireFunction: String
    public var releaseFunction: String
    public var evidenceMax: Int

    public init(acquireFunction: String = "acquire", releaseFunction: String = "release", evidenceMax: Int = 20) {
        self.acquireFunction = acquireFunction; self.releaseFunction = releaseFunction; self.evidenceMax = evidenceMax
    }

    /// One believed hold.
    public struct Hold: Sendable, Hashable {
        public var key: String?
        public var process: Int
        public var acquired: Operation      // the ok completion of the acquire
        public var released: Operation?     // the release invocation, nil if never
        public var start: Int64 { acquired.time }
        public var end: Int64
    }

    public func holds(_ history: History) throws(HistoryError) -> [Hold] {
        let pairs = try history.pairs()
        let endOfHistory = history.operations.last?.time ?? 0
        var open: [String: Hold] = [:]         // "key|process" -> hold
        var openOrder: [String] = []
        var result: [Hold] = []
        for p in pairs.sorted(by: { $0.invoke.index < $1.invoke.index }) {
            let id = (p.key ?? "") + "|" + String(p.process)
            if p.f == releaseFunction, var h = open.removeValue(forKey: id) {
                h.released = p.invoke; h.end = p.invoke.time
                result.append(h)
                openOrder.removeAll { $0 == id }
            } else if p.f == acquireFunction, p.outcome == .ok, let done = p.completion, open[id] == nil {
                open[id] = Hold(key: p.key, process: p.process, acquired: done, released: nil, end: endOfHistory)
                openOrder.append(id)
            }
        }
        for id in openOrder { result.append(open[id]!) }
        return result.sorted { ($0.start, $0.acquired.index) < ($1.start, $1.acquired.index) }
    }

    public func check(_ history: History) throws(HistoryError) -> CheckResult {
        let all = try holds(history)
        var overlaps: [(Hold, Hold)] = []
        var keys: [String?] = []
        for h in all where !keys.contains(h.key) { keys.append(h.key) }
        for key in keys {
            // Sweep in start order, keeping the hold that ends last so far.
            var reach: Hold?
            for h in all where h.key == key {
                if let r = reach, r.end > h.start, r.process != h.process { overlaps.append((r, h)) }
                if reach == nil || h.end > reach!.end { reach = h }
            }
        }
        var detail = "\(all.count) hold(s) of \(keys.count) lock(s); \(overlaps.count) overlap(s)."
        var evidence: [Operation] = []
        for (a, b) in overlaps.prefix(evidenceMax) {
            let key = a.key.map { " \($0)" } ?? ""
            detail += "\nLock\(key): process \(a.process) held it from \(a.start)ns (#\(a.acquired.index)) to "
                + (a.released.map { "its release at \($0.time)ns (#\($0.index))" } ?? "the end of the history")
                + ", and process \(b.process) acquired it at \(b.start)ns (#\(b.acquired.index)) in between."
            evidence.append(a.acquired); evidence.append(b.acquired)
            if let r = a.released { evidence.append(r) }
            if let r = b.released { evidence.append(r) }
        }
        var unique: [Int: Operation] = [:]
        for op in evidence { unique[op.index] = op }
        return CheckResult(name: "lock exclusivity", passed: overlaps.isEmpty, detail: detail,
                           evidence: unique.keys.sorted().map { unique[$0]! },
                           counts: [CheckResult.Count("holds", all.count), CheckResult.Count("overlaps", overlaps.count)])
    }
}
