/// The simulated world of one run: virtual clock, event queue, nodes, network, trace.
///
/// One thread, one queue ordered by (time, sequence): every message delivery, timer, fault
/// and notification is an event. Randomness comes from streams split off the run seed
/// (`network`, `faults`, `workload`, one per node), so adding a node or a client does not
/// change what the network does. Same seed, same events, same trace hash, in any process.
public final class Simulation<Message: SimMessage> {
    public let seed: UInt64
    /// True time: the time of the event being handled, or the time a run stopped at.
    @usableFromInline var _now: SimTime = .zero
    @inlinable public var now: SimTime { _now }
    public var network: Network
    /// Probes reached by the models.
    public var coverage = Coverage()
    /// Faults' own stream, for nemeses and disk faults.
    public var faultRandom: SeededRandom
    /// The workload's own stream, for client generators.
    public var workloadRandom: SeededRandom
    @usableFromInline var networkRandom: SeededRandom

    @usableFromInline var queue = EventQueue<PendingEvent<Message>>()
    @usableFromInline var nodes: [NodeSlot<Message>] = []
    @usableFromInline var contexts: [NodeContext<Message>] = []
    @usableFromInline var controls: [ControlAction<Message>?] = []
    @usableFromInline var nextTimerID: UInt64 = 1

    @usableFromInline var hasher = TraceHasher()
    /// Events handed to an actor or a fault action (stale ones, such as a cancelled
    /// timer or a message of a dead connection, are not counted and not hashed).
    @usableFromInline var _eventCount: UInt64 = 0
    @inlinable public var eventCount: UInt64 { _eventCount }
    /// Messages the network lost: dead connections, cut links, datagram drops.
    @usableFromInline var _messagesLost: UInt64 = 0
    @inlinable public var messagesLost: UInt64 { _messagesLost }
    /// What each end sent while its connect hung, by `connectBufferKey(from, to)`; read and
    /// written by key only, never iterated.
    @usableFromInline var connectBuffers: [UInt64: [Message]] = [:]
    public var sink: TraceSink?
    /// A checkpoint hash goes to the sink after every this many events.
    public var checkpointInterval: UInt64 = 10_000

    @usableFromInline var invariants: [(name: String, check: (Simulation<Message>) -> String?)] = []
    /// The first invariant violation, which stops the run.
    @usableFromInline var _violation: InvariantViolation? { didSet { stopped = _violation != nil } }
    @inlinable public var violation: InvariantViolation? { _violation }
    /// True once a violation stopped the run (a flag, so the hot loop tests one byte).
    @usableFromInline var stopped = false
    @usableFromInline var lastEvent: (kind: EventKind, node: NodeID, from: NodeID?, detail: Message?) = (.boot, NodeID(0), nil, nil)

    public init(seed: UInt64, network: Network = Network()) {
        self.seed = seed
        self.network = network
        networkRandom = SeededRandom(seed: seed, stream: "network")
        faultRandom = SeededRandom(seed: seed, stream: "faults")
        workloadRandom = SeededRandom(seed: seed, stream: "workload")
        hasher.combine(seed)
    }

    /// The rolling hash of every event so far.
    public var traceHash: UInt64 { hasher.value }
    public var nodeCount: Int { nodes.count }
    public var allNodes: [NodeID] { (0..<nodes.count).map(NodeID.init) }
    public func name(of node: NodeID) -> String { nodes[node.index].name }
    public func node(named name: String) -> NodeID? { nodes.firstIndex { $0.name == name }.map(NodeID.init) }

    /// Adds a process. `make` builds its actor at start and after every restart (so state
    /// survives only through what `make` reads back, such as the node's disk); `onCrash`
    /// tells the node's disk to drop what was not synced. The node boots at `start()`, or at
    /// once if the run has started.
    @discardableResult
    public func addNode(name: String, make: @escaping (NodeID) -> any SimActor<Message>,
                        onCrash: ((NodeID) -> Void)? = nil) -> NodeID {
        precondition(!nodes.contains { $0.name == name }, "node names are unique: \(name)")
        let id = NodeID(nodes.count)
        nodes.append(NodeSlot(name: name, make: make, onCrash: onCrash))
        contexts.append(NodeContext(node: id, sim: self, random: SeededRandom(seed: seed, stream: "node:" + name)))
        network.addNode()
        if started { boot(id) }
        return id
    }

    @usableFromInline var started = false

    /// Builds every actor and schedules its boot, in node order, at the current time.
    public func start() {
        precondition(!started, "a simulation starts once")
        started = true
        for i in 0..<nodes.count { boot(NodeID(i)) }
    }

    func boot(_ id: NodeID) {
        nodes[id.index].actor = nodes[id.index].make(id)
        nodes[id.index].status = .up
        queue.push(.boot(id, incarnation: nodes[id.index].incarnation), at: now)
    }

    /// The live actor of a node (nil while crashed), for observers and tests.
    public func actor(_ node: NodeID) -> (any SimActor<Message>)? { nodes[node.index].actor }
    /// The live actor of a node as its concrete type.
    public func actor<A>(_ node: NodeID, as type: A.Type) -> A? { nodes[node.index].actor as? A }
    public func status(of node: NodeID) -> NodeStatus { nodes[node.index].status }
    /// A node's context, for drivers outside its actor: a test or a workload injecting an
    /// operation at a chosen time. Effects are the node's own, as if its actor had acted.
    public func context(_ node: NodeID) -> NodeContext<Message> { contexts[node.index] }

    /// Checks `check` after every event; the first non-nil answer stops the run as a violation.
    public func addInvariant(_ name: String, _ check: @escaping (Simulation<Message>) -> String?) {
        invariants.append((name, check))
    }

    /// Runs `action` at true time `time` (a fault, a client step, a phase change).
    public func schedule(at time: SimTime, _ name: String, _ action: @escaping (Simulation<Message>) -> Void) {
        precondition(time >= now, "cannot schedule in the past")
        controls.append(ControlAction(name: name, action: action))
        queue.push(.control(controls.count - 1), at: time)
    }

    // MARK: running

    /// Handles the next event. False when the queue is empty or a violation stopped the run.
    @discardableResult
    @inlinable public func step() -> Bool {
        if stopped { return false }
        guard let entry = queue.pop() else { return false }
        _now = entry.time
        dispatch(entry.payload)
        return true
    }

    /// Runs every event up to and including `limit`, then sets the clock to `limit`.
    @discardableResult
    @inlinable public func run(until limit: SimTime) -> RunOutcome {
        if !started { start() }
        while !stopped, let t = queue.nextTime, t <= limit { step() }
        if let v = violation { return .violation(v) }
        _now = max(now, limit)
        return .reachedTime
    }

    /// Runs for `duration` more of true time.
    @discardableResult
    public func run(for duration: SimDuration) -> RunOutcome { run(until: now + duration) }

    /// Runs until no event is left, or `eventLimit` events were handled.
    @discardableResult
    @inlinable public func runUntilQuiescent(eventLimit: UInt64 = 10_000_000) -> RunOutcome {
        if !started { start() }
        let stop = eventCount &+ eventLimit
        while !stopped, eventCount < stop, step() {}
        if let v = violation { return .violation(v) }
        return queue.isEmpty ? .quiescent : .eventLimit
    }

    /// True when nothing is scheduled.
    public var isQuiescent: Bool { queue.isEmpty }
    public var pendingEvents: Int { queue.count }
}

/// How a run stopped.
public enum RunOutcome: Sendable, Equatable {
    case reachedTime, quiescent, eventLimit
    case violation(InvariantViolation)
}

/// An invariant that failed, with the event after which it failed.
public struct InvariantViolation: Sendable, Equatable, CustomStringConvertible, Error {
    public let invariant: String
    public let message: String
    public let time: SimTime
    public let eventIndex: UInt64
    /// The event that led to it, as a trace line would show it.
    public let event: String
    public var description: String { "\(invariant) violated at \(time) after event #\(eventIndex) (\(event)): \(message)" }
}

/// A node's process state.
public enum NodeStatus: Sendable, Equatable {
    case up, paused, crashed
}

@usableFromInline struct NodeSlot<Message: SimMessage> {
    @usableFromInline let name: String
    let make: (NodeID) -> any SimActor<Message>
    let onCrash: ((NodeID) -> Void)?
    @usableFromInline var actor: (any SimActor<Message>)?
    @usableFromInline var status: NodeStatus = .crashed
    /// Bumped at every crash and restart: events of an earlier life are stale.
    @usableFromInline var incarnation: UInt32 = 0
    @usableFromInline var clock = LocalClock()
    @usableFromInline var timers: [UInt64: TimerEntry<Message>] = [:]
    /// Events that arrived while paused, handled in order at resume.
    @usableFromInline var deferred: [PendingEvent<Message>] = []
    /// The process's connect timeout (nil: the kernel's SYN retries decide).
    @usableFromInline var connectTimeout: SimDuration?

    init(name: String, make: @escaping (NodeID) -> any SimActor<Message>, onCrash: ((NodeID) -> Void)?) {
        self.name = name; self.make = make; self.onCrash = onCrash
    }
}

@usableFromInline struct TimerEntry<Message> {
    @usableFromInline var deadline: LocalTime
    @usableFromInline let message: Message
    /// True-time timers (I/O completions) ignore the clock.
    @usableFromInline let isIO: Bool
    /// Bumped when a clock change reschedules the timer: older queue entries are stale.
    @usableFromInline var epoch: UInt32
    @inlinable init(deadline: LocalTime, message: Message, isIO: Bool, epoch: UInt32) {
        self.deadline = deadline; self.message = message; self.isIO = isIO; self.epoch = epoch
    }
}

@usableFromInline struct ControlAction<Message: SimMessage> {
    @usableFromInline let name: String
    @usableFromInline let action: (Simulation<Message>) -> Void
}

@usableFromInline enum PendingEvent<Message> {
    case boot(NodeID, incarnation: UInt32)
    case deliver(from: NodeID, to: NodeID, generation: UInt32, message: Message)
    /// A message that reached a paused node's socket before anything broke: it is delivered
    /// at resume even if the connection died meanwhile, as a kernel buffer would hold it.
    case arrived(from: NodeID, to: NodeID, incarnation: UInt32, message: Message)
    case datagram(from: NodeID, to: NodeID, message: Message)
    case timer(NodeID, TimerID, incarnation: UInt32, epoch: UInt32)
    case disconnected(NodeID, peer: NodeID, incarnation: UInt32)
    /// Step `step` of a hung connect from `from`: a SYN retransmission, or the give-up.
    case synRetransmit(from: NodeID, to: NodeID, step: Int, token: UInt32)
    case control(Int)
}
