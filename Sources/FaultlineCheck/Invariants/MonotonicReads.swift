import FaultlineHistory

/// Monotonic reads per session: once a client process has read a version of a key, its
/// later reads of that key never return an older one.
///
/// Versions come from `rank`, by default the integer value itself (counters, or writes
/// of increasing numbers, as Jepsen's workloads usually write). Values without a rank
/// (nil, strings) are skipped. Sessions are process ids.
public struct MonotonicReads: Sendable {
    public var readFunctions: [String]
    public var rank: @Sendable (Value) -> Int64?
    public var evidenceMax: Int

    public init(readFunctions: [String] = ["read", "get"], evidenceMax: Int = 20,
                rank: @escaping @Sendable (Value) -> Int64? = { $0.intValue }) {
        self.readFunctions = readFunctions; self.rank = rank; self.evidenceMax = evidenceMax
    }

    public func check(_ history: History) throws(HistoryError) -> CheckResult {
        let pairs = try history.pairs()
        var last: [String: (rank: Int64, op: Operation)] = [:]     // "process|key" -> highest read so far
        var regressions: [(earlier: Operation, later: Operation)] = []
        var reads = 0
        for p in pairs.sorted(by: { $0.completionIndex < $1.completionIndex })
            where readFunctions.contains(p.f) && p.outcome == .ok {
            let done = p.completion!
            guard let r = rank(done.value) else { continue }
            reads += 1
            let id = String(p.process) + "|" + (p.key ?? "")
            if let prior = last[id], r < prior.rank {
                regressions.append((prior.op, done))
            } else if last[id].map({ r > $0.rank }) ?? true {
                last[id] = (r, done)
            }
        }
        var detail = "\(reads) ranked read(s); \(regressions.count) went backwards within a session."
        var evidence: [Operation] = []
        for (a, b) in regressions.prefix(evidenceMax) {
            detail += "\nProcess \(b.process)" + (b.key.map { " key \($0)" } ?? "") + " read \(a.value) at #\(a.index), then the older \(b.value) at #\(b.index)."
            evidence.append(a); evidence.append(b)
        }
        var unique: [Int: Operation] = [:]
        for op in evidence { unique[op.index] = op }
        return CheckResult(name: "monotonic reads", passed: regressions.isEmpty, detail: detail,
                           evidence: unique.keys.sorted().map { unique[$0]! },
                           counts: [CheckResult.Count("reads", reads), CheckResult.Count("regressions", regressions.count)])
    }
}
