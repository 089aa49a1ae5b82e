import FaultlineCore
import FaultlineStorage
import FaultlineHistory

/// A role to aim a fault at, resolved when the fault happens ("crash the current leader").
public enum ZooKeeperRole: Sendable, Hashable {
    /// The established leader of the newest epoch.
    case leader
    /// The i-th follower of that leader, in myid order.
    case follower(Int)
    case observer(Int)
    /// A server by its myid (1-based, as in `server.N=` lines).
    case server(myid: Int64)
    case client(Int)
}

/// A ZooKeeper ensemble on one `Simulation`: voting servers (myid 1...n), observers, and
/// clients running programs (recipes, workloads). The scenario layer and tests build one,
/// aim faults at roles, run it, and read the history, the invariants and the measurements.
///
/// ```swift
/// let zk = ZooKeeperEnsemble(seed: 7, servers: 5, settings: .fastTicks)
/// zk.addClient(program: LockRecipe(ownerName: "c1", ledger: zk.lockLedger))
/// zk.run(for: .seconds(10))
/// zk.crash(.leader)
/// let newLeader = zk.waitForLeader(timeout: .seconds(30))
/// ```
public final class ZooKeeperEnsemble {
    public let settings: ZooKeeperSettings
    public let sim: Simulation<ZKMessage>
    public private(set) var servers: [NodeID] = []
    public private(set) var observers: [NodeID] = []
    public private(set) var clients: [NodeID] = []
    /// Each server's dataDir, by node index of `servers + observers` order; survives crashes.
    public private(set) var dataDirs: [NodeID: ZKDataDir] = [:]
    public let quorum: QuorumVerifier
    /// Client operations with invoke / ok / fail / info and true times.
    public let recorder = HistoryRecorder()
    /// Who believes they hold the lock (or lead, for the election recipe).
    public let lockLedger = LockLedger()
    public let invariants: EnsembleInvariants
    /// Leader crashes (by `crash(.leader)`) waiting for a new established leader.
    var leaderCrashedAt: SimTime?
    /// Time from a leader crash to the next established epoch, in ticks (tickTime units, rounded up).
    public private(set) var electionTicksAfterLeaderCrash: [Int64] = []
    /// The same, as durations.
    public private(set) var electionTimesAfterLeaderCrash: [SimDuration] = []

    /// `diskFaults` applies to every server's SimDisk (torn writes, lost directory entries,
    /// fsync errors ...); the fsync latency always comes from `settings.fsyncLatency`.
    public init(seed: UInt64, servers serverCount: Int = 3, observers observerCount: Int = 0,
                settings: ZooKeeperSettings = .standard, network: Network = Network(),
                diskFaults: SimDisk.Faults = .none) {
        precondition(serverCount >= 1, "an ensemble has at least one voter")
        if let problem = settings.validate() { preconditionFailure("ZooKeeperSettings: \(problem)") }
        self.settings = settings
        sim = Simulation(seed: seed, network: network)
        var members: [(myid: Int64, node: NodeID, observer: Bool)] = []
        for i in 0..<(serverCount + observerCount) {
            members.append((Int64(i + 1), NodeID(i), i >= serverCount))
        }
        quorum = QuorumVerifier(settings: settings, serverNodes: members)
        invariants = EnsembleInvariants(nodeCount: serverCount + observerCount)
        for m in members {
            let dir = ZKDataDir(random: SeededRandom(seed: seed, stream: "disk:\(m.myid)"), fsyncLatency: settings.fsyncLatency, faults: diskFaults)
            let q = quorum
            let node = sim.addNode(name: m.observer ? "observer\(m.myid)" : "zk\(m.myid)",
                                   make: { _ in QuorumPeer(myid: m.myid, quorum: q, dataDir: dir) },
                                   onCrash: { _ in dir.crash() })
            precondition(node == m.node)
            dataDirs[node] = dir
            if m.observer { observers.append(node) } else { servers.append(node) }
        }
        invariants.onEstablished = { [unowned self] _, _, t in
            if let c = self.leaderCrashedAt {
                let d = t - c
                self.electionTimesAfterLeaderCrash.append(d)
                self.electionTicksAfterLeaderCrash.append((d.nanoseconds + settings.tickTime.nanoseconds - 1) / settings.tickTime.nanoseconds)
                self.leaderCrashedAt = nil
            }
        }
        invariants.install(on: sim, servers: servers + observers, ledger: lockLedger)
    }

    /// Error-returning variant of `init` for settings that come from a user's file.
    public static func make(seed: UInt64, servers: Int, observers: Int = 0, settings: ZooKeeperSettings,
                            network: Network = Network()) -> Result<ZooKeeperEnsemble, ZooKeeperSettingsError> {
        if let p = settings.validate() { return .failure(ZooKeeperSettingsError(message: p)) }
        if servers < 1 { return .failure(ZooKeeperSettingsError(message: "servers: expected at least 1, got \(servers)")) }
        return .success(ZooKeeperEnsemble(seed: seed, servers: servers, observers: observers, settings: settings, network: network))
    }

    /// Adds a client process running `program`, connecting to `connectTo` (all servers and
    /// observers by default; the order is shuffled by the client, as the real one does).
    @discardableResult
    public func addClient(name: String? = nil, sessionTimeout: SimDuration? = nil,
                          connectTo: [NodeID]? = nil, program make: @escaping () -> ZooKeeperClientProgram) -> NodeID {
        let index = clients.count
        let timeout = sessionTimeout ?? settings.tickTime * 10
        let targets = connectTo ?? (servers + observers)
        let recorder = self.recorder, ledger = lockLedger, clientName = name ?? "client\(index)"
        let noWatchReset = settings.disableAutoWatchReset
        let node = sim.addNode(name: clientName, make: { _ in
            let c = ZooKeeperClient(servers: targets, sessionTimeout: timeout, program: make(), recorder: recorder, process: index)
            c.disableAutoWatchReset = noWatchReset
            return c
        }, onCrash: { [unowned sim] _ in ledger.processDied(clientName, at: sim.now) })
        clients.append(node)
        return node
    }

    // MARK: reading state

    public func peer(_ node: NodeID) -> QuorumPeer? { sim.actor(node, as: QuorumPeer.self) }
    public func peer(myid: Int64) -> QuorumPeer? { quorum.node(of: myid).flatMap(peer) }
    public func client(_ node: NodeID) -> ZooKeeperClient? { sim.actor(node, as: ZooKeeperClient.self) }
    public var history: History { recorder.history }
    public var violation: InvariantViolation? { sim.violation }

    /// The established leader of the newest epoch, if one is up.
    public var leader: NodeID? {
        var best: (NodeID, Int64)?
        for n in servers {
            if let p = peer(n), p.isEstablishedLeader, let e = p.leaderEpoch, best == nil || e > best!.1 { best = (n, e) }
        }
        return best?.0
    }

    public var followers: [NodeID] {
        guard let l = leader, let lp = peer(l) else { return [] }
        return servers.filter { n in peer(n).map { $0.state == .following && $0.followedLeader == lp.myid } ?? false }
    }

    /// Resolves a role to a node now (nil when nobody has it).
    public func node(for role: ZooKeeperRole) -> NodeID? {
        switch role {
        case .leader: return leader
        case .follower(let i): let f = followers; return i < f.count ? f[i] : nil
        case .observer(let i): return i < observers.count ? observers[i] : nil
        case .server(let id): return quorum.node(of: id)
        case .client(let i): return i < clients.count ? clients[i] : nil
        }
    }

    /// True when every serving voter applied the same txns (compared by chain hash).
    public var serversAgree: Bool {
        let serving = servers.compactMap(peer).filter(\.isServing)
        guard let first = serving.first else { return false }
        return serving.allSatisfy { $0.appliedCount == first.appliedCount && $0.appliedHash == first.appliedHash && $0.tree.digest() == first.tree.digest() }
    }

    // MARK: faults by role

    @discardableResult
    public func crash(_ role: ZooKeeperRole) -> NodeID? {
        guard let n = node(for: role) else { return nil }
        if n == leader { leaderCrashedAt = sim.now }
        sim.crash(n)
        return n
    }
    public func restart(_ node: NodeID) { sim.restart(node) }
    public func restartAll() { for n in servers + observers + clients where sim.status(of: n) == .crashed { sim.restart(n) } }
    @discardableResult
    public func pause(_ role: ZooKeeperRole) -> NodeID? { guard let n = node(for: role) else { return nil }; sim.pause(n); return n }
    public func resume(_ node: NodeID) { sim.resume(node) }
    public func resumeAll() { for n in sim.allNodes where sim.status(of: n) == .paused { sim.resume(n) } }
    @discardableResult
    public func isolate(_ role: ZooKeeperRole) -> NodeID? { guard let n = node(for: role) else { return nil }; sim.isolate(n); return n }
    public func heal() { sim.heal() }

    /// Cuts the current leader and ⌊n/2⌋-1 followers (a minority) away from the rest;
    /// clients stay connected to both sides. Returns (majority, minority), servers only.
    @discardableResult
    public func partitionLeaderIntoMinority() -> (majority: [NodeID], minority: [NodeID])? {
        guard let l = leader else { return nil }
        let others = servers.filter { $0 != l }
        let minoritySize = (servers.count - 1) / 2
        let minority = [l] + others.prefix(max(0, minoritySize - 1))
        let majority = servers.filter { !minority.contains($0) }
        sim.split([majority + observers, minority])
        return (majority, minority)
    }

    // MARK: running

    @discardableResult
    public func run(for d: SimDuration) -> RunOutcome { sim.run(for: d) }

    /// Runs until `condition` holds (checked every 10 ms of true time) or `timeout` passes.
    @discardableResult
    public func run(until condition: (ZooKeeperEnsemble) -> Bool, timeout: SimDuration) -> Bool {
        let end = sim.now + timeout
        while sim.now < end {
            if condition(self) { return true }
            if case .violation = sim.run(for: .milliseconds(10)) { return false }
        }
        return condition(self)
    }

    /// Runs until an established leader exists and a quorum of voters serve; returns it.
    @discardableResult
    public func waitForLeader(timeout: SimDuration) -> NodeID? {
        let ok = run(until: { zk in
            guard zk.leader != nil else { return false }
            return zk.quorum.containsQuorum(zk.servers.compactMap(zk.peer).filter(\.isServing).map(\.myid))
        }, timeout: timeout)
        return ok ? leader : nil
    }
}

/// A settings combination ZooKeeper would refuse to start with.
public struct ZooKeeperSettingsError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
