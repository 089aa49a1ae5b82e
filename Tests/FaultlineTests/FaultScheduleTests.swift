import Foundation
import Testing
@testable import Faultline

@Suite struct FaultScheduleTests {
    @Test func primaryTargetIsResolvedWhenTheFaultFiresNotWhenTheFileIsRead() throws {
        // Isolate the primary at 1s; after failover n2 or n3 leads, so a second isolation of
        // "primary" at 4s must hit the new primary, not n1.
        var s = try TestSupport.scenario()
        s.faults = [FaultSpec(.isolate, at: .seconds(1), target: ["primary"]), FaultSpec(.heal, at: .seconds(3)),
                    FaultSpec(.isolate, at: .seconds(4), target: ["primary"], for: .seconds(1))]
        s.expect = [("lost-writes", .any)]
        let r = try s.run()
        #expect(r.faults.count == 3)
        #expect(r.faults[0].nodes == ["n1"])
        #expect(r.faults[2].nodes.count == 1 && r.faults[2].nodes != ["n1"], "second isolation hit \(r.faults[2].nodes)")
        #expect(r.schedule[2].target == r.faults[2].nodes, "failure files pin the node that was hit")
    }

    @Test func forUndoesTheFaultAndLivenessEndsWhatIsLeft() throws {
        var s = try TestSupport.scenario()
        s.faults = [FaultSpec(.crash, at: .seconds(1), target: ["n2"], for: .seconds(2)),
                    FaultSpec(.pause, at: .seconds(2), target: ["n3"])]
        s.expect = [("lost-writes", .any)]
        let r = try s.run()
        #expect(r.faults[0].end == SimTime.zero + .seconds(3))
        #expect(r.faults[1].end == r.safetyEnd, "the pause without `for` ends when liveness begins")
        #expect(r.check("convergence")?.passed == true)
    }

    @Test func triggeredFaultFiresWhenTheProbeIsReached() throws {
        // Crash the new primary the moment a backup promotes itself.
        var s = try TestSupport.scenario()
        var crashNew = FaultSpec(.crash, at: .zero, target: ["primary"], for: .seconds(1))
        crashNew.trigger = .probe("pb.promote", count: 1, notBefore: .zero)
        s.faults.append(crashNew)
        s.expect = [("lost-writes", .any)]
        let r = try s.run()
        let promoted = r.faults.first { $0.index == 1 }
        #expect(promoted != nil)
        #expect(promoted!.start > SimTime.zero + .seconds(2), "promotion takes failover-timeout after the isolation at 1s")
        #expect(r.coverage.count("pb.promote") >= 1)
    }

    @Test func nemesisDrawsOnlyFromTheFaultsStreamAndStaysInBounds() throws {
        var spec = NemesisSpec(kinds: [.partition, .crash, .pause, .clock, .clog])
        spec.interval = .seconds(1)...(.seconds(3))
        spec.duration = .milliseconds(500)...(.seconds(2))
        let a = Nemesis.schedule(spec, safetyPhase: .seconds(30), mainRole: "primary", diskFaults: [],
                                 random: SeededRandom(seed: 5, stream: "faults"))
        let b = Nemesis.schedule(spec, safetyPhase: .seconds(30), mainRole: "primary", diskFaults: [],
                                 random: SeededRandom(seed: 5, stream: "faults"))
        #expect(a == b)
        #expect(!a.isEmpty)
        var end = SimDuration.zero
        for f in a {
            #expect(f.trigger.earliest >= end + .seconds(1), "one fault at a time, at least the minimum interval apart")
            #expect(f.trigger.earliest < .seconds(30))
            if let d = f.duration { #expect(d <= .seconds(2)); end = f.trigger.earliest + d } else { end = f.trigger.earliest }
        }
        // Swarm testing: seeds draw different fault mixes.
        let mixes = Set((1...20).map { seed in
            Set(Nemesis.schedule(spec, safetyPhase: .seconds(30), mainRole: "primary", diskFaults: [],
                                 random: SeededRandom(seed: UInt64(seed), stream: "faults")).map(\.action.rawValue)).sorted().joined(separator: ",")
        })
        #expect(mixes.count >= 5, "swarm testing gave only \(mixes)")
    }

    @Test func addingAClientDoesNotChangeTheNemesisSchedule() throws {
        var s = try TestSupport.scenario()
        s.faults = []
        s.nemesis = NemesisSpec(kinds: [.partition, .crash])
        s.expect = [("lost-writes", .any), ("convergence", .any)]
        let one = try s.run(seed: 11)
        s.workload.clients = 4
        let two = try s.run(seed: 11)
        #expect(one.schedule.map(\.trigger) == two.schedule.map(\.trigger))
        #expect(one.schedule.map(\.action) == two.schedule.map(\.action))
    }

    @Test func everyFaultKindRunsWithoutBreakingTheWorld() throws {
        var s = try TestSupport.scenario()
        var jump = FaultSpec(.clockJump, at: .seconds(1), target: ["n2"]); jump.by = .seconds(5)
        var offset = FaultSpec(.clockOffset, at: .seconds(1), target: ["n3"]); offset.by = .zero - .seconds(1)
        var drift = FaultSpec(.clockDrift, at: .seconds(1), target: ["n1"], for: .seconds(2)); drift.ppm = 200_000
        var oneWay = FaultSpec(.oneWay, at: .seconds(2), target: ["primary"], for: .seconds(1)); oneWay.peer = ["backup"]
        var bridge = FaultSpec(.bridge, at: .seconds(3), for: .milliseconds(500)); bridge.peer = ["n2"]
        var part = FaultSpec(.partition, at: .seconds(4)); part.groups = [["n1"], ["n2", "n3"]]
        s.faults = [jump, offset, drift, oneWay, bridge, part, FaultSpec(.heal, at: .milliseconds(4500)),
                    FaultSpec(.clog, at: .seconds(5), target: ["any"], for: .milliseconds(300)),
                    FaultSpec(.split, at: .milliseconds(5200), target: ["primary"], for: .milliseconds(300)),
                    FaultSpec(.crash, at: .milliseconds(5500), target: ["minority"]),
                    FaultSpec(.restart, at: .milliseconds(5700)),
                    FaultSpec(.pause, at: .milliseconds(5800), target: ["majority"]),
                    FaultSpec(.resume, at: .milliseconds(5900))]
        s.expect = [("lost-writes", .any)]
        let r = try s.run()
        #expect(r.faults.count == s.faults.count)
        #expect(r.check("convergence")?.passed == true, "\(r.check("convergence")?.detail ?? "")")
        #expect(r.check("election-safety")?.passed == true)
    }
}
