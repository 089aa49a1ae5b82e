import FaultlineHistory

/// Election safety (Raft's name; ZAB's epochs, Kafka's leader epochs, Sentinel's
/// configuration epochs): at most one leader per epoch, ever.
///
/// Observers feed what they saw with global knowledge, one observation per node that
/// considered itself leader in an epoch; the check never sees a protocol, only
/// (time, epoch, node). Two different nodes leading the same epoch is a violation even if
/// their reigns did not overlap in time.
public struct ElectionSafety: Sendable {
    public struct Observation: Sendable, Hashable {
        /// True (virtual) time of the observation, in nanoseconds.
        public var time: Int64
        public var epoch: Int64
        public var node: String
        public init(time: Int64, epoch: Int64, node: String) { self.time = time; self.epoch = epoch; self.node = node }
    }

    public var evidenceMax: Int
    public init(evidenceMax: Int = 20) { self.evidenceMax = evidenceMax }

    public func check(_ observations: [Observation]) -> CheckResult {
        var firstLeader: [Int64: Observation] = [:]
        var epochs: [Int64] = []
        var conflicts: [(Observation, Observation)] = []
        for o in observations.sorted(by: { ($0.time, $0.epoch, $0.node) < ($1.time, $1.epoch, $1.node) }) {
            guard let first = firstLeader[o.epoch] else { firstLeader[o.epoch] = o; epochs.append(o.epoch); continue }
            if first.node != o.node && !conflicts.contains(where: { $0.0.epoch == o.epoch && $0.1.node == o.node }) {
                conflicts.append((first, o))
            }
        }
        var detail = "\(epochs.count) epoch(s) with a leader; \(conflicts.count) with more than one."
        for (a, b) in conflicts.prefix(evidenceMax) {
            detail += "\nEpoch \(a.epoch): \(a.node) led it from \(a.time)ns, and \(b.node) also led it at \(b.time)ns."
        }
        return CheckResult(name: "election safety", passed: conflicts.isEmpty, detail: detail,
                           counts: [CheckResult.Count("epochs", epochs.count), CheckResult.Count("conflicts", conflicts.count)])
    }
}
