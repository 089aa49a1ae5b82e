import Foundation
import FaultlineCore
import FaultlineHistory

/// Options of one run that do not change what happens in it (only what is kept).
public struct RunOptions {
    /// Receives every trace line (a `--trace` file).
    public var trace: TraceSink?
    /// Sample each node's role for the report's lanes (an observer; the run is unchanged).
    public var sampleRoles = false
    /// Mirror each node's simulated disk onto real files under DIR/<node>/ (adapters that
    /// keep a disk). The run itself is unchanged: same events, same trace hash.
    public var dataDirectory: String?
    /// How often the run reports its rolling hash to the sinks (1: after every event, for
    /// event digests).
    public var checkpointInterval: UInt64 = 1_000
    /// Which of those reports the result keeps, as a multiple of events (nil: all of them).
    /// A digest run reports every event but keeps the failure file's 1,000-event windows,
    /// so it does not hold a checkpoint per event in memory.
    public var keepCheckpointsEvery: UInt64?
    public init() {}
}

/// Runs a scenario: build the cluster, apply the fault schedule during the safety phase,
/// then heal everything and require convergence, then judge the run with the checks.
public enum ScenarioRunner {
    /// How often liveness looks for convergence.
    public static let convergencePoll = SimDuration.milliseconds(100)
    /// Role samples are taken at most this often.
    public static let roleSampleInterval = SimDuration.milliseconds(20)

    /// The faults a seed runs with: the scenario's own, plus its nemesis's draw.
    public static func faults(for scenario: Scenario, adapter: any SystemAdapter, world: any SimulationWorld) -> [FaultSpec] {
        var faults = scenario.faults
        if let n = scenario.nemesis {
            faults += Nemesis.schedule(n, safetyPhase: scenario.workload.duration, mainRole: adapter.mainRole,
                                       diskFaults: adapter.diskFaults, random: world.faultRandom)
        }
        return faults
    }

    public static func run(_ scenario: Scenario, seed: UInt64? = nil, options: RunOptions = RunOptions()) throws -> RunResult {
        guard let adapter = SystemRegistry.adapter(named: scenario.system) else {
            throw ScenarioError(file: scenario.name, path: "system", "unknown system \"\(scenario.system)\"; systems: " + SystemRegistry.names.joined(separator: ", "))
        }
        let seed = seed ?? scenario.seed
        let files = try options.dataDirectory.map(DataDirectory.prepare)
        let (result, wall) = try BenchClock.measure { () throws -> RunResult in
            let cluster = try adapter.makeCluster(scenario, seed: seed, dataDirectory: files)
            return runCluster(cluster, scenario: scenario, adapter: adapter, seed: seed, options: options)
        }
        files?.finish()
        if let problem = files?.problem { throw UsageError("--data-dir: \(problem)") }
        var r = result
        r.wallSeconds = wall
        return r
    }

    static func runCluster(_ cluster: any SimulatedCluster, scenario: Scenario, adapter: any SystemAdapter,
                           seed: UInt64, options: RunOptions) -> RunResult {
        let world = cluster.world
        let checkpoints = CheckpointRecorder()
        let kept: TraceSink = options.keepCheckpointsEvery.map { EveryNthCheckpoint(checkpoints, every: $0) } ?? checkpoints
        world.checkpointInterval = options.checkpointInterval
        world.sink = options.trace.map { TeeSink([kept, $0]) } ?? kept
        let schedule = faults(for: scenario, adapter: adapter, world: world)
        let scheduler = FaultScheduler(cluster: cluster, faults: schedule)
        scheduler.install()
        let roles: RoleSampleBox? = options.sampleRoles ? RoleSampleBox() : nil
        if let roles {
            var next = SimTime.zero
            world.observeEveryEvent { [unowned cluster, unowned world] in
                guard world.now >= next else { return }
                next = world.now + roleSampleInterval
                roles.take(cluster)
            }
        }

        let safetyEnd = SimTime.zero + scenario.workload.duration
        world.run(until: safetyEnd)
        cluster.stopWorkload()
        var convergedAfter: SimDuration?
        var convergenceDetail = world.violation.map { "liveness phase not run: the run stopped at the first violation of \($0.invariant)" }
            ?? "liveness phase not run (liveness is off)"
        if world.violation == nil && scenario.liveness.enabled {
            let start = world.now
            scheduler.endAll()
            cluster.beginLiveness()
            let deadline = start + scenario.liveness.within
            var waiting = cluster.convergence()
            while let _ = waiting, world.violation == nil, world.now < deadline {
                world.run(until: min(deadline, world.now + convergencePoll))
                waiting = cluster.convergence()
            }
            if waiting == nil && world.violation == nil {
                convergedAfter = world.now - start
                convergenceDetail = "converged \(convergedAfter!) after healing (bound \(scenario.liveness.within))"
            } else {
                convergenceDetail = "did not converge within \(scenario.liveness.within) of healing: " + (waiting ?? "stopped by a violation")
            }
        } else if !scenario.liveness.enabled {
            scheduler.endAll()
        }
        roles?.take(cluster)

        let verdicts = judge(cluster, scenario: scenario, adapter: adapter, convergedAfter: convergedAfter, convergenceDetail: convergenceDetail)
        return RunResult(
            scenario: scenario.name, system: scenario.system, preset: scenario.preset, seed: seed,
            traceHash: world.traceHash, events: world.eventCount, simulatedTime: world.now.sinceStart, wallSeconds: 0,
            history: cluster.history, checks: verdicts, faults: scheduler.realised,
            schedule: schedule.indices.map { i in scheduler.realised.first { $0.index == i }?.spec ?? schedule[i] },
            checkpoints: checkpoints.checkpoints.map { .init(events: $0.events, hash: $0.hash) },
            checkpointInterval: options.keepCheckpointsEvery ?? world.checkpointInterval, coverage: world.coverage, safetyEnd: safetyEnd,
            convergedAfter: convergedAfter, nodeNames: cluster.servers.map(world.name(of:)), nodeStates: cluster.nodeStates(),
            roleSamples: roles?.samples ?? [])
    }

    static func judge(_ cluster: any SimulatedCluster, scenario: Scenario, adapter: any SystemAdapter,
                      convergedAfter: SimDuration?, convergenceDetail: String) -> [RunResult.Verdict] {
        let world = cluster.world
        var names = scenario.checks.isEmpty ? adapter.defaultChecks : scenario.checks
        if scenario.liveness.enabled && !names.contains("convergence") { names.append("convergence") }
        for e in scenario.expect where !names.contains(e.check) { names.append(e.check) }
        return names.map { name in
            var result: CheckResult
            var time: SimTime?
            if name == "convergence" {
                result = CheckResult(name: name, passed: convergedAfter != nil, detail: convergenceDetail)
            } else if let v = world.violation, v.invariant == name {
                // An invariant observed at every step stopped the run at the first breach.
                result = CheckResult(name: name, passed: false, detail: "\(v.message) (at \(v.time), after event #\(v.eventIndex): \(v.event))")
                time = v.time
            } else if !adapter.checks.contains(where: { $0.name == name }), let generic = HistoryCheck(name: name) {
                // A FaultlineCheck checker over the clients' history, whatever the system.
                do { result = try generic.run(cluster.history) } catch {
                    result = CheckResult(name: name, passed: nil, detail: "the history does not fit \(name): \(error)")
                }
                result.name = name
                if result.passed == false, let first = result.evidence.first { time = SimTime(nanoseconds: first.time) }
            } else {
                result = cluster.check(name)
                result.name = name
                if result.passed == false, let first = result.evidence.first { time = SimTime(nanoseconds: first.time) }
            }
            return RunResult.Verdict(result: result, expected: scenario.expected(name), time: time)
        }
    }

}

/// Role samples gathered by an observer, deduplicated: a sample is kept only when a node's
/// role changed.
final class RoleSampleBox {
    var samples: [(time: SimTime, node: String, role: String)] = []
    var last: [String] = []

    func take(_ cluster: any SimulatedCluster) {
        let w = cluster.world
        let servers = cluster.servers
        if last.count != servers.count { last = Array(repeating: "", count: servers.count) }
        for (k, n) in servers.enumerated() {
            let role = w.status(of: n) == .crashed ? "crashed" : w.status(of: n) == .paused ? "paused" : cluster.roleLabel(of: n)
            if role != last[k] {
                last[k] = role
                samples.append((w.now, w.name(of: n), role))
            }
        }
    }
}

/// Passes on only the checkpoints at multiples of `every` events.
final class EveryNthCheckpoint: TraceSink {
    let inner: TraceSink
    let every: UInt64
    init(_ inner: TraceSink, every: UInt64) { precondition(every > 0); self.inner = inner; self.every = every }
    var wantsLines: Bool { false }
    func record(_ line: TraceLine) {}
    func checkpoint(events: UInt64, hash: UInt64) { if events % every == 0 { inner.checkpoint(events: events, hash: hash) } }
}

/// Sends trace lines and checkpoints to several sinks.
final class TeeSink: TraceSink {
    let sinks: [TraceSink]
    init(_ sinks: [TraceSink]) { self.sinks = sinks }
    var wantsLines: Bool { sinks.contains { $0.wantsLines } }
    func record(_ line: TraceLine) { for s in sinks where s.wantsLines { s.record(line) } }
    func checkpoint(events: UInt64, hash: UInt64) { for s in sinks { s.checkpoint(events: events, hash: hash) } }
}
