import FaultlineCore
import FaultlineStorage
import FaultlineHistory

/// What one fuzz run does: the ensemble, the workload, the faults and the two phases.
public struct ZooKeeperFuzzOptions: Sendable {
    public var servers = 5
    public var clients = 4
    public var settings: ZooKeeperSettings = .fastTicks
    public var sessionTimeout: SimDuration = .seconds(4)
    /// Safety phase: faults on, the workload running, invariants after every event.
    public var safetyDuration: SimDuration = .seconds(40)
    /// Liveness phase: everything healed and restarted; the ensemble must converge within it.
    /// Longer than twice maxNotificationInterval (60 s): a peer that was cut off long enough
    /// re-sends its notifications only that often, as the real FastLeaderElection does, and
    /// the first re-send after healing may die on the socket the partition broke.
    public var livenessDuration: SimDuration = .seconds(150)
    /// Time between two fault decisions (drawn uniformly).
    public var faultInterval: ClosedRange<SimDuration> = .milliseconds(500)...(.seconds(3))
    public var crashes = true
    public var partitions = true
    public var pauses = true
    public var clockSkew = true
    /// At most this many servers down (crashed or paused) at once.
    public var downMax = 2
    /// Disk faults on every server (none by default: crashes then only lose unsynced data).
    public var diskFaults: SimDisk.Faults = .none
    public init() {}
}

/// The outcome of one fuzz run. `violation` is an invariant that failed during the run;
/// `livenessFailure` says what did not converge after healing. The history is for the
/// linearizability checker (`cas-register`, per key), which the caller runs.
public struct ZooKeeperFuzzResult: Sendable {
    public var seed: UInt64
    public var violation: InvariantViolation?
    public var livenessFailure: String?
    public var history: History
    public var faults: [String]
    public var leaderCrashes: Int
    public var electionTicksAfterLeaderCrash: [Int64]
    public var electionTimesAfterLeaderCrash: [SimDuration]
    public var epochsEstablished: Int
    public var committedTxns: Int
    public var casOK: Int
    public var events: UInt64
    public var traceHash: UInt64
    public var passed: Bool { violation == nil && livenessFailure == nil }
}

/// Random partitions, crashes, pauses and clock skew against an ensemble with a cas
/// workload, as a function of the seed: the same seed gives the same run and trace hash.
public enum ZooKeeperFuzz {
    public static func run(seed: UInt64, options o: ZooKeeperFuzzOptions = ZooKeeperFuzzOptions(),
                           sink: TraceSink? = nil, livenessSink: TraceSink? = nil) -> ZooKeeperFuzzResult {
        runKeepingEnsemble(seed: seed, options: o, sink: sink, livenessSink: livenessSink).result
    }

    /// The same run, also returning the ensemble as it ended (to inspect a failure).
    public static func debugRun(seed: UInt64, options o: ZooKeeperFuzzOptions = ZooKeeperFuzzOptions()) -> ZooKeeperEnsemble {
        runKeepingEnsemble(seed: seed, options: o, sink: nil, livenessSink: nil).ensemble
    }

    static func runKeepingEnsemble(seed: UInt64, options o: ZooKeeperFuzzOptions, sink: TraceSink?,
                                   livenessSink: TraceSink?) -> (result: ZooKeeperFuzzResult, ensemble: ZooKeeperEnsemble) {
        let zk = ZooKeeperEnsemble(seed: seed, servers: o.servers, settings: o.settings, diskFaults: o.diskFaults)
        zk.sim.sink = sink
        let stop = SimTime.zero + o.safetyDuration
        var workloads: [RegisterWorkload] = []
        for i in 0..<o.clients {
            let w = RegisterWorkload(creates: i == 0, stopAt: stop)
            workloads.append(w)
            zk.addClient(sessionTimeout: o.sessionTimeout) { w }
        }
        var faults: [String] = []
        var leaderCrashes = 0
        var paused: [NodeID] = []
        func log(_ s: String) { faults.append("\(zk.sim.now) \(s)") }

        zk.sim.start()
        while zk.sim.now < stop && zk.violation == nil {
            let d = zk.sim.faultRandom.duration(in: o.faultInterval)
            zk.run(for: d)
            if zk.violation != nil { break }
            let down = zk.servers.filter { zk.sim.status(of: $0) != .up }
            let choice = zk.sim.faultRandom.index(9)
            switch choice {
            case 0 where o.crashes && down.count < o.downMax:
                if let l = zk.leader { leaderCrashes += 1; zk.crash(.leader); log("crash leader \(zk.sim.name(of: l))") }
            case 1 where o.crashes && down.count < o.downMax:
                let n = zk.sim.faultRandom.element(of: zk.servers)!
                if zk.sim.status(of: n) == .up {
                    if n == zk.leader { leaderCrashes += 1 }
                    _ = zk.crash(.server(myid: Int64(n.index + 1))); log("crash \(zk.sim.name(of: n))")
                }
            case 2:
                for n in zk.servers where zk.sim.status(of: n) == .crashed { zk.restart(n); log("restart \(zk.sim.name(of: n))") }
            case 3 where o.partitions:
                if zk.partitionLeaderIntoMinority() != nil { log("leader into minority") }
            case 4 where o.partitions:
                let n = zk.sim.faultRandom.element(of: zk.servers)!
                zk.sim.isolate(n); log("isolate \(zk.sim.name(of: n))")
            case 5 where o.partitions:
                zk.heal(); log("heal")
            case 6 where o.pauses && down.count < o.downMax:
                let n = zk.sim.faultRandom.element(of: zk.servers)!
                if zk.sim.status(of: n) == .up {
                    zk.sim.pause(n); paused.append(n); log("pause \(zk.sim.name(of: n))")
                    let resumeAt = zk.sim.now + zk.sim.faultRandom.duration(in: .milliseconds(200)...(.seconds(4)))
                    zk.sim.schedule(at: resumeAt, "resume") { sim in sim.resume(n) }
                }
            case 7 where o.clockSkew:
                let n = zk.sim.faultRandom.element(of: zk.servers)!
                let ms = zk.sim.faultRandom.int(in: -1500...1500)
                zk.sim.jumpClock(n, by: .milliseconds(ms)); log("clock jump \(zk.sim.name(of: n)) \(ms)ms")
            case 8 where o.clockSkew:
                let n = zk.sim.faultRandom.element(of: zk.servers)!
                let ppm = zk.sim.faultRandom.int(in: -20_000...20_000)
                zk.sim.setClockDrift(n, ppm: ppm); log("drift \(zk.sim.name(of: n)) \(ppm)ppm")
            default:
                break
            }
        }

        var liveness: String?
        if zk.violation == nil {
            zk.heal()
            zk.resumeAll()
            zk.restartAll()
            for n in zk.servers { zk.sim.setClockDrift(n, ppm: 0) }
            log("liveness: heal, resume, restart")
            if let l = livenessSink { zk.sim.sink = l }
            let converged = zk.run(until: { z in
                z.leader != nil && z.servers.allSatisfy { z.peer($0)?.isServing == true } && z.serversAgree
            }, timeout: o.livenessDuration)
            if zk.violation == nil && !converged {
                let states = zk.servers.map { n in zk.peer(n).map { "\($0.myid):\($0.state)\($0.isServing ? "*" : "")" } ?? "down" }
                liveness = "no convergence within \(o.livenessDuration): \(states.joined(separator: " "))"
            }
        }
        return (ZooKeeperFuzzResult(
            seed: seed, violation: zk.violation, livenessFailure: liveness, history: zk.history, faults: faults,
            leaderCrashes: leaderCrashes, electionTicksAfterLeaderCrash: zk.electionTicksAfterLeaderCrash,
            electionTimesAfterLeaderCrash: zk.electionTimesAfterLeaderCrash,
            epochsEstablished: zk.invariants.leaderOfEpoch.count, committedTxns: zk.invariants.committed.count,
            casOK: workloads.reduce(0) { $0 + $1.casOK }, events: zk.sim.eventCount, traceHash: zk.sim.traceHash), zk)
    }
}

extension ZooKeeperFuzz {
    /// One clean leader failover: a 5-server ensemble (by default) under the cas workload
    /// runs until settled, the leader crashes at a random moment, and the result is the time
    /// until a quorum serves under a new established leader, in ticks (rounded up) and as a
    /// duration. nil if no new leader came within `timeout`.
    /// With `isolate` the leader is cut off instead (silence, not a closed connection): the
    /// followers notice only after syncLimit ticks without a packet.
    public static func electionAfterLeaderCrash(seed: UInt64, servers: Int = 5,
                                                settings: ZooKeeperSettings = .fastTicks, isolate: Bool = false,
                                                timeout: SimDuration = .seconds(120)) -> (ticks: Int64, time: SimDuration)? {
        let zk = ZooKeeperEnsemble(seed: seed, servers: servers, settings: settings)
        for i in 0..<3 { let w = RegisterWorkload(creates: i == 0); zk.addClient(sessionTimeout: .seconds(4)) { w } }
        guard zk.waitForLeader(timeout: .seconds(60)) != nil else { return nil }
        zk.run(for: zk.sim.faultRandom.duration(in: .seconds(2)...(.seconds(6))))
        guard let old = isolate ? zk.isolate(.leader) : zk.crash(.leader) else { return nil }
        let crashedAt = zk.sim.now
        guard zk.run(until: { z in z.leader != nil && z.leader != old }, timeout: timeout) else { return nil }
        let d = zk.sim.now - crashedAt
        let tick = settings.tickTime.nanoseconds
        return ((d.nanoseconds + tick - 1) / tick, d)
    }
}
