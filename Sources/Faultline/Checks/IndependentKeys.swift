import FaultlineCore
import FaultlineHistory
import FaultlineCheck

/// Jepsen's `independent` checker: runs a single-key checker on each key's operations on
/// its own and combines the verdicts, mapping the evidence back to the run's own history
/// (so the report outlines the right operations).
enum IndependentKeys {
    static func check(_ history: History, name: String,
                      _ checker: (History) throws(HistoryError) -> CheckResult) -> (result: CheckResult, perKey: [(key: String, result: CheckResult)]) {
        var byKey: [String: [Int]] = [:]
        for op in history.operations { byKey[op.key ?? "", default: []].append(op.index) }
        var perKey: [(key: String, result: CheckResult)] = []
        for key in byKey.keys.sorted() {
            let indexes = byKey[key]!
            var sub = History()
            for i in indexes { var op = history[i]; op.index = -1; sub.append(op) }
            var r: CheckResult
            do { r = try checker(sub) } catch {
                r = CheckResult(name: name, passed: nil, detail: "key \(key): the history could not be checked: \(error)")
            }
            r.evidence = r.evidence.map { history[indexes[$0.index]] }
            perKey.append((key, r))
        }
        let failed = perKey.filter { $0.result.passed == false }
        let unknown = perKey.filter { $0.result.passed == nil }
        let passed: Bool? = !failed.isEmpty ? false : unknown.isEmpty ? true : nil
        var counts: [CheckResult.Count] = []
        for (_, r) in perKey {
            for c in r.counts {
                if let i = counts.firstIndex(where: { $0.name == c.name }) { counts[i].value += c.value } else { counts.append(c) }
            }
        }
        let detail: String
        if let f = failed.first {
            detail = "\(failed.count) of \(perKey.count) keys fail; first, key \(f.key): \(f.result.detail)"
        } else if let u = unknown.first {
            detail = "\(unknown.count) of \(perKey.count) keys could not be decided; first, key \(u.key): \(u.result.detail)"
        } else {
            detail = "all \(perKey.count) keys pass"
        }
        return (CheckResult(name: name, passed: passed, detail: detail, evidence: failed.first?.result.evidence ?? [], counts: counts), perKey)
    }
}

extension CheckResult {
    /// A named figure, or 0.
    func figure(_ name: String) -> Int { count(name) ?? 0 }
}
