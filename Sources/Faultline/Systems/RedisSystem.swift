import FaultlineCore
import FaultlineHistory
import FaultlineCheck
import FaultlineRedis

/// Redis primary/replica replication watched by Sentinel, for scenarios: redis.conf and
/// sentinel.conf settings by their real names, the presets users argue about (async, WAIT,
/// min-replicas), clients that find the master through Sentinel and RPUSH unique values to
/// one list, and Jepsen's lost-writes check over a final LRANGE.
public struct RedisSystem: SystemAdapter {
    public init() {}
    public let name = "redis"
    public let summary = "Redis 7 replication (PSYNC, backlog, WAIT, min-replicas) with Sentinel failover"

    public var presets: [PresetInfo] {
        RedisPreset.allCases.map { p in
            let summary: String
            switch p {
            case .async: summary = "defaults: asynchronous replication, a write is acknowledged by the primary alone"
            case .wait: summary = "defaults, and the client sends WAIT 1 1000 after every write"
            case .minReplicas: summary = "min-replicas-to-write 1, min-replicas-max-lag 10"
            }
            let settings: [(name: String, value: SettingValue)] = p == .minReplicas
                ? [("min-replicas-to-write", .int(1)), ("min-replicas-max-lag", .int(10))]
                : p == .wait ? [("wait-numreplicas", .int(1))] : []
            return PresetInfo(name: p.rawValue, summary: summary, nodes: 3, nodeRange: 1...9, settings: settings,
                              promises: ["sentinel-one-leader-per-epoch", "convergence"])
        }
    }

    public var settings: [SettingInfo] {
        [
            // redis.conf
            SettingInfo("min-replicas-to-write", .int(0...16), default: .int(0), "refuse writes unless this many replicas are fresh"),
            SettingInfo("min-replicas-max-lag", .int(0...3600), default: .int(10), "seconds within which a replica must have acknowledged"),
            SettingInfo("repl-backlog-size", .int(1...1_073_741_824), default: .int(1_048_576), "bytes of stream kept for partial resync"),
            SettingInfo("repl-timeout", .int(1...3600), default: .int(60), "seconds of silence after which a replication link is dropped"),
            SettingInfo("repl-ping-replica-period", .int(1...3600), default: .int(10), "seconds between the primary's PINGs to replicas"),
            SettingInfo("repl-diskless-sync", .bool, default: .bool(true), "stream the full-sync snapshot without writing it to disk"),
            SettingInfo("repl-diskless-sync-delay", .int(0...3600), default: .int(5), "seconds a diskless full sync waits for more replicas"),
            SettingInfo("replica-priority", .int(0...1000), default: .int(100), "Sentinel prefers lower; 0 never promotes (all replicas)"),
            SettingInfo("replica-read-only", .bool, default: .bool(true), "replicas answer writes with -READONLY"),
            SettingInfo("replica-serve-stale-data", .bool, default: .bool(true), "a replica with its link down still answers reads"),
            SettingInfo("appendonly", .bool, default: .bool(false), "keep an append-only file"),
            SettingInfo("aof-use-rdb-preamble", .bool, default: .bool(true), "an AOF rewrite writes its base as an RDB"),
            SettingInfo("appendfsync", .choice(AppendFsync.allCases.map(\.rawValue)), default: .string("everysec"), "when the AOF is fsynced"),
            SettingInfo("save", .choice(["", "3600 1 300 100 60 10000", "60 1", "1 1"]), default: .string("3600 1 300 100 60 10000"),
                        "snapshot points (\"\" turns snapshots off)"),
            SettingInfo("hz", .int(1...500), default: .int(10), "serverCron frequency"),
            // sentinel.conf
            SettingInfo("down-after-milliseconds", .milliseconds, default: .int(30_000), "silence before a Sentinel thinks the master is down"),
            SettingInfo("failover-timeout", .milliseconds, default: .int(180_000), "Sentinel's failover timeout"),
            SettingInfo("parallel-syncs", .int(1...16), default: .int(1), "replicas reconfigured at once after a failover"),
            SettingInfo("quorum", .int(1...16), default: .int(2), "Sentinels that must agree the master is down"),
            // Deployment and client (not configuration files).
            SettingInfo("sentinels", .int(1...9), default: .int(3), "Sentinel processes (deployment shape)"),
            SettingInfo("wait-numreplicas", .int(0...16), default: .int(0), "client: WAIT numreplicas after each write (0: no WAIT)"),
            SettingInfo("wait-timeout", .int(0...60_000), default: .int(1000), "client: WAIT timeout in milliseconds"),
        ]
    }

    /// Sentinel's test-suite timing (down-after 5 s): failover within the fault window.
    public var matrixTiming: MatrixTiming {
        MatrixTiming(duration: .seconds(60), faultAt: .seconds(20), faultFor: .seconds(30),
                     settings: [("down-after-milliseconds", .int(5000)), ("failover-timeout", .int(60_000))],
                     // Sentinel repoints a replica left on the old primary's side slowly (about a minute).
                     livenessWithin: .seconds(120))
    }

    public let roles = ["primary", "replica", "sentinel"]
    public let mainRole = "primary"
    public let operations = ["add"]
    public var checks: [CheckInfo] {
        [
            CheckInfo("lost-writes", "every acknowledged RPUSH is in the final LRANGE (Jepsen's set check)"),
            CheckInfo("sentinel-one-leader-per-epoch", "no two Sentinels are elected leader in one epoch (every step)"),
            CheckInfo("lost-writes-window", "the lost acknowledged writes span at most min-replicas-max-lag + 2 s of acknowledgements "
                      + "(the bound min-replicas promises)", isDefault: false),
        ]
    }

    public func serverNames(for scenario: Scenario) -> [String] {
        let sentinels = Int(scenario.setting("sentinels", in: self)?.intValue ?? 3)
        return (1...(scenario.nodes ?? 3)).map { "redis-\($0)" } + (1...sentinels).map { "sentinel-\($0)" }
    }

    public func validate(_ scenario: Scenario) -> (path: String, message: String)? {
        let n = scenario.nodes ?? 3
        if let k = scenario.setting("min-replicas-to-write", in: self)?.intValue, k > n - 1 {
            return ("settings.min-replicas-to-write", "expected at most \(n - 1) (the replicas of \(n) servers), got \(k): no write could ever succeed")
        }
        let sentinels = scenario.setting("sentinels", in: self)?.intValue ?? 3
        if let q = scenario.setting("quorum", in: self)?.intValue, q > sentinels {
            return ("settings.quorum", "expected at most \(sentinels) (the Sentinels), got \(q)")
        }
        return nil
    }

    func clusterSettings(_ s: Scenario) -> RedisClusterSettings {
        var c = RedisClusterSettings(preset: RedisPreset(rawValue: s.preset) ?? .async)
        func int(_ name: String) -> Int64? { s.setting(name, in: self)?.intValue }
        func bool(_ name: String) -> Bool? { s.setting(name, in: self)?.boolValue }
        c.replicaCount = (s.nodes ?? 3) - 1
        c.sentinelCount = Int(int("sentinels") ?? 3)
        c.clientCount = s.workload.clients
        c.redis.minReplicasToWrite = Int(int("min-replicas-to-write") ?? 0)
        c.redis.minReplicasMaxLag = int("min-replicas-max-lag") ?? 10
        c.redis.replBacklogSize = int("repl-backlog-size") ?? c.redis.replBacklogSize
        c.redis.replTimeout = .seconds(int("repl-timeout") ?? 60)
        c.redis.replPingReplicaPeriod = .seconds(int("repl-ping-replica-period") ?? 10)
        c.redis.replDisklessSync = bool("repl-diskless-sync") ?? true
        c.redis.replDisklessSyncDelay = .seconds(int("repl-diskless-sync-delay") ?? 5)
        c.redis.replicaPriority = Int(int("replica-priority") ?? 100)
        c.redis.replicaReadOnly = bool("replica-read-only") ?? true
        c.redis.replicaServeStaleData = bool("replica-serve-stale-data") ?? true
        c.redis.appendonly = bool("appendonly") ?? false
        c.redis.aofUseRDBPreamble = bool("aof-use-rdb-preamble") ?? true
        c.redis.appendfsync = s.setting("appendfsync", in: self)?.stringValue.flatMap(AppendFsync.init) ?? .everysec
        if let save = s.setting("save", in: self)?.stringValue {
            let numbers = save.split(separator: " ").compactMap { Int64($0) }
            c.redis.save = stride(from: 0, to: numbers.count - 1, by: 2).map { SavePoint(seconds: numbers[$0], changes: numbers[$0 + 1]) }
        }
        c.redis.hz = int("hz") ?? 10
        c.sentinel.downAfter = s.setting("down-after-milliseconds", in: self)?.durationValue ?? .seconds(30)
        c.sentinel.failoverTimeout = s.setting("failover-timeout", in: self)?.durationValue ?? .seconds(180)
        c.sentinel.parallelSyncs = Int(int("parallel-syncs") ?? 1)
        c.sentinel.quorum = Int(int("quorum") ?? 2)
        let wait = Int(int("wait-numreplicas") ?? 0)
        c.client.waitNumReplicas = wait > 0 ? wait : nil
        c.client.waitTimeoutMs = int("wait-timeout") ?? 1000
        c.client.keyShards = s.workload.keys
        c.client.writeInterval = s.workload.interval
        c.client.requestTimeout = s.workload.timeout
        c.network = Network(defaultLatency: .uniform(s.network.latency.lowerBound, s.network.latency.upperBound),
                            datagramFaults: DatagramFaults(drop: s.network.drop, duplicate: s.network.duplicate, reorder: s.network.reorder))
        return c
    }

    public var supportsDataDirectory: Bool { true }

    public func makeCluster(_ scenario: Scenario, seed: UInt64, dataDirectory: DataDirectory?) throws -> any SimulatedCluster {
        let lag = scenario.setting("min-replicas-max-lag", in: self)?.intValue ?? 10
        let redis = RedisCluster(seed: seed, settings: clusterSettings(scenario))
        if let files = dataDirectory {
            for (i, server) in redis.servers.enumerated() { try files.mirror(redis.dataDirs[i].disk, node: redis.sim.name(of: server)) }
        }
        return RedisScenarioCluster(redis, lossWindowMax: .seconds(lag + 2))
    }
}

final class RedisScenarioCluster: SimulatedCluster {
    let redis: RedisCluster
    /// When the liveness phase asked the first client for the final read.
    var readAskedAt: SimTime?

    /// The `lost-writes-window` bound: min-replicas-max-lag, plus the second the primary's
    /// cron takes to notice and the second of lag rounding (lag is kept in whole seconds).
    let lossWindowMax: SimDuration

    init(_ redis: RedisCluster, lossWindowMax: SimDuration) {
        self.redis = redis
        self.lossWindowMax = lossWindowMax
        redis.addStandardInvariants()
    }

    var world: any SimulationWorld { redis.sim }
    var servers: [NodeID] { redis.servers + redis.sentinels }
    var history: History { redis.history }

    func nodes(inRole role: String) -> [NodeID] {
        switch role {
        case "primary": return primaries()
        case "replica": return redis.nodes(.replicas)
        case "sentinel": return redis.sentinels.filter { redis.sim.status(of: $0) == .up }
        default: return []
        }
    }

    /// "The current primary": a server that believes it is a primary and that a majority of
    /// live Sentinels can reach, preferring the one the Sentinels name. An isolated old
    /// primary that has not heard of the failover is not it; the replica promoted a moment
    /// ago is, even before every Sentinel has switched. Falls back to the Sentinels' choice.
    func primaries() -> [NodeID] {
        let sim = redis.sim
        let live = redis.sentinels.filter { sim.status(of: $0) == .up }
        let visible = redis.servers.filter { n in
            guard let r = redis.server(n), !r.isReplica else { return false }
            let reaching = live.filter { s in !sim.network.isCut(from: s, to: n) && !sim.network.isCut(from: n, to: s) }
            return reaching.count * 2 > redis.sentinels.count
        }
        let named = redis.nodes(.currentPrimary)
        if let n = named.first, visible.contains(n) { return [n] }
        return visible.isEmpty ? named : visible
    }

    func roleLabel(of node: NodeID) -> String {
        if let s = redis.sentinel(node) {
            return s.isMasterObjectivelyDown ? "sentinel (odown)" : "sentinel"
        }
        guard let r = redis.server(node) else { return "down" }
        return r.isReplica ? "replica" : "primary"
    }

    func stopWorkload() { for c in redis.clients { redis.client(c)?.writing = false } }
    func beginLiveness() { stopWorkload() }

    func convergence() -> String? {
        guard let p = redis.currentPrimary(), let primary = redis.server(p), !primary.isReplica else {
            return "the Sentinels name no live primary"
        }
        for n in redis.servers where n != p {
            guard let r = redis.server(n) else { return "\(redis.sim.name(of: n)) is down" }
            guard r.masterLink?.node == p, r.masterLink?.state == .connected else {
                return "\(redis.sim.name(of: n)) does not replicate from \(redis.sim.name(of: p)) yet"
            }
            guard r.keyspace.digest() == primary.keyspace.digest() else {
                return "\(redis.sim.name(of: n)) has not caught up with \(redis.sim.name(of: p))"
            }
        }
        // Replicas caught up: now one client reads the list back (the final read).
        guard let reader = redis.clients.first(where: { redis.client($0) != nil }), let client = redis.client(reader) else {
            return "no live client for the final read"
        }
        if readAskedAt == nil { readAskedAt = redis.sim.now; client.requestFinalRead(); return "final read requested" }
        return client.readRequested ? "final read in progress" : nil
    }

    func check(_ name: String) -> CheckResult {
        switch name {
        case "lost-writes":
            return lostWrites()
        case "lost-writes-window":
            return lossWindow()
        default:
            return CheckResult(name: name, passed: true, detail: "held after every event")
        }
    }

    /// Jepsen's set check on each list on its own (FaultlineCheck's SetLostWrites), with the
    /// first lost write told in Redis terms.
    func lostWrites() -> CheckResult {
        let h = redis.history
        let (combined, _) = IndependentKeys.check(h, name: "lost-writes") { (sub: History) throws(HistoryError) -> CheckResult in
            try SetLostWrites().check(sub)
        }
        var result = combined
        let lost = combined.figure("lost"), acked = combined.figure("acknowledged")
        let totals = "acknowledged \(acked), lost \(lost), recovered (info that happened) \(combined.figure("recovered")), "
            + "unexpected \(combined.figure("unexpected")), failed-but-present \(combined.figure("failed-but-present"))"
        if combined.passed == false, let add = combined.evidence.first(where: { $0.f == "add" && $0.type == .ok }) {
            let read = combined.evidence.last { $0.f == "read" && $0.type == .ok }
            result.detail = "\(lost) of \(acked) acknowledged writes lost; first: process \(add.process) RPUSH \(add.key ?? "") \(add.value) "
                + "acknowledged by \(add.node ?? "?") at \(SimTime(nanoseconds: add.time)), missing from the final LRANGE"
                + (read.map { " #\($0.index) on \($0.node ?? "?") at \(SimTime(nanoseconds: $0.time))" } ?? "") + "\n" + totals
        } else if combined.passed == true {
            result.detail = "every acknowledged write is in the final LRANGE of its list; " + totals
        }
        return result
    }

    /// How long the stretch of lost acknowledgements lasted, per client process: what
    /// min-replicas bounds (a primary cut off from its replicas refuses writes once their
    /// acknowledgements are older than min-replicas-max-lag).
    func lossWindow() -> CheckResult {
        let name = "lost-writes-window"
        let (_, perKey) = IndependentKeys.check(redis.history, name: name) { (sub: History) throws(HistoryError) -> CheckResult in
            try SetLostWrites(evidenceMax: Int.max).check(sub)
        }
        if perKey.contains(where: { $0.result.passed == nil }) {
            return CheckResult(name: name, passed: nil, detail: "no final read completed for some list: cannot tell whether writes survived")
        }
        let lostOps = perKey.flatMap { $0.result.evidence.filter { $0.f == "add" && $0.type == .ok } }
        guard let first = lostOps.min(by: { $0.time < $1.time }), let last = lostOps.max(by: { $0.time < $1.time }) else {
            return CheckResult(name: name, passed: true, detail: "no acknowledged write was lost")
        }
        let span = SimDuration(nanoseconds: last.time - first.time)
        let ok = span <= lossWindowMax
        return CheckResult(name: name, passed: ok,
                           detail: "\(lostOps.count) lost acknowledged writes span \(span) (from \(SimTime(nanoseconds: first.time)) to "
                               + "\(SimTime(nanoseconds: last.time)), acknowledged by \(first.node ?? "?")); the bound is \(lossWindowMax)",
                           evidence: ok ? [] : [first, last])
    }

    func nodeStates() -> [(node: String, state: String)] {
        servers.map { n in
            let name = redis.sim.name(of: n)
            if let r = redis.server(n) {
                return (name, (r.isReplica ? "replica of \(r.masterLink?.host ?? "?") (\(r.masterLink?.state.rawValue ?? "?"))" : "primary")
                        + " master_repl_offset=\(r.masterReplOffset) keys=\(r.keyspace.count)")
            }
            if let s = redis.sentinel(n) { return (name, "sentinel; master \(s.currentMasterAddress.host):\(s.currentMasterAddress.port)") }
            return (name, "down")
        }
    }
}
