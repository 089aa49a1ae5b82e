/// The simulated network's state: which directed links are cut or clogged, each link's
/// latency, and the TCP-like connection between every pair of nodes.
///
/// All per-link state is in flat arrays indexed `from * nodeCount + to`, so nothing is hashed
/// and no iteration order can leak. The simulation owns one `Network` and mutates it through
/// its partition and send methods, which also break connections as a real network would.
public struct Network: Sendable {
    public private(set) var nodeCount = 0
    /// Latency of every link that has no override of its own.
    public var defaultLatency: LatencyModel
    /// Faults for datagram sends (connections never drop, duplicate or reorder).
    public var datagramFaults: DatagramFaults

    @usableFromInline var cut: [Bool] = []
    @usableFromInline var clogUntil: [SimTime] = []
    @usableFromInline var latencyOverride: [LatencyModel?] = []
    /// Arrival time of the last message sent on a link's current connection: FIFO per direction.
    @usableFromInline var lastArrival: [SimTime] = []
    /// Per unordered pair (stored at `min * n + max`): connection generation and whether open.
    @usableFromInline var generation: [UInt32] = []
    @usableFromInline var open: [Bool] = []
    /// Per directed end (`from * n + to`): `from`'s socket to `to` died silently (a partition
    /// broke it, or a connect hung); sends are dropped until `from` disconnects and retries.
    @usableFromInline var endDead: [Bool] = []
    /// Per directed end: a `.disconnected` notice is on its way to `from`. Until it is
    /// handled the end stays dead, so no new connection can start behind the old socket's
    /// back (which would let the peer see a stream with a hole in the middle).
    @usableFromInline var noticePending: [Bool] = []
    /// Per directed end: `from`'s connect to `to` hangs (its SYN went nowhere) while the
    /// kernel retransmits the SYN; what the end sends meanwhile waits in its buffer.
    @usableFromInline var connecting: [Bool] = []
    /// Per directed end: which connect attempt a retransmission belongs to, so the timers of
    /// an attempt its owner gave up on are recognised and ignored.
    @usableFromInline var connectToken: [UInt32] = []
    /// Per directed end: when its hung connect sent the first SYN.
    @usableFromInline var connectStart: [SimTime] = []

    public init(defaultLatency: LatencyModel = .lan, datagramFaults: DatagramFaults = .none) {
        self.defaultLatency = defaultLatency
        self.datagramFaults = datagramFaults
    }

    /// Grows every table for one more node (nodes are added before or during a run).
    mutating func addNode() {
        let old = nodeCount, n = old + 1
        func grow<T>(_ a: [T], _ fill: T) -> [T] {
            var b = [T](repeating: fill, count: n * n)
            for i in 0..<old { for j in 0..<old { b[i * n + j] = a[i * old + j] } }
            return b
        }
        cut = grow(cut, false)
        clogUntil = grow(clogUntil, .zero)
        latencyOverride = grow(latencyOverride, nil)
        lastArrival = grow(lastArrival, .zero)
        generation = grow(generation, 0)
        open = grow(open, false)
        endDead = grow(endDead, false)
        noticePending = grow(noticePending, false)
        connecting = grow(connecting, false)
        connectToken = grow(connectToken, 0)
        connectStart = grow(connectStart, .zero)
        nodeCount = n
    }

    @inlinable func link(_ a: NodeID, _ b: NodeID) -> Int { a.index * nodeCount + b.index }
    @inlinable func pair(_ a: NodeID, _ b: NodeID) -> Int {
        a.index < b.index ? a.index * nodeCount + b.index : b.index * nodeCount + a.index
    }

    /// True when messages from `a` to `b` are cut.
    @inlinable public func isCut(from a: NodeID, to b: NodeID) -> Bool { cut[link(a, b)] }
    /// True when a connection between the two could exist: TCP needs both directions.
    @inlinable public func canConnect(_ a: NodeID, _ b: NodeID) -> Bool { !cut[link(a, b)] && !cut[link(b, a)] }
    /// True when the pair has an open connection.
    @inlinable public func isOpen(_ a: NodeID, _ b: NodeID) -> Bool { open[pair(a, b)] }
    /// Every cut directed link, in order: (from, to).
    public var cutLinks: [(NodeID, NodeID)] {
        var out: [(NodeID, NodeID)] = []
        for i in 0..<nodeCount { for j in 0..<nodeCount where cut[i * nodeCount + j] { out.append((NodeID(i), NodeID(j))) } }
        return out
    }

    /// The latency model of one directed link.
    public func latency(from a: NodeID, to b: NodeID) -> LatencyModel { latencyOverride[link(a, b)] ?? defaultLatency }
    public mutating func setLatency(_ model: LatencyModel?, from a: NodeID, to b: NodeID) { latencyOverride[link(a, b)] = model }
}
