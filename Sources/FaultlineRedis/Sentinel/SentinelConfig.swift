import FaultlineCore

/// sentinel.conf for one monitored master, under the real directive names and defaults,
/// plus the periods Redis 7 exposes only through SENTINEL DEBUG (same names, same defaults).
public struct SentinelConfig: Sendable, Hashable {
    /// `sentinel monitor <master-name> <ip> <port> <quorum>`.
    public var masterName: String = "mymaster"
    public var quorum: Int = 2
    /// `port` (26379).
    public var port: Int = 26379
    /// `sentinel down-after-milliseconds` (30000).
    public var downAfter: SimDuration = .seconds(30)
    /// `sentinel failover-timeout` (180000).
    public var failoverTimeout: SimDuration = .seconds(180)
    /// `sentinel parallel-syncs` (1).
    public var parallelSyncs: Int = 1
    /// SENTINEL DEBUG ping-period (1000), info-period (10000), publish-period (2000),
    /// ask-period (1000), election-timeout (10000), slave-reconf-timeout (10000),
    /// default-down-after is `downAfter`, min-link-reconnect-period (15000).
    public var pingPeriod: SimDuration = .seconds(1)
    public var infoPeriod: SimDuration = .seconds(10)
    public var publishPeriod: SimDuration = .seconds(2)
    public var askPeriod: SimDuration = .seconds(1)
    public var electionTimeout: SimDuration = .seconds(10)
    public var slaveReconfTimeout: SimDuration = .seconds(10)
    public var minLinkReconnectPeriod: SimDuration = .seconds(15)
    /// SENTINEL DEBUG tilt-trigger (2000) and tilt-period (30000): a timer call more than
    /// tilt-trigger after the previous one (a pause, a clock jump) or a clock that went back
    /// puts the Sentinel in TILT: it keeps monitoring but acts on nothing for tilt-period.
    public var tiltTrigger: SimDuration = .seconds(2)
    public var tiltPeriod: SimDuration = .seconds(30)
    /// SENTINEL_MAX_DESYNC (1000 ms): random delay before a failover starts.
    public var maxDesync: SimDuration = .seconds(1)
    /// SENTINEL_MAX_PENDING_COMMANDS (100) per link.
    public var maxPendingCommands: Int = 100

    public init() {}
}

/// What a Sentinel rewrites into sentinel.conf (and fsyncs) at every change of epoch, vote
/// or configuration (sentinelFlushConfig): it survives a crash, so a restarted Sentinel
/// never votes twice in one epoch.
public final class SentinelConfigFile {
    public struct Contents: Sendable, Hashable {
        /// `sentinel myid`, `sentinel current-epoch`, the monitored master's address,
        /// `sentinel config-epoch`, `sentinel leader-epoch`, known replicas and sentinels.
        public var myid: String
        public var currentEpoch: UInt64
        public var masterHost: String
        public var masterPort: Int
        public var configEpoch: UInt64
        public var leaderEpoch: UInt64
        public var knownReplicas: [String]
        public var knownSentinels: [String]
    }
    public internal(set) var contents: Contents?
    /// How many times it was rewritten (for tests).
    public internal(set) var rewrites = 0
    public init() {}
}
