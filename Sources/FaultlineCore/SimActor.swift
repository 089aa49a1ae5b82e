/// A simulated process: a state machine that reacts to one event at a time and acts only
/// through its `NodeContext` (send, timers, clock, trace).
///
/// Not a Swift `actor`: everything runs on one thread in event order. A crash throws the
/// object away, so volatile state cannot survive by accident; the simulation builds a fresh
/// one with the node's factory on restart, and `.boot` is where it rebuilds from its disk.
public protocol SimActor<Message>: AnyObject {
    associatedtype Message: SimMessage
    /// Handles one event. Must not block, loop unboundedly, or touch other actors.
    func handle(_ event: ActorEvent<Message>, _ ctx: NodeContext<Message>)
    /// Local invariants of this node's state; called by tests and debug observers.
    func checkInvariants()
}

extension SimActor {
    public func checkInvariants() {}
}

/// What can happen to an actor.
public enum ActorEvent<Message> {
    /// The process started (at the beginning, or after a restart): rebuild state from disk.
    case boot
    /// A message arrived from `from` on the connection between the two (or as a datagram).
    case message(Message, from: NodeID)
    /// A timer set with `setTimer` (local clock) or `afterIO` (true time) fired.
    case timer(TimerID, Message)
    /// The connection to `peer` closed: the peer closed it, its process died (the kernel's
    /// FIN/RST), or a connection attempt was refused. A partition does *not* produce this:
    /// silence is all a process sees of a partition, until its own timeout fires.
    case disconnected(peer: NodeID)
}

/// Why an event reached the trace: a stable code for the hash and a name for trace files.
public enum EventKind: UInt8, Sendable, CustomStringConvertible {
    case boot = 1, message = 2, timer = 3, disconnected = 4, datagram = 5, control = 6,
         crash = 7, restart = 8, pause = 9, resume = 10, note = 11
    public var description: String {
        switch self {
        case .boot: return "boot"
        case .message: return "message"
        case .timer: return "timer"
        case .disconnected: return "disconnected"
        case .datagram: return "datagram"
        case .control: return "control"
        case .crash: return "crash"
        case .restart: return "restart"
        case .pause: return "pause"
        case .resume: return "resume"
        case .note: return "note"
        }
    }
}
