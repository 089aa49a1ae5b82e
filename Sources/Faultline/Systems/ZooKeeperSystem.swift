import FaultlineCore
import FaultlineHistory
import FaultlineCheck
import FaultlineZooKeeper
import FaultlineStorage

/// ZooKeeper (ZAB) for scenarios: an ensemble of voting servers with zoo.cfg settings by
/// their real names, clients running the compare-and-set register workload over a few
/// znodes, the ensemble's global invariants, and Knossos-style linearizability of the
/// register history.
public struct ZooKeeperSystem: SystemAdapter {
    public init() {}
    public let name = "zookeeper"
    public let summary = "ZooKeeper ensemble: FastLeaderElection, ZAB discovery/sync/broadcast, sessions"

    /// Two to nine voters: a one-server ensemble is ZooKeeper's standalone mode, which the
    /// model does not run (it never establishes a leader alone).
    public var presets: [PresetInfo] {
        let promises = ["linearizable", "zk.atMostOneLeaderPerEpoch", "zk.committedPrefix", "zk.noCommittedTxnLost"]
        return [
            PresetInfo(name: "standard", summary: "zoo_sample.cfg: tickTime 2000, initLimit 10, syncLimit 5, forceSync yes",
                       nodes: 3, nodeRange: 2...9, settings: [], promises: promises),
            PresetInfo(name: "fast-ticks", summary: "tickTime 200 ms with the sample's tick ratios: many elections per simulated minute",
                       nodes: 3, nodeRange: 2...9, settings: [("tickTime", .int(200))], promises: promises),
            PresetInfo(name: "no-fsync", summary: "fast ticks with zookeeper.forceSync=no: acknowledged txns live only in page cache",
                       nodes: 3, nodeRange: 2...9, settings: [("tickTime", .int(200)), ("forceSync", .bool(false))],
                       promises: ["zk.atMostOneLeaderPerEpoch", "zk.committedPrefix"]),
        ]
    }

    public var settings: [SettingInfo] {
        [
            SettingInfo("tickTime", .milliseconds, default: .int(2000), "the basic time unit (heartbeats, limits, session buckets)"),
            SettingInfo("initLimit", .int(1...1000), default: .int(10), "ticks a follower may take to connect and sync"),
            SettingInfo("syncLimit", .int(1...1000), default: .int(5), "ticks a follower may lag before leader and follower give up"),
            SettingInfo("electionAlg", .int(0...3), default: .int(3), "only 3 (FastLeaderElection) exists since 3.4"),
            SettingInfo("minSessionTimeout", .milliseconds, default: .int(0), "0 means 2 * tickTime"),
            SettingInfo("maxSessionTimeout", .milliseconds, default: .int(0), "0 means 20 * tickTime"),
            SettingInfo("forceSync", .bool, default: .bool(true), "zookeeper.forceSync: fsync the txn log before acknowledging"),
            SettingInfo("zookeeper.disableAutoWatchReset", .bool, default: .bool(false),
                        "client property: do not re-register watches (SetWatches) after a reconnect"),
            SettingInfo("commitLogCount", .int(1...1_000_000), default: .int(500), "zookeeper.commitLogCount: proposals kept for DIFF sync"),
        ]
    }

    /// SimDisk fault modes a `disk` fault switches on for one server's dataDir until the
    /// liveness phase (the damage done stays): torn tails and lost directory entries at the
    /// next crash, latent bit flips, EIO on writes or fsyncs, ENOSPC, stalled fsyncs.
    public var diskFaults: [String] { SimDiskFaultModes.names }

    /// Long enough for the standard preset's syncLimit (5 ticks of 2 s) to act.
    public var matrixTiming: MatrixTiming { MatrixTiming(duration: .seconds(40), faultAt: .seconds(10), faultFor: .seconds(15), livenessWithin: .seconds(60)) }

    /// `lock-holder` is the client process whose lock recipe believes it holds the lock.
    public let roles = ["leader", "follower", "observer", "lock-holder"]
    public let mainRole = "leader"
    /// `cas`: the compare-and-set register workload; `lock`: the lock recipe (Curator's
    /// InterProcessMutex), every client contending for one lock.
    public let operations = ["cas", "lock"]
    public var checks: [CheckInfo] {
        [
            CheckInfo("linearizable", "the clients' cas-register history on each znode is linearizable"),
            CheckInfo("zk.atMostOneLeaderPerEpoch", "no two servers establish leadership of one epoch (every step)"),
            CheckInfo("zk.committedPrefix", "what every serving server applied is a prefix of one sequence (every step)"),
            CheckInfo("zk.noCommittedTxnLost", "the newest leader has every txn any server applied as committed (every step)"),
            CheckInfo("zk.lockHoldersNeverOverlap", "the lock recipe never has two clients that believe they hold it (every step; workload mix lock)",
                      isDefault: false),
        ]
    }

    /// Servers, then clients: a fault may name a client (pause the lock holder's process).
    public func serverNames(for scenario: Scenario) -> [String] {
        (1...(scenario.nodes ?? preset(named: scenario.preset)?.nodes ?? 3)).map { "zk\($0)" }
            + (1...scenario.workload.clients).map { "client\($0)" }
    }

    func zooSettings(_ s: Scenario) -> ZooKeeperSettings {
        var z = ZooKeeperSettings()
        func ms(_ name: String) -> SimDuration? {
            guard let d = s.setting(name, in: self)?.durationValue, d > .zero else { return nil }
            return d
        }
        if let d = ms("tickTime") { z.tickTime = d }
        z.initLimit = s.setting("initLimit", in: self)?.intValue ?? z.initLimit
        z.syncLimit = s.setting("syncLimit", in: self)?.intValue ?? z.syncLimit
        z.electionAlg = Int(s.setting("electionAlg", in: self)?.intValue ?? 3)
        z.minSessionTimeout = ms("minSessionTimeout")
        z.maxSessionTimeout = ms("maxSessionTimeout")
        z.forceSync = s.setting("forceSync", in: self)?.boolValue ?? true
        z.disableAutoWatchReset = s.setting("zookeeper.disableAutoWatchReset", in: self)?.boolValue ?? false
        z.commitLogCount = Int(s.setting("commitLogCount", in: self)?.intValue ?? 500)
        return z
    }

    public func validate(_ scenario: Scenario) -> (path: String, message: String)? {
        if let problem = zooSettings(scenario).validate() { return ("settings", problem) }
        return nil
    }

    public var supportsDataDirectory: Bool { true }

    public func makeCluster(_ scenario: Scenario, seed: UInt64, dataDirectory: DataDirectory?) throws -> any SimulatedCluster {
        let cluster = ZooKeeperCluster(scenario: scenario, settings: zooSettings(scenario), seed: seed,
                                       servers: scenario.nodes ?? preset(named: scenario.preset)?.nodes ?? 3)
        if let files = dataDirectory {
            // Each server's dataDir: DIR/zk1/version-2/{acceptedEpoch,currentEpoch,log.*,snapshot.*}.
            for n in cluster.servers { if let dir = cluster.zk.dataDirs[n] { try files.mirror(dir.disk, node: cluster.zk.sim.name(of: n)) } }
        }
        return cluster
    }
}

final class ZooKeeperCluster: SimulatedCluster {
    let zk: ZooKeeperEnsemble
    let scenario: Scenario

    init(scenario: Scenario, settings: ZooKeeperSettings, seed: UInt64, servers: Int) {
        self.scenario = scenario
        let net = Network(defaultLatency: .uniform(scenario.network.latency.lowerBound, scenario.network.latency.upperBound),
                          datagramFaults: DatagramFaults(drop: scenario.network.drop, duplicate: scenario.network.duplicate,
                                                         reorder: scenario.network.reorder))
        zk = ZooKeeperEnsemble(seed: seed, servers: servers, settings: settings, network: net)
        let keys = (0..<scenario.workload.keys).map { "/r\($0)" }
        let stop = SimTime.zero + scenario.workload.duration
        let think = scenario.workload.interval...(scenario.workload.interval * 4)
        let locks = scenario.workload.mix.contains { $0.op == "lock" && $0.weight > 0 }
        let ledger = zk.lockLedger
        let hold = scenario.workload.interval * 10, between = scenario.workload.interval * 4
        for c in 0..<scenario.workload.clients {
            if locks {
                zk.addClient(name: "client\(c + 1)") { LockRecipe(ownerName: "client\(c + 1)", ledger: ledger, holdFor: hold, pauseBetween: between) }
            } else {
                zk.addClient(name: "client\(c + 1)") { RegisterWorkload(keys: keys, creates: c == 0, thinkTime: think, stopAt: stop) }
            }
        }
    }

    var world: any SimulationWorld { zk.sim }
    var servers: [NodeID] { zk.servers + zk.observers }
    var history: History { zk.history }

    func nodes(inRole role: String) -> [NodeID] {
        switch role {
        case "leader": return zk.leader.map { [$0] } ?? []
        case "follower": return zk.followers
        case "observer": return zk.observers.filter { zk.peer($0)?.state == .observing }
        case "lock-holder": return zk.clients.filter { (zk.client($0)?.program as? LockRecipe)?.holding == true }
        default: return []
        }
    }

    func roleLabel(of node: NodeID) -> String {
        guard let p = zk.peer(node) else { return "down" }
        switch p.state {
        case .leading: return p.isEstablishedLeader ? "leader" : "leader (syncing)"
        case .following: return p.isServing ? "follower" : "follower (syncing)"
        case .looking: return "looking"
        case .observing: return "observer"
        }
    }

    func stopWorkload() {}

    /// Healing includes the disks: their fault modes end (what they damaged stays damaged).
    func beginLiveness() {
        for n in servers { if let dir = zk.dataDirs[n] { SimDiskFaultModes.heal(dir.disk) } }
    }

    func applyDiskFault(_ kind: String, to node: NodeID) -> Bool {
        guard let dir = zk.dataDirs[node] else { return false }
        return SimDiskFaultModes.apply(kind, to: dir.disk)
    }

    func convergence() -> String? {
        guard let leader = zk.leader else { return "no established leader" }
        for n in zk.servers {
            guard let p = zk.peer(n), p.isServing else { return "\(zk.sim.name(of: n)) is not serving yet" }
        }
        if !zk.serversAgree { return "servers have not applied the same txns as leader \(zk.sim.name(of: leader))" }
        return nil
    }

    func check(_ name: String) -> CheckResult {
        switch name {
        case "linearizable":
            do {
                return try NamedModel.casRegister.check(ZooKeeperCluster.oneOperationPerProcess(zk.history)).checkResult
            } catch {
                return CheckResult(name: name, passed: nil, detail: "the history could not be checked: \(error)")
            }
        default:
            // Invariants are checked after every event; a breach stops the run and is
            // reported by the runner, so reaching here means it held throughout.
            return CheckResult(name: name, passed: true, detail: "held after every event")
        }
    }

    /// RegisterWorkload's first client creates every znode at once on one session, so that
    /// process has several creates in flight, which a Jepsen history forbids. Each create
    /// touches its own key and ZooKeeper answers a session in order, so giving each key's
    /// create a process of its own keeps every invocation paired with its own completion.
    static func oneOperationPerProcess(_ h: History) -> History {
        var out = History()
        for var op in h.operations {
            if op.f == "write", let key = op.key {
                op.process = 1_000_000 + Int(SeededRandom.fnv1a64(key) % 1_000_000)
            }
            op.index = -1
            out.append(op)
        }
        return out
    }

    func nodeStates() -> [(node: String, state: String)] {
        servers.map { n in
            guard let p = zk.peer(n) else { return (zk.sim.name(of: n), "down") }
            return (zk.sim.name(of: n), "\(p.state) epoch=\(p.currentEpoch) lastLoggedZxid=0x\(String(p.lastLoggedZxid, radix: 16)) applied=\(p.appliedCount)")
        }
    }
}
