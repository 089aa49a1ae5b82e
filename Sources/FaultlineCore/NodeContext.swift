/// An actor's only window on the world: its node id, its local clock, its random stream,
/// and the effects it may cause (send, timers, trace notes, coverage probes).
///
/// One context per node lives as long as the simulation; the actor gets it in every
/// `handle` call. Effects take place at once (the message is on the wire, the timer is set).
public final class NodeContext<Message: SimMessage> {
    public let node: NodeID
    @usableFromInline unowned(unsafe) let sim: Simulation<Message>
    /// This node's own stream: seeded from the run seed and the node's name.
    public var random: SeededRandom

    init(node: NodeID, sim: Simulation<Message>, random: SeededRandom) {
        self.node = node; self.sim = sim; self.random = random
    }

    /// The node's name, as given to `addNode`.
    public var name: String { sim.name(of: node) }
    /// What this node's clock reads now.
    @inlinable public var now: LocalTime { sim.localTime(of: node) }
    /// True time, for recording client histories and nothing else: a model that let this
    /// reach a decision would know something its real counterpart cannot.
    @inlinable public var historyTime: SimTime { sim.now }
    /// Every node of the simulation, in order (servers learn peers from configuration).
    public var nodeCount: Int { sim.nodeCount }

    /// Sends on the connection to `peer` (opened on first use, like connect-then-write).
    /// Reliable and FIFO while the connection lasts; lost without a word if it breaks.
    @inlinable public func send(_ message: Message, to peer: NodeID) { sim.send(message, from: node, to: peer) }
    /// Sends one datagram: no connection, subject to the network's drop/duplicate/reorder rates.
    public func sendDatagram(_ message: Message, to peer: NodeID) { sim.sendDatagram(message, from: node, to: peer) }
    /// Closes this node's end of the connection to `peer` (after its own timeout, say). The
    /// peer hears `.disconnected` if it can be reached; the next `send` connects afresh.
    public func disconnect(from peer: NodeID) { sim.disconnect(node, from: peer) }
    /// True when this node's end of the connection to `peer` is open and not known dead.
    /// (A connection a partition silently broke still looks open to its ends.)
    public func hasConnection(to peer: NodeID) -> Bool { sim.hasConnection(node, to: peer) }

    /// Fires `message` back to this actor after `delay` by its own clock (drift and jumps
    /// apply). Gone if the node crashes first.
    @discardableResult
    @inlinable public func setTimer(after delay: SimDuration, _ message: Message) -> TimerID {
        sim.setTimer(node: node, localDelay: delay, message: message)
    }
    /// Fires `message` after `delay` of true time, whatever the clock says: for I/O
    /// completions such as an fsync's latency. Gone if the node crashes first.
    @discardableResult
    public func afterIO(_ delay: SimDuration, _ message: Message) -> TimerID {
        sim.setIOTimer(node: node, delay: delay, message: message)
    }
    /// Cancels a timer; cancelling one that fired or was cancelled already does nothing.
    @inlinable public func cancelTimer(_ id: TimerID) { sim.cancelTimer(node: node, id) }

    /// How long this process lets a connect hang before giving up on it, as a connect call
    /// with a timeout does (ZooKeeper's cnxTimeout, a client's connect timeout): the end then
    /// hears `.disconnected`. nil leaves it to the kernel: ETIMEDOUT after 127 s of SYN
    /// retransmissions. Set at boot; a crash forgets it.
    public func setConnectTimeout(_ timeout: SimDuration?) {
        precondition(timeout.map { $0 > .zero } ?? true, "a connect timeout is positive")
        sim.nodes[node.index].connectTimeout = timeout
    }

    /// Marks a rare path as reached.
    public func probe(_ name: String) { sim.coverage.hit(name) }
    /// Adds a note to the trace (and its hash): a role change, a decision worth seeing.
    public func note(_ text: String) { sim.note(text, node: node) }
}
