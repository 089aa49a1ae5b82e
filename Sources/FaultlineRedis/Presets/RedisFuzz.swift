import FaultlineCore
import FaultlineHistory

/// Knobs of one fuzz run: how long faults go on, how they are spaced, how long the healed
/// cluster gets to converge.
public struct RedisFuzzOptions: Sendable {
    /// The cluster runs fault-free this long first (sync, discovery).
    public var warmup: SimDuration = .seconds(15)
    /// Faults are injected until this long after the warm-up.
    public var faultPhase: SimDuration = .seconds(90)
    /// Each fault lasts a uniform duration in this range, then the next starts after a gap.
    public var faultDuration: ClosedRange<SimDuration> = .seconds(3)...(.seconds(30))
    public var gap: ClosedRange<SimDuration> = .seconds(1)...(.seconds(10))
    /// Liveness phase: everything healed and restarted, then the final read.
    public var settle: SimDuration = .seconds(60)
    public var settings: @Sendable (RedisPreset) -> RedisClusterSettings = { preset in
        var s = RedisClusterSettings(preset: preset)
        s.sentinel.downAfter = .seconds(5)
        s.sentinel.failoverTimeout = .seconds(30)
        return s
    }
    public init() {}
}

/// One fault the fuzzer injected, resolved against the roles at the time it fired.
public struct RedisFuzzFault: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case isolatePrimaryWithClients = "isolate-primary-with-clients"
        case crashPrimary = "crash-primary"
        case pausePrimary = "pause-primary"
        case crashReplica = "crash-replica"
        case splitServers = "split-servers"
        case crashSentinel = "crash-sentinel"
    }
    public var kind: Kind
    public var at: SimTime
    public var lasting: SimDuration
    public var targets: [String]
    public var description: String { "\(at) \(kind.rawValue) \(targets.joined(separator: ",")) for \(lasting)" }
}

/// What one fuzz run found.
public struct RedisFuzzOutcome: Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var preset: RedisPreset
    public var faults: [RedisFuzzFault]
    public var lostWrites: LostWritesReport
    /// The first global invariant that failed (one Sentinel leader per epoch), if any.
    public var violation: String?
    /// After the liveness phase every server agrees with the master Sentinel names.
    public var converged: Bool
    public var eventCount: UInt64
    public var traceHash: UInt64
    public var coverage: Coverage
    /// True times (ns) at which the lost writes were acknowledged, ascending.
    public var lostAckTimes: [Int64]
    /// Each node's state at the end (role, link, offset, keys; a Sentinel's view), for reports.
    public var finalStates: [String]
    public var description: String {
        "seed \(seed) \(preset.rawValue): \(lostWrites)\(violation.map { ", VIOLATION \($0)" } ?? "")\(converged ? "" : ", NOT CONVERGED")"
    }
}

/// Partitions, crashes and pauses of the roles that matter, drawn from the run's fault
/// stream; then the liveness phase and the lost-writes check. Same seed and preset, same run.
public enum RedisFuzz {
    /// One run. `prepare` sees the cluster before it starts (to add a trace sink or invariants).
    public static func run(seed: UInt64, preset: RedisPreset, options: RedisFuzzOptions = RedisFuzzOptions(),
                           prepare: (RedisCluster) -> Void = { _ in }) -> RedisFuzzOutcome {
        let cluster = RedisCluster(seed: seed, settings: options.settings(preset))
        cluster.addStandardInvariants()
        prepare(cluster)
        let sim = cluster.sim
        var faults: [RedisFuzzFault] = []
        sim.run(until: SimTime.zero + options.warmup)
        let end = SimTime.zero + options.warmup + options.faultPhase
        while sim.now < end, sim.violation == nil {
            let kind = RedisFuzzFault.Kind.allCases[sim.faultRandom.index(RedisFuzzFault.Kind.allCases.count)]
            let lasting = sim.faultRandom.duration(in: options.faultDuration)
            let targets = inject(kind, cluster)
            faults.append(RedisFuzzFault(kind: kind, at: sim.now, lasting: lasting, targets: targets.map(sim.name(of:))))
            sim.run(for: lasting)
            recover(kind, targets, cluster)
            sim.run(for: sim.faultRandom.duration(in: options.gap))
        }
        if sim.violation == nil { cluster.healAndRead(settle: options.settle) }
        return RedisFuzzOutcome(seed: seed, preset: preset, faults: faults, lostWrites: cluster.lostWrites(),
                                violation: sim.violation.map(String.init(describing:)), converged: converged(cluster),
                                eventCount: sim.eventCount, traceHash: sim.traceHash, coverage: sim.coverage,
                                lostAckTimes: lostAckTimes(cluster), finalStates: states(cluster))
    }

    static func inject(_ kind: RedisFuzzFault.Kind, _ c: RedisCluster) -> [NodeID] {
        let sim = c.sim
        switch kind {
        case .isolatePrimaryWithClients:
            let kept = (0..<c.clients.count).filter { _ in sim.faultRandom.chance(Ratio(1, 2)) }
            return c.isolatePrimary(withClients: kept)
        case .crashPrimary:
            let p = c.nodes(.currentPrimary); p.forEach(sim.crash); return p
        case .pausePrimary:
            let p = c.nodes(.currentPrimary); p.forEach(sim.pause); return p
        case .crashReplica:
            guard let r = sim.faultRandom.element(of: c.nodes(.replicas)) else { return [] }
            sim.crash(r); return [r]
        case .splitServers:
            var members = c.servers + c.sentinels
            sim.faultRandom.shuffle(&members)
            let minority = Array(members.prefix(members.count / 2))
            sim.split([minority, sim.allNodes.filter { !minority.contains($0) }])
            return minority
        case .crashSentinel:
            guard let s = sim.faultRandom.element(of: c.sentinels.filter { sim.status(of: $0) == .up }) else { return [] }
            sim.crash(s); return [s]
        }
    }

    static func recover(_ kind: RedisFuzzFault.Kind, _ targets: [NodeID], _ c: RedisCluster) {
        switch kind {
        case .isolatePrimaryWithClients, .splitServers: c.sim.heal()
        case .crashPrimary, .crashReplica, .crashSentinel: targets.forEach(c.sim.restart)
        case .pausePrimary: targets.forEach(c.sim.resume)
        }
    }

    static func lostAckTimes(_ c: RedisCluster) -> [Int64] {
        let lost = Set(c.lostWrites().lost)
        return c.history.operations.filter { $0.f == "add" && $0.type == .ok && lost.contains($0.value.intValue ?? -1) }.map(\.time).sorted()
    }

    static func states(_ c: RedisCluster) -> [String] {
        var out: [String] = []
        for n in c.servers {
            let name = c.sim.name(of: n)
            guard let r = c.server(n) else { out.append("\(name) down"); continue }
            let role = r.masterLink.map { "replica of \($0.host) (\($0.state.rawValue))" } ?? "primary"
            out.append("\(name) \(role) replid=\(r.replid.prefix(8)) offset=\(r.masterReplOffset) keys=\(r.keyspace.count) replicas=\(r.replicas.map { c.sim.name(of: $0.node) + ":" + $0.state.rawValue })")
        }
        for n in c.sentinels {
            let name = c.sim.name(of: n)
            guard let s = c.sentinel(n) else { out.append("\(name) down"); continue }
            out.append("\(name) master=\(s.currentMasterAddress.host) epoch=\(s.currentEpoch) config-epoch=\(s.configEpoch) failover=\(s.failoverState) sdown=\(s.isMasterSubjectivelyDown) odown=\(s.isMasterObjectivelyDown) tilt=\(s.tilt) replicas=\(s.knownReplicaAddresses)")
        }
        return out
    }

    /// Every live server follows the master the Sentinels name, is connected, and holds its data.
    static func converged(_ c: RedisCluster) -> Bool {
        guard let m = c.currentPrimary(), let master = c.server(m), !master.isReplica else { return false }
        let digest = master.keyspace.digest()
        for s in c.servers where s != m {
            guard let node = c.server(s) else { return false }
            guard node.masterLink?.node == m, node.masterLink?.state == .connected else { return false }
            if node.keyspace.digest() != digest { return false }
        }
        return true
    }

    /// Totals of a campaign for one preset.
    public struct Summary: Sendable, CustomStringConvertible {
        public var preset: RedisPreset
        public var runs = 0
        public var runsLosingWrites = 0
        public var acknowledged = 0
        public var lost = 0
        public var violations = 0
        public var notConverged = 0
        public var noFinalRead = 0
        public var description: String {
            "\(preset.rawValue): \(runs) seeds, \(lost) of \(acknowledged) acknowledged writes lost, \(runsLosingWrites) seeds lost writes, "
                + "\(violations) invariant violations, \(notConverged) not converged, \(noFinalRead) without a final read"
        }
    }

    /// Runs `seeds` under `preset` and adds up the outcomes.
    public static func campaign(seeds: [UInt64], preset: RedisPreset, options: RedisFuzzOptions = RedisFuzzOptions(),
                                each: (RedisFuzzOutcome) -> Void = { _ in }) -> Summary {
        var s = Summary(preset: preset)
        for seed in seeds {
            let o = run(seed: seed, preset: preset, options: options)
            s.runs += 1
            s.acknowledged += o.lostWrites.acknowledged
            s.lost += o.lostWrites.lost.count
            if !o.lostWrites.lost.isEmpty { s.runsLosingWrites += 1 }
            if o.violation != nil { s.violations += 1 }
            if !o.converged { s.notConverged += 1 }
            if !o.lostWrites.hadFinalRead { s.noFinalRead += 1 }
            each(o)
        }
        return s
    }
}
