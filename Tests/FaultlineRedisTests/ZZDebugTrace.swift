import Testing
import FaultlineCore
@testable import FaultlineRedis

final class NoteSink: TraceSink {
    var lines: [String] = []
    func record(_ line: TraceLine) { if line.kind == .note || line.kind == .crash || line.kind == .restart || line.kind == .control { lines.append("\(line.time) \(line.node) \(line.detail)") } }
}

@Test func zzDebugFailoverTrace() {
    var settings = storySettings()
    settings.replicaPriorities = [100, 50]
    let c = RedisCluster(seed: 11, settings: settings)
    let sink = NoteSink()
    c.sim.sink = sink
    c.sim.run(until: SimTime.zero + .seconds(30))
    c.sim.crash(c.servers[0])
    c.sim.run(for: .seconds(30))
    c.sim.restart(c.servers[0])
    c.sim.run(for: .seconds(30))
    print(sink.lines.filter { !$0.contains("sentinel ") || true }.joined(separator: "\n"))
}

@Test func zzDebugPartitionReports() {
    for preset in RedisPreset.allCases {
        let c = RedisCluster(seed: 21, settings: storySettings(preset))
        c.sim.run(until: SimTime.zero + .seconds(20))
        c.isolatePrimary(withClients: [0])
        c.sim.run(until: SimTime.zero + .seconds(60))
        c.healAndRead()
        print(preset, c.lostWrites(), c.sim.now, c.sim.eventCount)
    }
}

@Test func zzDebugNoWatchdog() {
    var s = LockClientSettings(); s.leaseMs = 3_000; s.holdFor = .seconds(5); s.watchdog = false
    let t = LockTests()
    let (sim, _, log) = t.lockRig(seed: 41, settings: s)
    sim.run(until: SimTime.zero + .seconds(60))
    print("NOWATCHDOG", LockExclusivity.check(log.history, key: "lock"))
}
