import Testing
import FaultlineCore
import FaultlineHistory
import FaultlineCheck
@testable import FaultlineRedis

/// The Jepsen 2013 story: the primary is partitioned away with one client; the majority
/// side fails over; the network heals and the old primary rejoins as a replica.
/// FaultlineCheck's set checker, list by list: (lost, every list passed).
func sharedSetCheck(_ h: History) -> (lost: Int, passed: Bool) {
    var lost = 0, passed = true
    for key in Set(h.operations.compactMap(\.key)).sorted() {
        let r = try! SetLostWrites().check(History(h.operations.filter { $0.key == key }))
        lost += r.counts.first { $0.name == "lost" }?.value ?? 0
        if r.passed != true { passed = false }
    }
    return (lost, passed)
}

@Suite struct FailoverPartitionTests {
    static let partitionAt = SimTime.zero + .seconds(20)
    static let healAt = SimTime.zero + .seconds(60)

    func runIsolatedPrimary(_ preset: RedisPreset, seed: UInt64) -> (RedisCluster, LostWritesReport) {
        let c = RedisCluster(seed: seed, settings: storySettings(preset))
        c.addStandardInvariants()
        c.sim.run(until: Self.partitionAt)
        let side = c.isolatePrimary(withClients: [0])
        #expect(side == [c.servers[0], c.clients[0]])
        c.sim.run(until: Self.healAt)
        #expect(c.sim.violation == nil)
        // While cut off, the majority promoted a replica.
        for s in c.sentinels { #expect(c.sentinel(s)!.currentMasterNode != c.servers[0]) }
        c.healAndRead()
        #expect(c.sim.violation == nil)
        return (c, c.lostWrites())
    }

    /// Acknowledged writes of the isolated client, by true time of acknowledgement.
    func acknowledgementTimes(_ history: History, of values: [Int64]) -> [Int64] {
        history.operations.filter { $0.f == "add" && $0.type == .ok && values.contains($0.value.intValue ?? -1) }.map(\.time)
    }

    @Test func isolatedPrimaryWithClientsLosesAcknowledgedWritesUnderAsync() {
        let (c, report) = runIsolatedPrimary(.async, seed: 21)
        #expect(report.hadFinalRead)
        #expect(!report.valid, "the checker must report the loss")
        let shared = sharedSetCheck(c.history)
        #expect(!shared.passed && shared.lost == report.lost.count, "FaultlineCheck's set checker agrees")
        // Client 1 kept writing to the isolated primary for the whole partition (40 s,
        // a write per ~100 ms): hundreds of acknowledged writes, all gone.
        #expect(report.lost.count > 200)
        #expect(report.lost.allSatisfy { $0 / 1_000_000 == 0 }, "only the isolated client's writes are lost")
        let times = acknowledgementTimes(c.history, of: report.lost)
        #expect(times.allSatisfy { $0 >= Self.partitionAt.nanoseconds && $0 <= Self.healAt.nanoseconds + 1_000_000_000 })
        #expect(c.sim.coverage.count("sentinel.convert-to-slave") >= 1, "the old primary rejoined as a replica")
        // It had written past the point where the new master's history forked
        // (second_repl_offset), so its PSYNC was refused and it copied the new dataset.
        #expect(c.sim.coverage.count("redis.psync-refused") >= 1)
    }

    @Test func minReplicasStopsWritesWithinMaxLagAndLosesAtMostThatWindow() {
        let (c, report) = runIsolatedPrimary(.minReplicas, seed: 21)
        #expect(report.hadFinalRead)
        #expect(report.lost.count > 0, "the window before min-replicas-max-lag runs out is still lost")
        let times = acknowledgementTimes(c.history, of: report.lost)
        // min-replicas-max-lag is 10 s, compared in whole seconds, refreshed every second.
        let windowEnd = Self.partitionAt.nanoseconds + 12_000_000_000
        #expect(times.allSatisfy { $0 < windowEnd })
        #expect(report.lost.count < 130, "about 10 s of one client's writes at most")
        #expect(sharedSetCheck(c.history).lost == report.lost.count)
        // After the window the isolated primary answers -NOREPLICAS: failed, never lost.
        let refused = c.history.operations.filter { $0.f == "add" && $0.type == .fail && $0.process == 0 && $0.time < Self.healAt.nanoseconds }
        #expect(refused.count > 100)
        #expect(c.sim.coverage.count("redis.noreplicas") > 100)
    }

    @Test func waitPresetLosesNoWaitConfirmedWritesWhenOnlyThePrimaryIsCutOff() {
        let (c, report) = runIsolatedPrimary(.wait, seed: 21)
        #expect(report.hadFinalRead)
        // WAIT 1 never succeeds on the isolated primary (its replicas are on the other side):
        // its writes end `info`, not `ok`, so none of the acknowledged ones is lost here.
        #expect(report.lost.isEmpty)
        #expect(sharedSetCheck(c.history).passed)
        #expect(report.indeterminateLost > 0)
        #expect(report.acknowledged > 100)
    }

    @Test func lostWritesCheckReportsMissingAcknowledgedAddsPerList() {
        func op(_ p: Int, _ t: OpType, _ f: String, _ key: String, _ v: Value, _ time: Int64) -> Operation {
            Operation(process: p, type: t, f: f, key: key, value: v, time: time)
        }
        var ops: [Operation] = []
        ops += [op(0, .invoke, "add", "a", 1, 0), op(0, .ok, "add", "a", 1, 1)]
        ops += [op(1, .invoke, "add", "b", 2, 2), op(1, .ok, "add", "b", 2, 3)]
        ops += [op(0, .invoke, "add", "a", 3, 4), op(0, .fail, "add", "a", 3, 5)]
        ops += [op(1, .invoke, "add", "b", 4, 6), op(1, .info, "add", "b", 4, 7)]
        let reads = [op(2, .invoke, "read", "a", .null, 8), op(2, .ok, "read", "a", [1], 9),
                     op(2, .invoke, "read", "b", .null, 10), op(2, .ok, "read", "b", [2, 4], 11)]
        let good = LostWrites.check(History(ops + reads))
        #expect(good.valid && good.acknowledged == 2 && good.indeterminateSurvived == 1)
        let lossy = LostWrites.check(History(ops + [reads[0], reads[1], reads[2], op(2, .ok, "read", "b", [4], 11)]))
        #expect(!lossy.valid && lossy.lost == [2])
        let noRead = LostWrites.check(History(ops + [reads[0], reads[1]]))
        #expect(!noRead.hadFinalRead && !noRead.valid, "list b was never read back: nothing can be concluded")
        let phantom = LostWrites.check(History(ops + [reads[0], op(2, .ok, "read", "a", [1, 3], 9), reads[2], reads[3]]))
        #expect(phantom.failedButPresent == [3])
    }
}
