import FaultlineCore
import FaultlineStorage
import FaultlineHistory

/// What a Redis deployment under test is made of: one primary and its replicas, Sentinels
/// watching them, and workload clients, with their settings.
public struct RedisClusterSettings: Sendable {
    public var replicaCount = 2
    public var sentinelCount = 3
    public var clientCount = 3
    /// redis.conf of every server (a preset adjusts it).
    public var redis = RedisConfig()
    /// sentinel.conf of every Sentinel. `quorum` defaults to a majority of `sentinelCount`.
    public var sentinel = SentinelConfig()
    public var client = RedisClientSettings()
    /// Priority of each replica (replica-priority), by index; missing ones get the default.
    public var replicaPriorities: [Int] = []
    public var network = Network()
    /// Fault model of every server's disk (torn writes, bit flips, I/O errors, slow fsyncs).
    public var diskFaults = SimDisk.Faults.none

    public init(preset: RedisPreset = .async) {
        self.preset = preset
        preset.apply(to: &redis)
        preset.apply(to: &client)
    }

    public private(set) var preset: RedisPreset
}

/// Something a fault targets, resolved when the fault fires: "the current primary" is
/// whoever Sentinel names at that moment, not a fixed node.
public enum RedisRole: Sendable, Hashable {
    /// The node the Sentinels' majority names as master (else the first server that
    /// believes it is a primary).
    case currentPrimary
    /// Every server that replicates from someone right now.
    case replicas
    /// One server, Sentinel or client by its index in setup order.
    case server(Int), sentinel(Int), client(Int)
}

/// A Redis primary/replica deployment with Sentinel on one `Simulation`: the setup the
/// scenario layer drives. Servers are `redis-1` (the first primary) ... `redis-N`,
/// Sentinels `sentinel-1` ..., clients `client-1` ...; hosts are node names, ports the real
/// defaults (6379 and 26379).
public final class RedisCluster {
    public let sim: Simulation<RedisMessage>
    public let settings: RedisClusterSettings
    public let servers: [NodeID]
    public let sentinels: [NodeID]
    public let clients: [NodeID]
    public let book: RedisAddressBook
    /// Every client's operations.
    public let log: RedisHistoryLog
    /// Each server's data directory (survives crashes) and each Sentinel's sentinel.conf.
    public let dataDirs: [RedisDataDir]
    public let sentinelFiles: [SentinelConfigFile]
    /// Epoch → the Sentinel that was elected in it, kept by the leader-per-epoch observer.
    public private(set) var leaders = SentinelLeaderLedger()

    public init(seed: UInt64, settings: RedisClusterSettings = RedisClusterSettings()) {
        precondition(settings.sentinelCount >= 1 && settings.clientCount >= 0 && settings.replicaCount >= 0)
        self.settings = settings
        sim = Simulation(seed: seed, network: settings.network)
        let n = settings.replicaCount + 1
        var book = RedisAddressBook()
        // Node ids are dense and assigned in addNode order: servers, Sentinels, clients.
        let serverNames = (1...n).map { "redis-\($0)" }
        let sentinelNames = (1...settings.sentinelCount).map { "sentinel-\($0)" }
        let clientNames = settings.clientCount == 0 ? [] : (1...settings.clientCount).map { "client-\($0)" }
        for (i, name) in serverNames.enumerated() { book.add(host: name, port: settings.redis.port, node: NodeID(i)) }
        for (i, name) in sentinelNames.enumerated() { book.add(host: name, port: settings.sentinel.port, node: NodeID(n + i)) }
        self.book = book
        dataDirs = serverNames.map { RedisDataDir(seed: seed, name: $0, faults: settings.diskFaults) }
        sentinelFiles = sentinelNames.map { _ in SentinelConfigFile() }
        log = RedisHistoryLog()
        var sentinelConfig = settings.sentinel
        if sentinelConfig.quorum > settings.sentinelCount { sentinelConfig.quorum = settings.sentinelCount / 2 + 1 }
        let primary = (host: serverNames[0], port: settings.redis.port)

        var servers: [NodeID] = []
        for (i, name) in serverNames.enumerated() {
            var config = settings.redis
            if i > 0, i - 1 < settings.replicaPriorities.count { config.replicaPriority = settings.replicaPriorities[i - 1] }
            let dir = dataDirs[i]
            let replicaOf: (host: String, port: Int)? = i == 0 ? nil : primary
            dir.install(RedisConfFile(config: config, replicaOf: replicaOf.map { .init(host: $0.host, port: $0.port) }))
            servers.append(sim.addNode(name: name, make: { _ in
                RedisNode(host: name, config: config, book: book, dataDir: dir, replicaOf: replicaOf)
            }, onCrash: { _ in dir.crash() }))
        }
        var sentinels: [NodeID] = []
        for (i, name) in sentinelNames.enumerated() {
            let file = sentinelFiles[i]
            sentinels.append(sim.addNode(name: name, make: { _ in
                SentinelNode(host: name, config: sentinelConfig, book: book, configFile: file, master: primary)
            }))
        }
        var clients: [NodeID] = []
        let log = self.log
        for (i, name) in clientNames.enumerated() {
            let s = settings.client, sn = sentinels, masterName = sentinelConfig.masterName
            clients.append(sim.addNode(name: name, make: { _ in
                RedisClient(process: i, settings: s, masterName: masterName, sentinels: sn, book: book, log: log)
            }))
        }
        self.servers = servers; self.sentinels = sentinels; self.clients = clients
        assert(servers.last.map { $0.index + 1 } == sentinels.first?.index, "node ids follow setup order")
    }

    /// The history recorded so far.
    public var history: History { log.history }

    // MARK: looking at roles

    public func server(_ node: NodeID) -> RedisNode? { sim.actor(node, as: RedisNode.self) }
    public func sentinel(_ node: NodeID) -> SentinelNode? { sim.actor(node, as: SentinelNode.self) }
    public func client(_ node: NodeID) -> RedisClient? { sim.actor(node, as: RedisClient.self) }

    /// The master the majority of live Sentinels names; else the first live server that is
    /// a primary. Global knowledge: for faults and checks, never for the models.
    public func currentPrimary() -> NodeID? {
        var votes: [(node: NodeID, count: Int)] = []
        for s in sentinels { if let m = sentinel(s)?.currentMasterNode {
            if let i = votes.firstIndex(where: { $0.node == m }) { votes[i].count += 1 } else { votes.append((m, 1)) }
        } }
        if let best = votes.max(by: { $0.count < $1.count || ($0.count == $1.count && $0.node > $1.node) }),
           best.count * 2 > sentinels.count { return best.node }
        return servers.first { server($0).map { !$0.isReplica } ?? false }
    }

    /// Resolves a role to nodes now.
    public func nodes(_ role: RedisRole) -> [NodeID] {
        switch role {
        case .currentPrimary: return currentPrimary().map { [$0] } ?? []
        case .replicas: return servers.filter { server($0)?.isReplica ?? false }
        case .server(let i): return i < servers.count ? [servers[i]] : []
        case .sentinel(let i): return i < sentinels.count ? [sentinels[i]] : []
        case .client(let i): return i < clients.count ? [clients[i]] : []
        }
    }

    // MARK: faults by role

    public func crash(_ role: RedisRole) { for n in nodes(role) { sim.crash(n) } }
    public func restart(_ role: RedisRole) { for n in nodes(role) { sim.restart(n) } }
    public func pause(_ role: RedisRole) { for n in nodes(role) { sim.pause(n) } }
    public func resume(_ role: RedisRole) { for n in nodes(role) { sim.resume(n) } }
    /// Restarts every crashed node and resumes every paused one.
    public func restartAll() {
        for n in sim.allNodes {
            if sim.status(of: n) == .crashed { sim.restart(n) }
            if sim.status(of: n) == .paused { sim.resume(n) }
        }
    }

    /// Cuts the current primary (and the listed clients) off from everything else: the
    /// partition of the Jepsen 2013 test. Returns the isolated side.
    @discardableResult
    public func isolatePrimary(withClients kept: [Int]) -> [NodeID] {
        guard let p = currentPrimary() else { return [] }
        let side = [p] + kept.compactMap { $0 < clients.count ? clients[$0] : nil }
        let rest = sim.allNodes.filter { !side.contains($0) }
        sim.split([side, rest])
        return side
    }

    // MARK: phases and checks

    /// Stops the writers, heals, restarts everything and waits `settle`, then has the first
    /// live client read the list back (the final read of the lost-writes check).
    public func healAndRead(settle: SimDuration = .seconds(60), readTimeout: SimDuration = .seconds(30)) {
        for c in clients { client(c)?.writing = false }
        sim.heal()
        restartAll()
        sim.run(for: settle)
        guard let reader = clients.first(where: { client($0) != nil }) else { return }
        client(reader)?.requestFinalRead()
        let deadline = sim.now + readTimeout
        while sim.now < deadline, client(reader)?.readRequested == true {
            if case .violation = sim.run(for: .milliseconds(500)) { return }
        }
    }

    /// The lost-writes check over the recorded history.
    public func lostWrites() -> LostWritesReport { LostWrites.check(history) }

    /// Installs the cluster's global invariants: at most one Sentinel leader per epoch, and
    /// every live node's `checkInvariants()` after every event.
    public func addStandardInvariants() {
        let sentinels = self.sentinels
        sim.addInvariant("sentinel-one-leader-per-epoch") { [unowned self] sim in
            for s in sentinels {
                guard let node = sim.actor(s, as: SentinelNode.self) else { continue }
                for e in node.electedEpochs {
                    if let problem = self.leaders.record(epoch: e, sentinel: sim.name(of: s)) { return problem }
                }
            }
            return nil
        }
    }
}

/// Epoch → the Sentinel elected in it, accumulated across crashes (a restarted Sentinel
/// forgets its elections; the ledger does not).
public struct SentinelLeaderLedger: Sendable {
    public private(set) var leaderByEpoch: [(epoch: UInt64, sentinel: String)] = []
    public init() {}

    /// Records a claim; returns the violation when another Sentinel already won that epoch.
    public mutating func record(epoch: UInt64, sentinel: String) -> String? {
        if let existing = leaderByEpoch.first(where: { $0.epoch == epoch }) {
            return existing.sentinel == sentinel ? nil
                : "epoch \(epoch) has two leaders: \(existing.sentinel) and \(sentinel)"
        }
        leaderByEpoch.append((epoch, sentinel))
        leaderByEpoch.sort { $0.epoch < $1.epoch }
        return nil
    }
}
