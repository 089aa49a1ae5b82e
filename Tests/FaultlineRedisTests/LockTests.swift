import Testing
import FaultlineCore
import FaultlineHistory
import FaultlineCheck
@testable import FaultlineRedis

/// FaultlineCheck's exclusivity checker over one lock's history.
func exclusivity(_ history: History) -> CheckResult {
    try! LockExclusivity().check(history)
}

@Suite struct LockTests {
    /// One Redis primary and two lock clients on it.
    func lockRig(seed: UInt64, settings: LockClientSettings) -> (Simulation<RedisMessage>, [NodeID], RedisHistoryLog) {
        let sim = Simulation<RedisMessage>(seed: seed)
        var book = RedisAddressBook()
        book.add(host: "redis-1", port: 6379, node: NodeID(0))
        let b = book
        let server = sim.addNode(name: "redis-1", make: { _ in RedisNode(host: "redis-1", config: RedisConfig(), book: b, dataDir: nil) })
        let log = RedisHistoryLog()
        let clients = (0..<2).map { i in
            sim.addNode(name: "locker-\(i + 1)", make: { _ in LockClient(process: i, server: server, settings: settings, log: log) })
        }
        return (sim, clients, log)
    }

    @Test func lockHoldersTakeTurnsExclusivelyWithoutFaults() {
        // Each hold (5 s) outlasts the lease (3 s): only the watchdog's renewals keep it exclusive.
        var s = LockClientSettings(); s.leaseMs = 3_000; s.holdFor = .seconds(5)
        let (sim, clients, log) = lockRig(seed: 41, settings: s)
        sim.run(until: SimTime.zero + .seconds(60))
        let report = exclusivity(log.history)
        #expect(report.passed == true, "\(report.detail)")
        #expect(try! LockExclusivity().holds(log.history).count > 8)
        #expect(sim.coverage.count("lock.renewal-failed") == 0)
        for c in clients { #expect(sim.actor(c, as: LockClient.self)!.acquisitions > 5, "both get turns") }
    }

    @Test func lockHolderPausedLongerThanItsLeaseOverlapsTheNextHolder() {
        var s = LockClientSettings(); s.leaseMs = 3_000; s.holdFor = .seconds(5)
        let (sim, clients, log) = lockRig(seed: 42, settings: s)
        sim.run(until: SimTime.zero + .seconds(10))
        guard let holder = clients.first(where: { sim.actor($0, as: LockClient.self)!.isHolding }) else {
            Issue.record("someone holds the lock at 10 s"); return
        }
        // A stop-the-world pause (GC) twice the lease: the watchdog cannot renew.
        sim.pause(holder)
        sim.run(for: .seconds(6))
        let other = clients.first { $0 != holder }!
        #expect(sim.actor(other, as: LockClient.self)!.isHolding, "the lease expired and the other client took the lock")
        sim.resume(holder)
        sim.run(for: .seconds(10))
        let report = exclusivity(log.history)
        #expect(report.passed == false, "the checker must catch the overlap")
        let holds = try! LockExclusivity().holds(log.history)
        let overlapping = zip(holds, holds.dropFirst()).filter { $0.1.start < $0.0.end && $0.0.process != $0.1.process }
        #expect(overlapping.count == 1)
        if let (a, b) = overlapping.first {
            #expect(a.process == holder.index - 1, "the paused holder's hold started first")
            #expect(a.end - b.start > 1_000_000_000, "the paused client believed it held for seconds after the other got it")
        }
        // On resume its late timers fire: the renewal or the release finds another token.
        let holderProcess = holder.index - 1
        #expect(log.history.operations.contains { $0.process == holderProcess && $0.f == "release" && $0.type == .fail })
    }

    /// Five independent primaries and two Redlock clients.
    func redlockRig(seed: UInt64) -> (Simulation<RedisMessage>, [NodeID], [NodeID], RedisHistoryLog) {
        let sim = Simulation<RedisMessage>(seed: seed)
        var book = RedisAddressBook()
        for i in 0..<5 { book.add(host: "redis-\(i + 1)", port: 6379, node: NodeID(i)) }
        let b = book
        let servers = (0..<5).map { i in
            sim.addNode(name: "redis-\(i + 1)", make: { _ in RedisNode(host: "redis-\(i + 1)", config: RedisConfig(), book: b, dataDir: nil) })
        }
        let log = RedisHistoryLog()
        var s = RedlockSettings(); s.ttlMs = 5_000; s.holdFor = .seconds(3)
        let clients = (0..<2).map { i in
            sim.addNode(name: "redlock-\(i + 1)", make: { _ in RedlockClient(process: i, servers: servers, settings: s, log: log) })
        }
        return (sim, servers, clients, log)
    }

    @Test func redlockIsExclusiveWhenClocksBehave() {
        let (sim, _, clients, log) = redlockRig(seed: 43)
        sim.run(until: SimTime.zero + .seconds(60))
        let report = exclusivity(log.history)
        #expect(report.passed == true, "\(report.detail)")
        #expect(try! LockExclusivity().holds(log.history).count > 10)
        for c in clients {
            let v = sim.actor(c, as: RedlockClient.self)!.lastValidityMs
            #expect(v > 0 && v <= 5_000 - (5_000 / 100 + 2), "validity = TTL - elapsed - drift")
        }
    }

    @Test func redlockLosesExclusivityWhenAMajorityOfClocksJump() {
        let (sim, servers, clients, log) = redlockRig(seed: 44)
        sim.run(until: SimTime.zero + .seconds(10))
        guard clients.contains(where: { sim.actor($0, as: RedlockClient.self)!.isHolding }) else {
            Issue.record("someone holds the lock at 10 s"); return
        }
        // Kleppmann's objection: three of the five servers step their clocks forward past the
        // TTL (an NTP correction); their keys expire early and a majority is free again.
        for s in servers.prefix(3) { sim.jumpClock(s, by: .seconds(6)) }
        sim.run(for: .seconds(10))
        let report = exclusivity(log.history)
        #expect(report.passed == false, "the checker must catch two holders")
    }
}
