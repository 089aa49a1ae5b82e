import FaultlineHistory

/// Committed-prefix agreement across replicas (state machine safety): the committed logs
/// of any two replicas agree on every position both have, so one is a prefix of the
/// other. A replica may lag; it may never hold a different entry at a committed offset.
///
/// Takes each replica's committed entries (ZooKeeper's committed zxids, Kafka's log up to
/// the high watermark, a Redis replica's applied commands), replicas in name order so the
/// report is stable.
public struct CommittedPrefixAgreement: Sendable {
    public var evidenceMax: Int
    public init(evidenceMax: Int = 20) { self.evidenceMax = evidenceMax }

    public func check(_ logs: [String: [Value]]) -> CheckResult {
        let names = logs.keys.sorted()
        // Compare every replica with the longest: agreement with it at every position each
        // has is equivalent to pairwise agreement.
        guard let longest = names.max(by: { (logs[$0]!.count, $1) < (logs[$1]!.count, $0) }) else {
            return CheckResult(name: "committed prefix agreement", passed: true, detail: "No replicas.")
        }
        let reference = logs[longest]!
        var divergences: [(node: String, offset: Int, theirs: Value, ours: Value)] = []
        for name in names where name != longest {
            let log = logs[name]!
            if let i = log.indices.first(where: { log[$0] != reference[$0] }) {
                divergences.append((name, i, log[i], reference[i]))
            }
        }
        var detail = "\(names.count) replica(s); the longest committed log (\(longest)) has \(reference.count) entries; "
            + "\(divergences.count) replica(s) diverge from it."
        for d in divergences.prefix(evidenceMax) {
            detail += "\n\(d.node) holds \(d.theirs) at offset \(d.offset), where \(longest) holds \(d.ours)."
        }
        return CheckResult(name: "committed prefix agreement", passed: divergences.isEmpty, detail: detail,
                           counts: [CheckResult.Count("replicas", names.count), CheckResult.Count("divergent", divergences.count),
                                    CheckResult.Count("longest", reference.count)])
    }
}
