@testable import FaultlineCore

/// Messages of the test actors: numbered data, a timer tag, and a request to send.
enum TestMessage: SimMessage, Equatable {
    case data(Int)
    case tick(String)

    func digest(into hasher: inout TraceHasher) {
        switch self {
        case .data(let n): hasher.combine(1 as UInt64); hasher.combine(n)
        case .tick(let s): hasher.combine(2 as UInt64); hasher.combine(s)
        }
    }
}

/// What a node survives a crash with: the factory hands the same object to every
/// incarnation, as a disk would be.
final class TestDisk {
    var durableCounter = 0
    var boots = 0
}

/// An actor that logs everything it sees, keeps a volatile counter and a durable one, and
/// does what the test tells it on boot.
final class RecordingActor: SimActor {
    typealias Message = TestMessage
    let disk: TestDisk
    var volatileCounter = 0
    var received: [(time: SimTime, from: NodeID, message: TestMessage)] = []
    var timers: [(time: SimTime, local: LocalTime, tag: String)] = []
    var disconnects: [(time: SimTime, peer: NodeID)] = []
    var onBoot: ((NodeContext<TestMessage>) -> Void)?
    var onMessage: ((TestMessage, NodeID, NodeContext<TestMessage>) -> Void)?

    init(disk: TestDisk) { self.disk = disk }

    func handle(_ event: ActorEvent<TestMessage>, _ ctx: NodeContext<TestMessage>) {
        switch event {
        case .boot:
            disk.boots += 1
            onBoot?(ctx)
        case .message(let m, let from):
            received.append((ctx.historyTime, from, m))
            volatileCounter += 1
            disk.durableCounter += 1
            onMessage?(m, from, ctx)
        case .timer(_, let m):
            if case .tick(let tag) = m { timers.append((ctx.historyTime, ctx.now, tag)) }
        case .disconnected(let peer):
            disconnects.append((ctx.historyTime, peer))
        }
    }
}

/// A simulation of `count` recording actors named a, b, c...; returns it with the actors
/// (the live ones can be fetched again after a restart through `sim.actor`).
func makeRecordingSimulation(seed: UInt64 = 1, count: Int = 2, latency: LatencyModel = .constant(.milliseconds(10)))
    -> (Simulation<TestMessage>, [NodeID], [TestDisk]) {
    let sim = Simulation<TestMessage>(seed: seed, network: Network(defaultLatency: latency))
    var ids: [NodeID] = [], disks: [TestDisk] = []
    for i in 0..<count {
        let disk = TestDisk()
        disks.append(disk)
        let name = String(UnicodeScalar(UInt8(97 + i)))
        ids.append(sim.addNode(name: name, make: { _ in RecordingActor(disk: disk) }))
    }
    return (sim, ids, disks)
}

extension Simulation where Message == TestMessage {
    func recorder(_ node: NodeID) -> RecordingActor { actor(node, as: RecordingActor.self)! }
}
