import Testing
import FaultlineHistory
@testable import FaultlineCheck

@Suite struct InvariantTests {
    @Test func acknowledgedAddMissingFromTheFinalReadIsLost() throws {
        var b = HistoryBuilder()
        b.op(0, "add", 1); b.op(1, "add", 2)
        b.invoke(2, "add", 3); b.info(2, "add", 3)            // indeterminate, turns up: recovered
        b.op(0, "read", returns: [1, 3])
        let r = try SetLostWrites().check(b.history)
        #expect(r.passed == false)
        #expect(r.count("lost") == 1 && r.count("recovered") == 1 && r.count("unexpected") == 0)
        #expect(r.evidence.contains { $0.f == "add" && $0.value == 2 })
        #expect(r.detail.contains("Lost"))
    }

    @Test func everyAcknowledgedAddReadBackPasses() throws {
        var b = HistoryBuilder()
        b.op(0, "add", 1); b.op(1, "add", 2)
        b.invoke(1, "add", 3)                                 // still running when the read starts
        b.invoke(0, "read"); b.ok(1, "add", 3); b.ok(0, "read", [2, 1])
        let r = try SetLostWrites().check(b.history)
        #expect(r.passed == true)
        #expect(r.count("concurrent-with-read") == 1)
    }

    @Test func queueCountsLostDuplicatedUnexpectedAndReordered() throws {
        var b = HistoryBuilder()
        b.op(0, "enqueue", 1); b.op(0, "enqueue", 2); b.op(0, "enqueue", 3); b.op(0, "enqueue", 4)
        b.op(1, "dequeue", returns: 2)                        // 2 before 1: out of order
        b.op(1, "dequeue", returns: 1)
        b.op(1, "dequeue", returns: 2)                        // twice
        b.op(1, "dequeue", returns: 9)                        // never enqueued
        b.op(1, "drain", returns: [])                         // 3 and 4 never delivered
        let r = try QueueDelivery().check(b.history)
        #expect(r.passed == false)
        #expect(r.count("lost") == 2 && r.count("duplicated") == 1 && r.count("unexpected") == 1)
        #expect(r.count("out-of-order") == 1)
        let atLeastOnce = try QueueDelivery(fifo: false, duplicatesAllowed: true).check(b.history)
        #expect(atLeastOnce.count("out-of-order") == 0 && atLeastOnce.passed == false)   // still lost and unexpected
    }

    @Test func concurrentEnqueuesMayBeDeliveredInEitherOrder() throws {
        var b = HistoryBuilder()
        b.invoke(0, "enqueue", 1); b.invoke(1, "enqueue", 2); b.ok(1, "enqueue", 2); b.ok(0, "enqueue", 1)
        b.op(2, "dequeue", returns: 2); b.op(2, "dequeue", returns: 1); b.op(2, "dequeue", returns: nil as Value?)
        let r = try QueueDelivery().check(b.history)
        #expect(r.passed == true, "\(r)")
    }

    @Test func readOfAnOverwrittenValueIsStale() throws {
        var b = HistoryBuilder()
        b.op(0, "write", 1); b.op(0, "write", 2)
        b.op(1, "read", returns: 1)                          // 2 was acknowledged before this read began
        let r = try StaleReads().check(b.history)
        #expect(r.passed == false && r.count("stale") == 1)
        #expect(r.evidence.contains { $0.type == .ok && $0.f == "read" })
    }

    @Test func readConcurrentWithTheOverwriteIsNotStale() throws {
        var b = HistoryBuilder()
        b.op(0, "write", 1)
        b.invoke(0, "write", 2); b.invoke(1, "read"); b.ok(1, "read", 1); b.ok(0, "write", 2)
        b.op(1, "read", returns: 2)
        b.op(2, "get", returns: nil as Value?, key: "other")  // initial value of an untouched key
        #expect(try StaleReads().check(b.history).passed == true)
        var c = HistoryBuilder()
        c.op(0, "put", 5, key: "k"); c.op(1, "get", returns: nil as Value?, key: "k")
        #expect(try StaleReads().check(c.history).passed == false, "nil after an acknowledged put is stale")
    }

    @Test func pausedHolderOverlapsTheNextHolder() throws {
        var b = HistoryBuilder()
        b.op(0, "acquire", key: "lock")
        b.op(1, "acquire", key: "lock")                      // the lease ran out while p0 was paused
        b.op(0, "release", key: "lock")
        b.op(1, "release", key: "lock")
        let r = try LockExclusivity().check(b.history)
        #expect(r.passed == false && r.count("overlaps") == 1)
        #expect(r.detail.contains("process 0 held it"))
    }

    @Test func handOverAfterReleaseIsExclusive() throws {
        var b = HistoryBuilder()
        b.op(0, "acquire"); b.op(0, "release"); b.op(1, "acquire")
        b.invoke(2, "acquire"); b.fail(2, "acquire")
        b.invoke(3, "acquire"); b.info(3, "acquire")         // never learned it held the lock
        #expect(try LockExclusivity().check(b.history).passed == true)
    }

    @Test func sessionThatReadsAnOlderVersionAgainIsNotMonotonic() throws {
        var b = HistoryBuilder()
        b.op(0, "read", returns: 3); b.op(1, "read", returns: 1); b.op(0, "read", returns: 2)
        let r = try MonotonicReads().check(b.history)
        #expect(r.passed == false && r.count("regressions") == 1)
        var c = HistoryBuilder()
        c.op(0, "read", returns: 1); c.op(1, "read", returns: 3); c.op(0, "read", returns: 2); c.op(1, "read", returns: 3)
        #expect(try MonotonicReads().check(c.history).passed == true, "another session's newer read does not bind this one")
    }
}

@Suite struct ReplicaInvariantTests {
    @Test func twoLeadersInOneEpochViolateElectionSafety() {
        typealias O = ElectionSafety.Observation
        let ok = [O(time: 1, epoch: 1, node: "n1"), O(time: 5, epoch: 1, node: "n1"), O(time: 9, epoch: 2, node: "n2")]
        #expect(ElectionSafety().check(ok).passed == true)
        let split = ok + [O(time: 12, epoch: 2, node: "n3")]      // a partitioned old leader re-elected itself
        let r = ElectionSafety().check(split)
        #expect(r.passed == false && r.count("conflicts") == 1)
        #expect(r.detail.contains("Epoch 2: n2 led it from 9ns, and n3 also led it at 12ns"))
    }

    @Test func laggingReplicaAgreesButADivergentOneDoesNot() {
        let agree: [String: [Value]] = ["a": [1, 2, 3], "b": [1, 2], "c": []]
        #expect(CommittedPrefixAgreement().check(agree).passed == true)
        let truncatedAndRewritten: [String: [Value]] = ["a": [1, 2, 3], "b": [1, 4]]
        let r = CommittedPrefixAgreement().check(truncatedAndRewritten)
        #expect(r.passed == false && r.detail.contains("b holds 4 at offset 1, where a holds 2"))
    }
}

@Suite struct HistoryCheckTests {
    @Test func everyNamedCheckParsesBackAndRuns() throws {
        var b = HistoryBuilder()
        b.op(0, "write", 1); b.op(1, "read", returns: 1)
        for name in HistoryCheck.names {
            let check = try #require(HistoryCheck(name: name), "\(name)")
            #expect(check.name == name)
            _ = try? check.run(b.history)
        }
        #expect(HistoryCheck(name: "linearizable:btree") == nil && HistoryCheck(name: "lost") == nil)
        #expect(try HistoryCheck.linearizable(.register).run(b.history).passed == true)
        #expect(try HistoryCheck.staleReads.run(b.history).passed == true)
    }
}
