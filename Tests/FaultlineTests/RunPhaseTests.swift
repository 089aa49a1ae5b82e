import Foundation
import Testing
@testable import Faultline

@Suite struct RunPhaseTests {
    @Test func isolatedAsyncPrimaryLosesAcknowledgedWritesAndTheExpectationHolds() throws {
        let r = try TestSupport.scenario().run()
        let lost = try #require(r.check("lost-writes"))
        #expect(lost.passed == false)
        #expect(lost.detail.contains("acknowledged adds lost"))
        #expect(lost.detail.contains("on n1"), "the first lost write was acknowledged by the isolated primary: \(lost.detail)")
        #expect(lost.evidence.contains { $0.f == "add" && $0.type == .ok && $0.node == "n1" }, "the lost adds are evidence")
        #expect(lost.evidence.last.map { $0.f == "read" && $0.type == .ok } == true, "and the final read that misses them")
        #expect((lost.count("lost") ?? 0) > 0)
        #expect(r.expectationsMet)
        #expect(r.check("convergence")?.passed == true)
    }

    @Test func syncAcksKeepEveryAcknowledgedWriteThroughTheSameIsolation() throws {
        var s = try TestSupport.scenario()
        s.preset = "sync"
        s.expect = []
        let r = try s.run()
        #expect(r.check("lost-writes")?.passed == true, "\(r.check("lost-writes")?.detail ?? "")")
        #expect(r.operationCounts.fail + r.operationCounts.info > 0, "sync pays in availability while isolated")
        #expect(r.expectationsMet)
    }

    @Test func anExpectationThatDoesNotHoldExitsOne() throws {
        let dir = TestSupport.temporaryDirectory("expect")
        let text = TestSupport.isolatedPrimary.replacingOccurrences(of: "\"lost-writes\": \"fail\"", with: "\"lost-writes\": \"pass\"")
        let r = TestSupport.cli(["run", TestSupport.write(text, dir, "s.json")])
        #expect(r.code == ExitCode.checkFailed)
        #expect(r.out.contains("FAIL lost-writes"))
        #expect(r.out.contains("expectation not met: lost-writes"))
    }

    @Test func aLivenessBoundTooShortIsAFindingOfItsOwn() throws {
        var s = try TestSupport.scenario()
        s.faults = [FaultSpec(.crash, at: .seconds(1), target: ["primary"])]
        s.liveness.within = .milliseconds(1)
        s.expect = [("lost-writes", .any)]
        let r = try s.run()
        let c = try #require(r.check("convergence"))
        #expect(c.passed == false)
        #expect(c.detail.contains("did not converge within 1ms"))
        #expect(!r.expectationsMet)
    }

    @Test func runJSONHasTheDocumentedFields() throws {
        let dir = TestSupport.temporaryDirectory("json")
        let path = TestSupport.write(TestSupport.isolatedPrimary, dir, "s.json")
        let r = TestSupport.cli(["run", path, "--json", "--seed", "4", "--history", dir.appendingPathComponent("h.edn").path,
                                 "--trace", dir.appendingPathComponent("t.jsonl").path])
        #expect(r.code == ExitCode.success)
        let v = try JSONValue.parse(Data(r.out.utf8), file: "out")
        for key in ["scenario", "seed", "trace_hash", "events", "simulated_seconds", "wall_seconds", "operations", "availability", "checks", "expectations_met"] {
            #expect(v[key] != nil, "missing \(key)")
        }
        #expect(v["seed"] == .int(4))
        if case .string(let h)? = v["trace_hash"] { #expect(h.count == 16 && UInt64(h, radix: 16) != nil) } else { Issue.record("trace_hash") }
        for k in ["ok", "fail", "info"] { #expect(v["operations"]?[k] != nil) }
        if case .array(let checks)? = v["checks"] {
            for c in checks { for k in ["name", "passed", "detail"] { #expect(c[k] != nil) } }
        } else { Issue.record("checks is not an array") }
        let edn = try String(contentsOf: dir.appendingPathComponent("h.edn"), encoding: .utf8)
        #expect(edn.contains(":type :ok"))
        let trace = try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8)
        let lines = trace.split(separator: "\n")
        #expect(lines.count > 100)
        if case .string(let h)? = v["trace_hash"] { #expect(lines.last!.contains(h), "the last trace line carries the final hash") }
    }

    @Test func sameSeedSameHashDifferentSeedDifferentHash() throws {
        let s = try TestSupport.scenario()
        let a = try s.run(seed: 9), b = try s.run(seed: 9), c = try s.run(seed: 10)
        #expect(a.traceHash == b.traceHash && a.events == b.events)
        #expect(a.traceHash != c.traceHash)
    }
}
