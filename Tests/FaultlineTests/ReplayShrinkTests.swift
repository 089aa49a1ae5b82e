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
        // The sidecar beside it holds one digest per event, ending in the trace hash's low bits.
        let recorded = try #require(scenario.recorded)
        #expect(recorded.eventDigests == EventDigests.sidecarName(for: failure))
        let sidecar = EventDigests.resolve(try #require(recorded.eventDigests), besideFailure: failure)
        let digests = try EventDigests.read(path: sidecar)
        #expect(digests.count == recorded.events)
        #expect(digests.digests.last == EventDigests.digest(recorded.traceHash))
        #expect(r.out.contains("compared every event with the digests in " + sidecar))
        let outcome = try #require(try ReplayOutcome.replay(scenario, failurePath: failure))
        #expect(outcome.identical)
        #expect(outcome.digests == .compared(path: sidecar))
        #expect(outcome.firstDivergence == nil)
        #expect(outcome.result.checkpointInterval == recorded.checkpointInterval)
        #expect(outcome.result.recorded.checkpoints == recorded.checkpoints, "per-event comparison leaves the checkpoints as recorded")
    }

    /// The saved failure with its last fault moved 7 ms later, written beside the original
    /// so it shares the original's digests.
    static func editedFailure(_ failure: String) throws -> (path: String, scenario: Scenario) {
        var scenario = try Scenario.load(path: failure)
        let last = scenario.faults.count - 1
        scenario.faults[last].trigger = .at(scenario.faults[last].trigger.earliest + .milliseconds(7))
        let path = (failure as NSString).deletingLastPathComponent + "/edited.json"
        try scenario.fileText().write(toFile: path, atomically: true, encoding: .utf8)
        return (path, scenario)
    }

    @Test func anEditedFailureNamesTheExactFirstEventWhereItDiverged() throws {
        let dir = TestSupport.temporaryDirectory("diverge")
        let failure = try ReplayShrinkTests.failureFile(dir)
        let (path, scenario) = try ReplayShrinkTests.editedFailure(failure)
        let r = TestSupport.cli(["replay", path, "--json"])
        #expect(r.code == ExitCode.checkFailed, "\(r.out)\(r.err)")
        let json = try JSONValue.parse(Data(r.out.utf8), file: "replay")
        guard case .int(let k)? = json["first_divergent_event"] else { Issue.record("no first_divergent_event: \(r.out)"); return }
        guard case .object(let line)? = json["divergent_event"] else { Issue.record("no divergent_event: \(r.out)"); return }
        #expect(line.first { $0.key == "i" }?.value == .int(k))

        // The event lies inside the window the checkpoints alone name...
        let windowOnly = try #require(try ReplayOutcome.replay(scenario))
        #expect(windowOnly.digests == .notRecorded)
        let window = try #require(windowOnly.divergence)
        #expect(window.fromEvent > 0, "the runs agreed up to the edited fault")
        #expect(UInt64(k) > window.fromEvent && UInt64(k) <= window.toEvent)
        // ...and is exactly the first event whose hash differs from the recorded run's.
        let saved = try EventDigests.read(path: EventDigests.resolve(scenario.recorded!.eventDigests!, besideFailure: path))
        let recorder = EventDigestRecorder()
        var o = RunOptions()
        o.checkpointInterval = 1
        o.trace = recorder
        _ = try ScenarioRunner.run(scenario, seed: scenario.seed, options: o)
        let first = zip(saved.digests, recorder.digests).enumerated().first { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
        #expect(first == Int(k))
        let outcome = try #require(try ReplayOutcome.replay(scenario, failurePath: path))
        let e = try #require(outcome.firstDivergence)
        #expect(e.event == UInt64(k) && e.kind == .differs)
        #expect(e.matchingBefore.map(\.index) == (UInt64(k) - 5..<UInt64(k)).map { $0 }, "the five events before it, oldest first")
        let text = TestSupport.cli(["replay", path])
        #expect(text.out.contains("first divergent event: #\(k) at "))
        #expect(text.out.contains("last matching events:"))
    }

    @Test func aCorruptedDigestIsNamedAsTheFirstDivergentEvent() throws {
        let dir = TestSupport.temporaryDirectory("corrupt")
        let failure = try ReplayShrinkTests.failureFile(dir)
        let scenario = try Scenario.load(path: failure)
        let sidecar = EventDigests.resolve(scenario.recorded!.eventDigests!, besideFailure: failure)
        let digests = try EventDigests.read(path: sidecar)
        for k in [1, Int(digests.count / 2)] {
            var bad = digests
            bad.digests[k - 1] ^= 0x8000_0001
            try bad.write(to: sidecar)
            let r = TestSupport.cli(["replay", failure, "--json"])
            #expect(r.code == ExitCode.checkFailed)
            let json = try JSONValue.parse(Data(r.out.utf8), file: "replay")
            #expect(json["first_divergent_event"] == .int(Int64(k)), "\(r.out)")
            #expect(json["divergence_kind"] == .string("differs"))
            let text = TestSupport.cli(["replay", failure])
            #expect(text.out.contains("first divergent event: #\(k) at "))
            #expect(text.out.contains("the event-digests file disagrees with its failure file"), "the trace hash still matches")
        }
        try digests.write(to: sidecar)  // the original digests: an exact replay again
        #expect(TestSupport.cli(["replay", failure]).code == ExitCode.success)
    }

    @Test(arguments: ["truncated", "wrong-magic", "other-run"])
    func aMalformedDigestsFileIsBadInputNamingIt(_ damage: String) throws {
        let dir = TestSupport.temporaryDirectory("bad-digests-\(damage)")
        let failure = try ReplayShrinkTests.failureFile(dir)
        let scenario = try Scenario.load(path: failure)
        let sidecar = EventDigests.resolve(scenario.recorded!.eventDigests!, besideFailure: failure)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sidecar)))
        switch damage {
        case "truncated": bytes.removeLast(3)
        case "wrong-magic": bytes.replaceSubrange(0..<4, with: Array("JUNK".utf8))
        default: bytes = EventDigests(digests: [1, 2, 3]).encoded()
        }
        try Data(bytes).write(to: URL(fileURLWithPath: sidecar))
        let r = TestSupport.cli(["replay", failure])
        #expect(r.code == ExitCode.usage, "\(r.out)\(r.err)")
        #expect(r.err.contains(sidecar), "the message names the digests file: \(r.err)")
        let expected = ["truncated": "truncated", "wrong-magic": "magic \"FLED\"", "other-run": "belong to another run"][damage]!
        #expect(r.err.contains(expected), "\(r.err)")
    }

    @Test func aMissingDigestsFileFallsBackToTheCheckpointWindow() throws {
        let dir = TestSupport.temporaryDirectory("no-digests")
        let failure = try ReplayShrinkTests.failureFile(dir)
        let (path, _) = try ReplayShrinkTests.editedFailure(failure)
        let scenario = try Scenario.load(path: failure)
        let sidecar = EventDigests.resolve(scenario.recorded!.eventDigests!, besideFailure: failure)
        try FileManager.default.removeItem(atPath: sidecar)
        let r = TestSupport.cli(["replay", path])
        #expect(r.code == ExitCode.checkFailed)
        #expect(r.out.contains("DIVERGED"))
        #expect(r.out.contains("event digests not found at " + sidecar))
        #expect(r.out.contains("first differing checkpoint window: events"))
        #expect(!r.out.contains("first divergent event"))
        // The unedited failure still replays exactly on its checkpoints and trace hash.
        let same = TestSupport.cli(["replay", failure, "--json"])
        #expect(same.code == ExitCode.success)
        let json = try JSONValue.parse(Data(same.out.utf8), file: "replay")
        #expect(json["event_digests"] == .string("not_found"))
        #expect(json["event_digests_file"] == .string(sidecar))
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
        #expect(after.recorded?.eventDigests == "small.digests")
        let digests = try EventDigests.read(path: dir.appendingPathComponent("small.digests").path)
        #expect(digests.count == rerun.events)
        let replay = TestSupport.cli(["replay", out])
        #expect(replay.code == ExitCode.success)
        #expect(replay.out.contains("compared every event with the digests"))
    }
}
