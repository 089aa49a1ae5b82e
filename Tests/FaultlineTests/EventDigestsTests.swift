import Foundation
import Testing
@testable import Faultline
@testable import FaultlineCore

/// The event-digests sidecar: its file format, the comparer that finds the first divergent
/// event, and fuzz's default of one worker per core.
@Suite struct EventDigestsTests {
    @Test func digestsRoundTripThroughTheFileFormat() throws {
        for n in [0, 1, 2, 7] {
            let d = EventDigests(digests: (0..<n).map { UInt32(truncatingIfNeeded: 0x9E37_79B9 &* UInt32($0 + 1)) })
            let bytes = d.encoded()
            #expect(bytes.count == EventDigests.headerBytes + 4 * n)
            #expect(Array(bytes[0..<4]) == Array("FLED".utf8))
            #expect(bytes[4] == 1 && bytes[5...7].allSatisfy { $0 == 0 }, "version 1, little-endian")
            #expect(bytes[8] == UInt8(n), "the event count, little-endian")
            #expect(try EventDigests.decode(bytes, file: "d") == d)
        }
        let one = EventDigests(digests: [0x0403_0201]).encoded()
        #expect(Array(one[16...]) == [1, 2, 3, 4], "digests are little-endian UInt32s")
    }

    @Test func everyTruncatedOrExtendedDigestsFileIsRejectedNamingIt() throws {
        let bytes = EventDigests(digests: [10, 20, 30]).encoded()
        for cut in 0..<bytes.count {
            #expect(throws: ScenarioError.self) { try EventDigests.decode(Array(bytes[..<cut]), file: "d.digests") }
        }
        #expect(throws: ScenarioError.self) { try EventDigests.decode(bytes + [0, 0, 0, 0], file: "d.digests") }
        var v2 = bytes
        v2[4] = 2
        do { _ = try EventDigests.decode(v2, file: "d.digests"); Issue.record("version 2 accepted") } catch let e as ScenarioError {
            #expect(e.description.contains("d.digests") && e.description.contains("expected version 1, got 2"))
        }
        do { _ = try EventDigests.decode(Array(bytes.dropLast()), file: "d.digests"); Issue.record("truncated accepted") } catch let e as ScenarioError {
            #expect(e.description.hasPrefix("d.digests: bytes 8-15: the header says 3 events"))
            #expect(e.description.contains("truncated"))
        }
    }

    static func line(_ i: UInt64) -> TraceLine {
        TraceLine(index: i, time: SimTime(nanoseconds: Int64(i) * 1_000), kind: .timer, node: "n1", from: nil, detail: "tick \(i)", hash: i)
    }

    /// Feeds `hashes` to the comparer as a run would: each event's line, then its checkpoint.
    static func compare(recorded: [UInt64], run: [UInt64], contextMax: Int = 3) -> EventDivergence? {
        let c = EventDigestComparer(recorded: EventDigests(digests: recorded.map(EventDigests.digest)), contextMax: contextMax)
        for (k, h) in run.enumerated() {
            let i = UInt64(k + 1)
            if c.wantsLines {
                c.record(line(i))
                c.record(TraceLine(index: i, time: .zero, kind: .note, node: "n1", from: nil, detail: "a note", hash: 0))
            }
            c.checkpoint(events: i, hash: h)
        }
        c.finish(events: UInt64(run.count))
        return c.divergence
    }

    @Test func theComparerNamesTheFirstDifferingEventWithTheMatchingOnesBeforeIt() throws {
        let recorded: [UInt64] = [11, 12, 13, 14, 15, 16, 17, 18]
        #expect(EventDigestsTests.compare(recorded: recorded, run: recorded) == nil)
        for k in 1...recorded.count {
            var run = recorded
            run[k - 1] = 99
            for j in k..<run.count { run[j] = 1000 + UInt64(j) }  // everything after differs too
            let d = try #require(EventDigestsTests.compare(recorded: recorded, run: run))
            #expect(d.event == UInt64(k) && d.kind == .differs)
            #expect(d.line?.index == UInt64(k) && d.line?.detail == "tick \(k)")
            #expect(d.matchingBefore.map(\.index) == (max(1, k - 3)..<k).map { UInt64($0) }, "the last three events, oldest first, no notes")
        }
        // Only the low 32 bits are compared.
        #expect(EventDigestsTests.compare(recorded: [1, 2], run: [1, 2 | (7 << 40)]) == nil)
    }

    @Test func aShorterOrLongerRunDivergesAtTheFirstMissingOrExtraEvent() throws {
        let recorded: [UInt64] = [1, 2, 3, 4, 5]
        let short = try #require(EventDigestsTests.compare(recorded: recorded, run: [1, 2, 3]))
        #expect(short.event == 4 && short.kind == .missing && short.line == nil)
        #expect(short.matchingBefore.map(\.index) == [1, 2, 3])
        let long = try #require(EventDigestsTests.compare(recorded: recorded, run: [1, 2, 3, 4, 5, 6, 7]))
        #expect(long.event == 6 && long.kind == .extra && long.line?.index == 6)
        #expect(long.recordedEvents == 5)
        let none = try #require(EventDigestsTests.compare(recorded: recorded, run: []))
        #expect(none.event == 1 && none.kind == .missing && none.matchingBefore.isEmpty)
    }

    @Test func anAbsoluteEventDigestsPathIsRejectedWithItsField() throws {
        let text = """
        { "system": "primary-backup", "preset": "async", "workload": { "clients": 1, "duration": "1s" }, "seed": 1,
          "recorded": { "trace_hash": "0000000000000001", "events": 1, "event_digests": "/tmp/x.digests" } }
        """
        func decode(_ t: String) throws -> Scenario { try Scenario.decode(JSONValue.parse(Data(t.utf8), file: "f.json"), file: "f.json") }
        do { _ = try decode(text); Issue.record("absolute path accepted") } catch let e as ScenarioError {
            #expect(e.path == "recorded.event_digests")
            #expect(e.message.contains("relative to this failure file"))
        }
        let wrongType = text.replacingOccurrences(of: "\"/tmp/x.digests\"", with: "3")
        #expect(throws: ScenarioError.self) { try decode(wrongType) }
        let ok = text.replacingOccurrences(of: "/tmp/x.digests", with: "x.digests")
        #expect(try decode(ok).recorded?.eventDigests == "x.digests")
    }

    @Test func fuzzDefaultsToEveryCoreWithTheSameHashesAsOneJob() throws {
        guard let exe = TestSupport.executable else {
            print("skipping: no built faultline executable beside the test binary"); return
        }
        #expect(FuzzCommand.jobsDefault == 1, "inside the test runner there is no faultline executable to start workers from")
        let dir = TestSupport.temporaryDirectory("jobs-default")
        let text = """
        { system: "primary-backup", preset: "async", workload: { clients: 2, duration: "4s", keys: 2 },
          nemesis: { kinds: ["partition", "crash"], interval: "500ms..1s", duration: "500ms..1s" }, checks: ["lost-writes"] }
        """
        let path = TestSupport.write(text, dir, "f.json")
        let all = try TestSupport.spawn(exe, ["fuzz", path, "--seeds", "6", "--json", "--out", dir.appendingPathComponent("all").path])
        let one = try TestSupport.spawn(exe, ["fuzz", path, "--seeds", "6", "--jobs", "1", "--json", "--out", dir.appendingPathComponent("one").path])
        let a = try JSONValue.parse(Data(all.out.utf8), file: "all"), b = try JSONValue.parse(Data(one.out.utf8), file: "one")
        #expect(a["jobs"] == .int(Int64(max(1, ProcessInfo.processInfo.activeProcessorCount))))
        #expect(a["trace_hashes"] != nil && a["trace_hashes"] == b["trace_hashes"])
        #expect(all.code == one.code)
        // Workers save the same failure files, digests included.
        let saved = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("all").path)) ?? []
        let savedOne = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("one").path)) ?? []
        #expect(saved.sorted() == savedOne.sorted())
        for name in saved where name.hasSuffix(".digests") {
            let x = try Data(contentsOf: dir.appendingPathComponent("all").appendingPathComponent(name))
            let y = try Data(contentsOf: dir.appendingPathComponent("one").appendingPathComponent(name))
            #expect(x == y, "\(name) is the same whichever process ran the seed")
        }
    }
}
