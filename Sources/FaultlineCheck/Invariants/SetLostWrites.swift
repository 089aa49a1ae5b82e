import FaultlineHistory

/// Lost acknowledged writes, as Jepsen's set checker counts them: clients `:add` unique
/// elements, then a final `:read` returns everything the system holds.
///
/// - lost: acknowledged (`ok`) adds that completed before the final read began and are
///   missing from it: the system said yes and then forgot;
/// - unexpected: elements read that no client ever tried to add;
/// - recovered: indeterminate (`info`) adds that turned out to have happened.
/// Adds acknowledged while the final read ran may legitimately be absent; they are
/// counted as "concurrent" and not held against the system.
public struct SetLostWrites: Sendable {
    public var addFunction: String
    public var readFunction: String
    /// Bound on the operations quoted as evidence.
    public var evidenceMax: Int

    public init(addFunction: String = "add", readFunction: String = "read", evidenceMax: Int = 20) {
        self.addFunction = addFunction; self.readFunction = readFunction; self.evidenceMax = evidenceMax
    }

    public func check(_ history: History) throws(HistoryError) -> CheckResult {
        let pairs = try history.pairs()
        let name = "lost writes (set)"
        let reads = pairs.filter { $0.f == readFunction && $0.outcome == .ok }
        guard let final = reads.max(by: { $0.completionIndex < $1.completionIndex }), let done = final.completion else {
            return CheckResult(name: name, passed: nil, detail: "No successful :\(readFunction) to compare the adds with.")
        }
        guard case .list(let items) = done.value else {
            throw HistoryError(operationIndex: done.index, "the final :\(readFunction) must return a vector of elements, found \(done.value)")
        }
        let seen = Set(items)
        let adds = pairs.filter { $0.f == addFunction }
        let attempted = Set(adds.map(\.invoke.value))
        var lost: [OperationPair] = [], concurrent = 0, recovered = 0, acknowledged = 0
        for a in adds {
            let present = seen.contains(a.invoke.value)
            switch a.outcome {
            case .ok:
                acknowledged += 1
                if !present {
                    if a.completionIndex < final.invoke.index { lost.append(a) } else { concurrent += 1 }
                }
            case .info, .invoke: if present { recovered += 1 }
            case .fail: break
            }
        }
        let unexpected = items.filter { !attempted.contains($0) }
        var failedAdds: [OperationPair] = []
        for a in adds where a.outcome == .fail && seen.contains(a.invoke.value) { failedAdds.append(a) }
        let counts = [CheckResult.Count("attempted", adds.count), CheckResult.Count("acknowledged", acknowledged),
                      CheckResult.Count("lost", lost.count), CheckResult.Count("unexpected", unexpected.count),
                      CheckResult.Count("recovered", recovered), CheckResult.Count("failed-but-present", failedAdds.count),
                      CheckResult.Count("concurrent-with-read", concurrent)]
        let passed = lost.isEmpty && unexpected.isEmpty && failedAdds.isEmpty
        var detail = "\(acknowledged) of \(adds.count) adds acknowledged; the final read (#\(final.invoke.index)) holds \(seen.count) elements."
        if !lost.isEmpty {
            detail += "\nLost: \(lost.count) acknowledged add(s) completed before the final read began and are missing: "
                + lost.prefix(evidenceMax).map { "\($0.invoke.value) (#\($0.invoke.index), ok at #\($0.completionIndex))" }.joined(separator: ", ")
        }
        if !unexpected.isEmpty {
            detail += "\nUnexpected: the read holds element(s) nobody added: " + unexpected.prefix(evidenceMax).map(\.description).joined(separator: ", ")
        }
        if !failedAdds.isEmpty {
            detail += "\nFailed adds that happened anyway (a :fail must not take effect): "
                + failedAdds.prefix(evidenceMax).map { "\($0.invoke.value) (#\($0.invoke.index))" }.joined(separator: ", ")
        }
        var evidence: [Operation] = []
        for p in (lost + failedAdds).prefix(evidenceMax) { evidence.append(p.invoke); if let c = p.completion { evidence.append(c) } }
        if !passed { evidence.append(final.invoke); evidence.append(done) }
        return CheckResult(name: name, passed: passed, detail: detail, evidence: evidence.sorted { $0.index < $1.index }, counts: counts)
    }
}
