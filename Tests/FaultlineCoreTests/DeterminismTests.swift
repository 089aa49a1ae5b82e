import Foundation
import Testing
@testable import FaultlineCore

/// A node that gossips: on every message or timer it sends to a random peer and sets a
/// random timer, drawing from its own stream. With faults from the fault stream, a run
/// exercises every kind of event the core has.
final class GossipActor: SimActor {
    typealias Message = TestMessage
    let peers: Int
    var seen = 0
    init(peers: Int) { self.peers = peers }

    func handle(_ event: ActorEvent<TestMessage>, _ ctx: NodeContext<TestMessage>) {
        switch event {
        case .boot:
            ctx.setTimer(after: .milliseconds(Int64(1 + ctx.random.below(20))), .tick("gossip"))
        case .message(.data(let n), _):
            seen += 1
            if n > 0 { forward(n - 1, ctx) }
        case .timer:
            forward(8, ctx)
            ctx.setTimer(after: .milliseconds(Int64(1 + ctx.random.below(50))), .tick("gossip"))
        case .disconnected(let peer):
            ctx.probe("disconnected")
            ctx.disconnect(from: peer)
        default:
            break
        }
    }

    func forward(_ n: Int, _ ctx: NodeContext<TestMessage>) {
        var peer = Int(ctx.random.below(UInt64(peers - 1)))
        if peer >= ctx.node.index { peer += 1 }
        ctx.send(.data(n), to: NodeID(peer))
    }
}

/// Runs five gossiping nodes for `duration` with a fault every 100 ms drawn from the fault
/// stream: partitions, crashes and restarts, pauses, clock jumps, clogging, heals.
func gossipRun(seed: UInt64, duration: SimDuration = .seconds(3), sink: TraceSink? = nil) -> Simulation<TestMessage> {
    let sim = Simulation<TestMessage>(seed: seed, network: Network(defaultLatency: .longTail(min: .microseconds(100), scale: .microseconds(300), max: .milliseconds(40))))
    sim.sink = sink
    sim.checkpointInterval = 1000
    for i in 0..<5 { sim.addNode(name: "n\(i)", make: { _ in GossipActor(peers: 5) }) }
    sim.start()
    var t = SimTime.milliseconds(100)
    while t < .at(duration) {
        sim.schedule(at: t, "fault") { s in
            let n = s.allNodes
            let a = n[Int(s.faultRandom.below(5))], b = n[Int(s.faultRandom.below(5))]
            switch s.faultRandom.below(8) {
            case 0: s.isolate(a)
            case 1: s.crash(a)
            case 2: for x in n where s.status(of: x) == .crashed { s.restart(x) }
            case 3: s.pause(a)
            case 4: for x in n where s.status(of: x) == .paused { s.resume(x) }
            case 5: s.jumpClock(a, by: .milliseconds(Int64(s.faultRandom.below(500))))
            case 6: if a != b { s.clog(from: a, to: b, until: s.now + .milliseconds(200)) }
            default: s.heal(); s.setClockDrift(b, ppm: Int64(s.faultRandom.below(2000)) - 1000)
            }
        }
        t += .milliseconds(100)
    }
    sim.run(until: .at(duration))
    return sim
}

@Suite struct DeterminismTests {
    @Test func theSameSeedGivesTheSameTraceHashAndADifferentSeedAnotherOne() {
        let a = gossipRun(seed: 11), b = gossipRun(seed: 11), c = gossipRun(seed: 12)
        #expect(a.eventCount > 2_000, "the run must be busy to prove anything")
        #expect(a.traceHash == b.traceHash && a.eventCount == b.eventCount)
        #expect(a.traceHash != c.traceHash)
        #expect(a.coverage == b.coverage)
    }

    @Test func checkpointsAgreeUntilARunDiverges() {
        let first = CheckpointRecorder(), second = CheckpointRecorder(), other = CheckpointRecorder()
        _ = gossipRun(seed: 5, sink: first)
        _ = gossipRun(seed: 5, sink: second)
        _ = gossipRun(seed: 6, sink: other)
        #expect(!first.checkpoints.isEmpty)
        #expect(first.firstDivergence(from: second.checkpoints) == nil)
        #expect(first.firstDivergence(from: other.checkpoints)?.events == 1000)
    }

    @Test func traceLinesAreJSONWithTheRunningHash() throws {
        let sink = MemoryTraceSink()
        let sim = gossipRun(seed: 3, duration: .milliseconds(300), sink: sink)
        #expect(!sink.lines.isEmpty)
        #expect(sink.lines.last!.hash == sim.traceHash)
        for line in sink.lines.prefix(50) {
            let object = try JSONSerialization.jsonObject(with: Data(line.json.utf8)) as? [String: Any]
            #expect(object?["kind"] is String && object?["t_ns"] is Int)
        }
    }

    /// Swift seeds Dictionary and Set hashing per process, so the order of a Dictionary
    /// changes between runs; inside one process we prove the core never iterates one by
    /// building the same run with timer tables of many sizes (a clock jump reschedules every
    /// pending timer) and by checking that two processes agree (FaultlineTests spawns the
    /// executable twice for that).
    @Test func timerReschedulingFollowsTimerOrderNotDictionaryOrder() {
        func run() -> UInt64 {
            let (sim, n, _) = makeRecordingSimulation(count: 1)
            sim.start()
            sim.schedule(at: .zero, "timers") { s in
                for i in 0..<300 { s.context(n[0]).setTimer(after: .seconds(1), .tick("t\(i)")) }
            }
            sim.schedule(at: .milliseconds(10), "jump") { s in s.jumpClock(n[0], by: .seconds(5)) }
            sim.run(for: .seconds(2))
            #expect(sim.recorder(n[0]).timers.map(\.tag) == (0..<300).map { "t\($0)" })
            return sim.traceHash
        }
        #expect(run() == run())
    }

    @Test func anInvariantViolationStopsTheRunAtTheEventThatCausedIt() {
        let (sim, n, _) = makeRecordingSimulation()
        sim.addInvariant("at most two messages") { s in
            s.actor(n[1], as: RecordingActor.self).map { $0.received.count > 2 ? "b received \($0.received.count)" : nil } ?? nil
        }
        sim.start()
        sim.schedule(at: .milliseconds(1), "send") { s in for i in 0..<5 { s.context(n[0]).send(.data(i), to: n[1]) } }
        let outcome = sim.run(for: .seconds(1))
        guard case .violation(let v) = outcome else { Issue.record("expected a violation, got \(outcome)"); return }
        #expect(v.invariant == "at most two messages")
        #expect(v.event.contains("message at b from a") && v.event.contains("data(2)"))
        #expect(sim.recorder(n[1]).received.count == 3, "nothing ran after the violating event")
    }
}
