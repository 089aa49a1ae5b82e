/// The configurations users argue about, named after what they set, each with the
/// invariants it promises and the ones it does not.
public enum RedisPreset: String, Sendable, Hashable, CaseIterable {
    /// Redis's defaults: asynchronous replication, a write is acknowledged by the primary alone.
    case async
    /// Defaults, and the client sends WAIT 1 <timeout> after every write, counting the write
    /// acknowledged only when one replica has it.
    case wait
    /// min-replicas-to-write 1, min-replicas-max-lag 10: the primary refuses writes once no
    /// replica has acknowledged within 10 seconds.
    case minReplicas = "min-replicas"

    /// Applies the preset's server settings.
    public func apply(to config: inout RedisConfig) {
        switch self {
        case .async, .wait: break
        case .minReplicas: config.minReplicasToWrite = 1; config.minReplicasMaxLag = 10
        }
    }

    /// Applies the preset's client behaviour.
    public func apply(to client: inout RedisClientSettings) {
        switch self {
        case .wait: client.waitNumReplicas = 1
        case .async, .minReplicas: client.waitNumReplicas = nil
        }
    }

    /// What holds in every run under this preset (the observers and checkers assert these).
    public var promises: [String] {
        let common = ["at most one Sentinel leader per epoch",
                      "replicas converge to the primary's dataset once the network heals"]
        switch self {
        case .async:
            return common
        case .wait:
            return common + ["a write WAIT confirmed on one replica survives the failover of the primary alone, when that replica is the one promoted"]
        case .minReplicas:
            return common + ["an isolated primary stops accepting writes within min-replicas-max-lag (10 s) plus one replicationCron second",
                             "acknowledged writes lost to a partition are bounded by that window"]
        }
    }

    /// What users often assume and this preset does not give (the fuzzer finds these).
    public var doesNotPromise: [String] {
        switch self {
        case .async:
            return ["acknowledged writes survive a failover (they are lost when the primary is partitioned away: Jepsen 2013)",
                    "linearizable reads (replicas and a partitioned primary serve stale data)"]
        case .wait:
            return ["acknowledged writes survive every failover: WAIT is not a consensus; Sentinel may promote a replica that lacks the write",
                    "a write whose WAIT fell short did not happen (it stays on the primary and may survive)",
                    "linearizable reads"]
        case .minReplicas:
            return ["no acknowledged write is ever lost (up to min-replicas-max-lag of writes can be)",
                    "linearizable reads"]
        }
    }
}
