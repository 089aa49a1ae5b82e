import FaultlineCore

/// The redis.conf settings the model honours, under their real names (camel-cased) and with
/// Redis 7.0's defaults. A preset or a scenario override changes these and nothing else.
public struct RedisConfig: Sendable, Hashable {
    /// `port` (6379): what this node announces (REPLCONF listening-port, INFO, Sentinel).
    public var port: Int = 6379
    /// `hz` (10). Accepted for scenario files; the model runs the serverCron duties that
    /// matter here (replicationCron, fsync policy, save points) once a second, as Redis
    /// does them, and WAIT timeouts on their own timers, so `hz` changes nothing yet.
    public var hz: Int64 = 10
    /// `repl-backlog-size` (1mb): bytes of stream history kept for partial resyncs.
    public var replBacklogSize: Int64 = 1_048_576
    /// `repl-backlog-ttl` (3600 s): a primary without replicas frees its backlog after this.
    public var replBacklogTTL: SimDuration = .seconds(3600)
    /// `repl-ping-replica-period` (10 s): the primary PINGs its replicas through the stream.
    public var replPingReplicaPeriod: SimDuration = .seconds(10)
    /// `repl-timeout` (60 s): silence after which either end of a replication link gives up.
    public var replTimeout: SimDuration = .seconds(60)
    /// `replica-read-only` (yes): a replica answers writes with -READONLY.
    public var replicaReadOnly: Bool = true
    /// `replica-serve-stale-data` (yes): a replica with its link down still answers reads.
    public var replicaServeStaleData: Bool = true
    /// `replica-priority` (100): lower is preferred by Sentinel; 0 means never promote.
    public var replicaPriority: Int = 100
    /// `min-replicas-to-write` (0 = off): refuse writes with -NOREPLICAS unless this many
    /// replicas acknowledged within `min-replicas-max-lag`.
    public var minReplicasToWrite: Int = 0
    /// `min-replicas-max-lag` (10 s).
    public var minReplicasMaxLag: Int64 = 10
    /// `repl-diskless-sync` (yes in 7.0) and `repl-diskless-sync-delay` (5 s): a full sync
    /// waits this long for more replicas to arrive, then streams one snapshot to all of them.
    public var replDisklessSync: Bool = true
    public var replDisklessSyncDelay: SimDuration = .seconds(5)
    /// `appendonly` (no) and `appendfsync` (everysec).
    public var appendonly: Bool = false
    public var appendfsync: AppendFsync = .everysec
    /// `aof-use-rdb-preamble` (yes): a rewrite writes the AOF's base file as an RDB
    /// (`appendonly.aof.<n>.base.rdb`); no writes it as RESP commands (`.base.aof`).
    public var aofUseRDBPreamble: Bool = true
    /// `save` ("3600 1 300 100 60 10000"): snapshot after `seconds` if at least `changes`
    /// writes happened. Empty turns snapshots off (the no-persistence primary).
    public var save: [SavePoint] = [SavePoint(seconds: 3600, changes: 1), SavePoint(seconds: 300, changes: 100),
                                    SavePoint(seconds: 60, changes: 10_000)]

    public init() {}

    /// No AOF and no snapshots: the node restarts empty.
    public static var noPersistence: RedisConfig {
        var c = RedisConfig(); c.appendonly = false; c.save = []; return c
    }
}

/// `appendfsync`: when the AOF reaches the disk.
public enum AppendFsync: String, Sendable, Hashable, CaseIterable {
    /// fsync before the reply: an acknowledged write survives a crash.
    case always
    /// a background fsync every second: up to about a second (two, in the worst case) is lost.
    case everysec
    /// the kernel decides (about 30 s on Linux): a crash loses what it had not written back.
    case no
}

/// One `save <seconds> <changes>` point.
public struct SavePoint: Sendable, Hashable {
    public var seconds: Int64
    public var changes: Int64
    public init(seconds: Int64, changes: Int64) { self.seconds = seconds; self.changes = changes }
}
