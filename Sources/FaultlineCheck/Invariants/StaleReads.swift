import FaultlineHistory

/// Stale reads of a register or of each key: a read that returns a value already
/// overwritten before the read began.
///
/// With unique written values, a read r returning the value of write w1 is stale when
/// some write w2 began after w1 completed and completed before r began: real time
/// forces w1 < w2 < r, so w1's value was gone. Reading the initial nil after any write
/// completed is stale the same way. A read of a value nobody wrote is reported too.
/// Successful cas operations count as writes of their new value.
public struct StaleReads: Sendable {
    public var writeFunctions: [String]
    public var readFunctions: [String]
    public var casFunction: String
    public var evidenceMax: Int

    public init(writeFunctions: [String] = ["write", "put"], readFunctions: [String] = ["read", "get"],
                casFunction: String = "cas", evidenceMax: Int = 20) {
        self.writeFunctions = writeFunctions; self.readFunctions = readFunctions
        self.casFunction = casFunction; self.evidenceMax = evidenceMax
    }

    struct Write { var pair: OperationPair; var value: Value }

    public func check(_ history: History) throws(HistoryError) -> CheckResult {
        let pairs = try history.pairs()
        var keys: [String?] = []
        var byKey: [String?: [OperationPair]] = [:]
        for p in pairs {
            if byKey[p.key] == nil { keys.append(p.key) }
            byKey[p.key, default: []].append(p)
        }
        var stale: [(read: OperationPair, from: Write?, by: Write)] = []
        var unknown: [OperationPair] = []
        var reads = 0
        for key in keys {
            let ops = byKey[key]!
            var writes: [Write] = []
            var writer: [Value: Write] = [:]
            for p in ops where p.outcome != .fail {
                var v: Value?
                if writeFunctions.contains(p.f) { v = p.invoke.value }
                else if p.f == casFunction, p.outcome != .fail, case .list(let l) = p.invoke.value, l.count == 2 { v = l[1] }
                guard let value = v else { continue }
                let w = Write(pair: p, value: value)
                writes.append(w)
                if writer[value] == nil { writer[value] = w }
            }
            // Completed writes by completion position, with the latest invocation so far.
            let done = writes.filter { $0.pair.outcome == .ok }.sorted { $0.pair.completionIndex < $1.pair.completionIndex }
            var latest: [Int] = []     // index into done of the max-invoke write among done[0...i]
            for (i, w) in done.enumerated() {
                if let l = latest.last, done[l].pair.invoke.index >= w.pair.invoke.index { latest.append(l) } else { latest.append(i) }
            }
            for r in ops where readFunctions.contains(r.f) && r.outcome == .ok {
                reads += 1
                let v = r.completion!.value
                let source = writer[v]
                if source == nil && v != .null { unknown.append(r); continue }
                var lo = 0, hi = done.count
                while lo < hi { let mid = (lo + hi) / 2; if done[mid].pair.completionIndex < r.invoke.index { lo = mid + 1 } else { hi = mid } }
                guard lo > 0 else { continue }
                let w2 = done[latest[lo - 1]]
                let sourceDone = source.map { $0.pair.outcome == .ok ? $0.pair.completionIndex : Int.max } ?? -1
                if w2.pair.invoke.index > sourceDone && w2.value != v { stale.append((r, source, w2)) }
            }
        }
        let counts = [CheckResult.Count("reads", reads), CheckResult.Count("stale", stale.count),
                      CheckResult.Count("unwritten-values", unknown.count)]
        var detail = "\(reads) read(s) checked; \(stale.count) stale, \(unknown.count) of values nobody wrote."
        var evidence: [Operation] = []
        for s in stale.prefix(evidenceMax) {
            let key = s.read.key.map { " key \($0)" } ?? ""
            let from = s.from.map { "the write at #\($0.pair.invoke.index)" } ?? "the initial value"
            detail += "\nStale:\(key) read #\(s.read.invoke.index) (p\(s.read.process)) returned \(s.read.completion!.value) from \(from), "
                + "but write \(s.by.value) (#\(s.by.pair.invoke.index)..#\(s.by.pair.completionIndex)) began after that and completed before the read began."
            evidence.append(s.read.invoke); evidence.append(s.read.completion!)
            evidence.append(s.by.pair.invoke); evidence.append(s.by.pair.completion!)
            if let f = s.from { evidence.append(f.pair.invoke); if let c = f.pair.completion { evidence.append(c) } }
        }
        for r in unknown.prefix(evidenceMax) {
            detail += "\nUnwritten: read #\(r.invoke.index) returned \(r.completion!.value), which no write wrote."
            evidence.append(r.invoke); evidence.append(r.completion!)
        }
        var unique: [Int: Operation] = [:]
        for op in evidence { unique[op.index] = op }
        return CheckResult(name: "stale reads", passed: stale.isEmpty && unknown.isEmpty, detail: detail,
                           evidence: unique.keys.sorted().map { unique[$0]! }, counts: counts)
    }
}
