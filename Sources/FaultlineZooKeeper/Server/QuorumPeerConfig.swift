import FaultlineCore

/// The zoo.cfg settings the model honours, with ZooKeeper's names and defaults
/// (QuorumPeerConfig / ZooKeeperServer). `tickTime` has no built-in default in ZooKeeper;
/// 2000 ms is the value of the shipped zoo_sample.cfg, and so are initLimit 10 and syncLimit 5.
public struct ZooKeeperSettings: Sendable, Hashable {
    /// The basic time unit: heartbeats, and the unit of initLimit/syncLimit and session buckets.
    public var tickTime: SimDuration = .milliseconds(2000)
    /// Ticks a follower may take to connect to and sync with the leader.
    public var initLimit: Int64 = 10
    /// Ticks a follower may lag (no packet) before leader and follower give up on each other.
    public var syncLimit: Int64 = 5
    /// Only 3 (FastLeaderElection, TCP) exists since 3.4; anything else is rejected.
    public var electionAlg: Int = 3
    /// Defaults to 2 * tickTime when nil.
    public var minSessionTimeout: SimDuration? = nil
    /// Defaults to 20 * tickTime when nil.
    public var maxSessionTimeout: SimDuration? = nil
    /// FastLeaderElection.finalizeWait: how long to wait for a better vote once a quorum agrees.
    public var finalizeWait: SimDuration = .milliseconds(200)
    /// FastLeaderElection.maxNotificationInterval: the notification back-off cap.
    public var maxNotificationInterval: SimDuration = .milliseconds(60_000)
    /// ZKDatabase.commitLogCount: committed proposals the leader keeps for DIFF sync.
    public var commitLogCount: Int = 500
    /// Latency of one fsync of the txn log (the simulated disk's, not a ZooKeeper setting).
    public var fsyncLatency: SimDuration = .milliseconds(2)
    /// forceSync=no skips the fsync (zookeeper.forceSync); default yes.
    public var forceSync: Bool = true
    /// The clients' `zookeeper.disableAutoWatchReset` property (a client setting, kept here
    /// so one scenario sets it for every client): no SetWatches on reconnect.
    public var disableAutoWatchReset: Bool = false

    public init() {}

    public var minSessionTimeoutEffective: SimDuration { minSessionTimeout ?? tickTime * 2 }
    public var maxSessionTimeoutEffective: SimDuration { maxSessionTimeout ?? tickTime * 20 }

    /// Checks the combination the way QuorumPeerConfig.parse would; returns the problem or nil.
    public func validate() -> String? {
        if electionAlg != 3 { return "electionAlg: only 3 (FastLeaderElection) is supported, got \(electionAlg)" }
        if tickTime <= .zero { return "tickTime: expected a positive duration" }
        if initLimit < 1 { return "initLimit: expected at least 1, got \(initLimit)" }
        if syncLimit < 1 { return "syncLimit: expected at least 1, got \(syncLimit)" }
        if minSessionTimeoutEffective > maxSessionTimeoutEffective { return "minSessionTimeout must not be larger than maxSessionTimeout" }
        if commitLogCount < 1 { return "commitLogCount: expected at least 1" }
        return nil
    }

    /// Named presets users argue about. `standard` is zoo_sample.cfg; `fastTicks` shrinks
    /// tickTime to 200 ms so a fuzz run sees many elections (same tick ratios as the sample;
    /// finalizeWait and the notification cap keep their real values).
    public static let standard = ZooKeeperSettings()
    public static var fastTicks: ZooKeeperSettings { var s = ZooKeeperSettings(); s.tickTime = .milliseconds(200); return s }
}
