import Testing
import FaultlineHistory
@testable import FaultlineCheck

@Suite struct LinearizabilityTests {
    @Test func readOfAValueOverwrittenBeforeItBeganHasNoOrderAndIsExplained() throws {
        var b = HistoryBuilder()
        b.op(0, "write", 1)
        b.op(1, "write", 2)
        b.op(2, "read", returns: 1)
        let report = try LinearizabilityChecker(model: RegisterModel()).check(b.history)
        #expect(report.linearizable == false)
        let f = try #require(report.failure)
        #expect(f.prefix.count == 2 && f.state == "register holds 2")
        #expect(f.blocked?.f == "read")
        #expect(f.candidates.count == 1 && f.candidates[0].legal == false)
        let result = report.checkResult
        #expect(result.passed == false && result.name == "linearizable (register)")
        #expect(result.detail.contains("impossible: read -> 1 while register holds 2"), "\(result.detail)")
        #expect(result.evidence.map(\.index) == [4, 5])
    }

    @Test func concurrentWriteMayTakeEffectBeforeTheRead() throws {
        var b = HistoryBuilder()
        b.op(0, "write", 1)
        b.invoke(1, "write", 2); b.op(2, "read", returns: 2); b.op(2, "read", returns: 2); b.ok(1, "write", 2)
        let report = try LinearizabilityChecker(model: RegisterModel()).check(b.history)
        #expect(report.linearizable == true)
        #expect(report.partitions[0].linearization == [0, 2, 3, 5])
    }

    @Test func indeterminateWriteMayHappenLateOrNever() throws {
        var b = HistoryBuilder()
        b.op(0, "write", 1)
        b.invoke(1, "write", 2); b.info(1, "write", 2)         // timed out
        b.op(2, "read", returns: 1)                           // not yet
        b.op(2, "read", returns: 2)                           // now
        #expect(try NamedModel.register.check(b.history).linearizable == true)
        var c = b
        c.op(2, "read", returns: 1)                           // and back: impossible
        #expect(try NamedModel.register.check(c.history).linearizable == false)
    }

    @Test func failedCASReadingDecidesWhetherAFailMeansTheComparisonFailed() throws {
        var b = HistoryBuilder()
        b.op(0, "write", 1)
        b.invoke(1, "cas", [1, 2]); b.fail(1, "cas", [1, 2])   // the register held 1: cannot have failed to compare
        #expect(try LinearizabilityChecker(model: CASRegisterModel()).check(b.history).linearizable == false)
        #expect(try LinearizabilityChecker(model: CASRegisterModel(failedCAS: .didNotHappen)).check(b.history).linearizable == true)
    }

    @Test func keysAreCheckedApartAndTheFailingKeyIsNamed() throws {
        var b = HistoryBuilder()
        b.op(0, "put", "a", key: "x"); b.op(1, "put", "b", key: "y")
        b.op(2, "get", returns: "a", key: "x"); b.op(2, "get", returns: "a", key: "y")
        let report = try NamedModel.kv.check(b.history)
        #expect(report.linearizable == false)
        #expect(report.partitions.map(\.key) == ["x", "y"])
        #expect(report.failure?.key == "y")
    }

    @Test func stepBudgetAnswersUnknownNotWrong() throws {
        let h = try CorpusData.load("jepsen/etcd_002.log")
        let report = try LinearizabilityChecker(model: CASRegisterModel(), budget: SearchBudget(stepsMax: 100)).check(pairs: h.pairs)
        #expect(report.linearizable == nil)
        #expect(report.checkResult.passed == nil && report.checkResult.detail.contains("step budget of 100"))
    }

    @Test func unknownOperationForTheModelIsAnErrorNamingIt() {
        var b = HistoryBuilder()
        b.op(0, "cas", [1, 2])
        #expect(throws: HistoryError.self) { try NamedModel.register.check(b.history) }
        do { _ = try NamedModel.register.check(b.history) } catch {
            #expect(error.operationIndex == 0 && error.message.contains("has no operation :cas"))
        }
    }

    @Test func queueModelRejectsDeliveryOutOfFIFOOrder() throws {
        var b = HistoryBuilder()
        b.op(0, "enqueue", 1); b.op(0, "enqueue", 2); b.op(1, "dequeue", returns: 2)
        #expect(try NamedModel.queue.check(b.history).linearizable == false)
        var c = HistoryBuilder()
        c.op(0, "enqueue", 1); c.op(1, "dequeue", returns: 1); c.invoke(1, "dequeue"); c.ok(1, "dequeue", .null)
        #expect(try NamedModel.queue.check(c.history).linearizable == true)
    }

    @Test func setReadMustHoldExactlyTheAddsBeforeIt() throws {
        var b = HistoryBuilder()
        b.op(0, "add", 1); b.op(1, "read", returns: [])
        #expect(try NamedModel.set.check(b.history).linearizable == false)
        var c = HistoryBuilder()
        c.invoke(0, "add", 1); c.op(1, "read", returns: [1]); c.info(0, "add", 1)
        #expect(try NamedModel.set.check(c.history).linearizable == true)
    }

    @Test func mutexHeldTwiceHasNoOrder() throws {
        var b = HistoryBuilder()
        b.op(0, "acquire"); b.op(1, "acquire")
        #expect(try NamedModel.mutex.check(b.history).linearizable == false)
    }

    /// A user's own model: a counter with :incr and :read.
    struct Counter: LinearizabilityModel {
        var name: String { "counter" }
        var initialState: Int64 { 0 }
        func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<Int64?, Int64> {
            switch (pair.f, pair.outcome) {
            case ("incr", .ok): return .required(nil, 0)
            case ("incr", .fail): return .omitted
            case ("incr", _): return .optional(nil, 0)
            case ("read", .ok): return .required(pair.completion!.value.intValue!, 0)
            default: return .omitted
            }
        }
        func step(_ state: Int64, _ input: Int64?, _ output: Int64) -> Int64? {
            guard let read = input else { return state + 1 }
            return read == state ? state : nil
        }
        func isReadOnly(_ input: Int64?, _ output: Int64) -> Bool { input != nil }
    }

    @Test func usersCanCheckTheirOwnModel() throws {
        var b = HistoryBuilder()
        b.op(0, "incr"); b.invoke(1, "incr"); b.op(2, "read", returns: 2); b.info(1, "incr")
        #expect(try LinearizabilityChecker(model: Counter()).check(b.history).linearizable == true)
        b.op(2, "read", returns: 1)
        #expect(try LinearizabilityChecker(model: Counter()).check(b.history).linearizable == false)
    }
}
