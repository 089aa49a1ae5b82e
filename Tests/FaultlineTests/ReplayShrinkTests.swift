import Foundation
import Testing
@testable import Faultline

@Suite struct ReplayShrinkTests {
    /// A fuzzed async scenario, its first failing seed written as a failure file.
    static func failureFile(_ dir: URL) throws -> String {
        let text = """
        { name: "pb-fuzz", system: "primary-backup", preset: "async",
          workload: { clients: 2, duration: "8s", keys: 2 },
          nemesis: { kinds: ["partition", "crash", "pause", "clog"], interval: "500ms..2s", duration: "500ms..2s" },
          checks: ["lost-writes"] }
        """
        let path = TestSupport.write(text, dir, "fuzz.json")
        let out = dir.appendingPathComponent("failures").path
        let r = TestSupport.cli(["fuzz", path, "--seeds", "12", "--out", out])
        #expect(r.code == ExitCode.checkFailed, "async under a nemesis should lose writes in some seed: \(r.out)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".json") }.sorted()
        let first = try #require(files.first)
        return (out as NSString).appendingPathComponent(first)
    }

    @Test func aSavedFailureReplaysToTheSameTraceHash() throws {
        let dir = TestSupport.temporaryDirectory("replay")
        let failure = try ReplayShrinkTests.failureFile(dir)
        let scenario = try Scenario.load(path: failure)
        #expect(scenario.nemesis == nil, "the nemesis's draw is written out as faults")
        #expect(!scenario.faults.isEmpty)
        #expect(scenario.recorded?.failedChecks == ["lost-writes"])
        let r = TestSupport.cli(["replay", failure])
        #expect(r.code == ExitCode.success, "\(r.out)")
        #expect(r.out.contains("replayed exactly: trace hash " + TraceHasher.hexString(scenario.recorded!.traceHash)))
    }

    @Test func anEditedFailureNamesTheWindowWhereItDiverged() throws {
        let dir = TestSupport.temporaryDirectory("diverge")
        var scenario = try Scenario.load(path: try ReplayShrinkTests.failureFile(dir))
        // Move the last fault a little later: the early checkpoints still match.
        let last = scenario.faults.count - 1
        scenario.faults[last].trigger = .at(scenario.faults[last].trigger.earliest + .milliseconds(7))
        let path = TestSupport.write(scenario.fileText(), dir, "edited.json")
        let r = TestSupport.cli(["replay", path])
        #expect(r.code == ExitCode.checkFailed)
        #expect(r.out.contains("DIVERGED"))
        #expect(r.out.contains("first differing checkpoint window: events"))
        let outcome = try #require(try ReplayOutcome.replay(scenario))
        let d = try #require(outcome.divergence)
        #expect(d.fromEvent > 0, "the runs agreed up to the edited fault")
    }

    @Test func shrinkWritesASmallerScenarioThatStillFails() throws {
        let dir = TestSupport.temporaryDirectory("shrink")
        let failure = try ReplayShrinkTests.failureFile(dir)
        let before = try Scenario.load(path: failure)
        let out = dir.appendingPathComponent("small.json").path
        let r = TestSupport.cli(["shrink", failure, "--out", out, "--max-runs", "80"])
        #expect(r.code == ExitCode.success, "\(r.out)\(r.err)")
        let after = try Scenario.load(path: out)
        #expect(after.faults.count <= before.faults.count)
        #expect(after.faults.count < before.faults.count || after.workload.duration < before.workload.duration
                || after.workload.clients < before.workload.clients)
        let rerun = try ScenarioRunner.run(after, seed: after.seed)
        #expect(rerun.check("lost-writes")?.passed == false)
        #expect(TestSupport.cli(["replay", out]).code == ExitCode.success)
    }
}
