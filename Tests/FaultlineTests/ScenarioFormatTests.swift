import Foundation
import Testing
@testable import Faultline

@Suite struct ScenarioFormatTests {
    @Test func json5CommentsTrailingCommasAndUnquotedKeysAreRead() throws {
        let s = try TestSupport.scenario()
        #expect(s.name == "isolated-primary")
        #expect(s.system == "primary-backup" && s.preset == "async")
        #expect(s.workload.clients == 2 && s.workload.duration == .seconds(6) && s.workload.keys == 2)
        #expect(s.workload.mix.map(\.op) == ["add", "read"])
        #expect(s.faults.count == 1)
        #expect(s.faults[0].action == .isolate && s.faults[0].target == ["primary"] && s.faults[0].duration == .seconds(3))
        #expect(s.faults[0].trigger == .at(.seconds(1)))
        #expect(s.expected("lost-writes") == .fail && s.expected("election-safety") == .pass)
    }

    @Test func encodingReadsBackToTheSameScenario() throws {
        var s = try TestSupport.scenario()
        var drift = FaultSpec(.clockDrift, at: .seconds(2), target: ["n2"], for: .seconds(1)); drift.ppm = -2000
        var jump = FaultSpec(.clockJump, at: .seconds(2), target: ["backup"]); jump.by = .zero - .milliseconds(1500)
        var part = FaultSpec(.partition, at: .seconds(3)); part.groups = [["n1"], ["n2", "n3"]]
        var probe = FaultSpec(.crash, at: .zero, target: ["primary"]); probe.trigger = .probe("pb.promote", count: 2, notBefore: .seconds(1))
        s.faults += [drift, jump, part, probe]
        s.nemesis = NemesisSpec(kinds: [.crash, .partition])
        s.settings = [("failover-timeout", .string("2s"))]
        let text = s.fileText()
        let back = try Scenario.parse(Data(text.utf8), file: "roundtrip.json")
        #expect(back == s, "round trip changed the scenario:\n\(text)")
        #expect(back.faults[2].by == SimDuration.zero - SimDuration.milliseconds(1500))
        #expect(back.faults[4].trigger == .probe("pb.promote", count: 2, notBefore: .seconds(1)))
    }

    @Test func settingsResolveOverrideThenPresetThenDefault() throws {
        let adapter = PrimaryBackupSystem()
        var s = try TestSupport.scenario()
        #expect(s.setting("sync-acks", in: adapter) == .int(0))
        #expect(s.setting("failover-timeout", in: adapter) == .int(1000))
        s.settings = [("sync-acks", .string("all"))]
        #expect(s.setting("sync-acks", in: adapter) == .string("all"))
    }
}
