import FaultlineCore
#if canImport(Glibc)
import Glibc
#endif

/// The core's two benchmarks: actors exchanging messages through the simulated network,
/// and the bare event-queue loop that bounds what any simulation can reach.
enum CoreBench {
    /// A gossip message: a hop count and a payload word, hashed in two words.
    enum Gossip: SimMessage {
        case rumor(hops: Int32, word: UInt64)
        case tick

        @inlinable func digest(into hasher: inout TraceHasher) {
            switch self {
            case .rumor(let hops, let word): hasher.combine(Int(hops)); hasher.combine(word)
            case .tick: hasher.combine(0 as UInt64)
            }
        }
    }

    /// Each node keeps a timer going (random period) and forwards each rumor to a random
    /// peer until its hops run out, so messages and timers interleave on random latencies.
    final class GossipNode: SimActor {
        typealias Message = Gossip
        let peerCount: Int
        var received: UInt64 = 0
        init(peerCount: Int) { self.peerCount = peerCount }

        func handle(_ event: ActorEvent<Gossip>, _ ctx: NodeContext<Gossip>) {
            switch event {
            case .boot:
                ctx.setTimer(after: .microseconds(Int64(1 + ctx.random.below(1000))), .tick)
            case .message(.rumor(let hops, let word), _):
                received &+= 1
                if hops > 0 { forward(.rumor(hops: hops - 1, word: word &+ 1), ctx) }
            case .timer:
                forward(.rumor(hops: 16, word: ctx.random.next()), ctx)
                ctx.setTimer(after: .microseconds(Int64(200 + ctx.random.below(2000))), .tick)
            case .disconnected(let peer):
                ctx.disconnect(from: peer)
            case .message(.tick, _):
                break
            }
        }

        @inline(__always) func forward(_ m: Gossip, _ ctx: NodeContext<Gossip>) {
            var peer = Int(ctx.random.below(UInt64(peerCount - 1)))
            if peer >= ctx.node.index { peer += 1 }
            ctx.send(m, to: NodeID(peer))
        }
    }

    static let defaultEvents = 2_000_000

    /// Runs the gossip cluster until it has handled `events` events.
    static func actors(events: Int, seed: UInt64, nodes: Int = 16) -> BenchMeasurement {
        let sim = Simulation<Gossip>(seed: seed, network: Network(defaultLatency: .uniform(.microseconds(50), .microseconds(500))))
        for i in 0..<nodes { sim.addNode(name: "node\(i)", make: { _ in GossipNode(peerCount: nodes) }) }
        sim.start()
        let (_, seconds) = BenchClock.measure { sim.runUntilQuiescent(eventLimit: UInt64(events)) }
        return BenchMeasurement(events: Int(sim.eventCount), wallSeconds: seconds,
                                simulatedSeconds: sim.now.sinceStart.secondsForReport,
                                extra: [("peak_rss_mib", peakResidentMiB()), ("nodes", Double(nodes))],
                                traceHash: sim.traceHash)
    }

    /// The in-run baseline: one event popped, one pushed at a random later time, nothing
    /// else: what the queue alone costs per event.
    static func queueBaseline(events: Int, seed: UInt64) -> BenchMeasurement {
        var queue = EventQueue<UInt64>()
        var random = SeededRandom(seed: seed, stream: "baseline")
        for i in 0..<1024 { queue.push(UInt64(i), at: SimTime(nanoseconds: Int64(random.below(1_000_000)))) }
        var checksum: UInt64 = 0
        var last = SimTime.zero
        let (_, seconds) = BenchClock.measure {
            for _ in 0..<events {
                let e = queue.pop()!
                checksum = checksum &+ e.payload
                last = e.time
                queue.push(e.payload &+ 1, at: e.time + SimDuration(nanoseconds: Int64(50_000 + random.below(450_000))))
            }
        }
        precondition(checksum != 0)
        return BenchMeasurement(events: events, wallSeconds: seconds, simulatedSeconds: last.sinceStart.secondsForReport)
    }

    /// Peak resident memory of this process, in MiB (Linux reports ru_maxrss in KiB).
    static func peakResidentMiB() -> Double {
        #if canImport(Glibc)
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
        #else
        return 0
        #endif
    }

    static func workloads(events: Int?, seed: UInt64) -> [BenchWorkload] {
        let n = events ?? defaultEvents
        return [
            BenchWorkload(name: "core-actors", summary: "16 gossiping actors: messages on random latencies and timers") {
                actors(events: n, seed: seed)
            },
            BenchWorkload(name: "core-queue-baseline", summary: "the bare event-queue loop: no actors, no network") {
                queueBaseline(events: n, seed: seed)
            },
        ]
    }
}
