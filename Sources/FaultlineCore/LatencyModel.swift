/// How long a message takes on a link: drawn per message from the network's random stream.
public enum LatencyModel: Sendable, Hashable, CustomStringConvertible {
    /// Always the same.
    case constant(SimDuration)
    /// Uniform in the closed range.
    case uniform(SimDuration, SimDuration)
    /// A heavy tail: `min + Pareto(scale)` with shape 1 (P(X > x) = scale / x), capped at `max`.
    /// Most messages take about `min + scale`; a few take up to `max`, as on a real LAN with GC
    /// and retransmits. Drawn in integers: `scale * 2^32 / (u + 1)` for a uniform 32-bit `u`.
    case longTail(min: SimDuration, scale: SimDuration, max: SimDuration)

    /// A same-rack LAN: 0.2 to 1 ms.
    public static let lan = LatencyModel.uniform(.microseconds(200), .milliseconds(1))

    @inlinable public func draw(_ random: inout SeededRandom) -> SimDuration {
        switch self {
        case .constant(let d):
            return d
        case .uniform(let lo, let hi):
            return random.duration(in: lo...hi)
        case .longTail(let lo, let scale, let hi):
            let u = random.next() >> 32
            let (tail, overflow) = UInt64(scale.nanoseconds).multipliedReportingOverflow(by: 1 << 32)
            let extra = overflow ? UInt64(Int64.max) : tail / (u + 1)
            let cap = UInt64(max(0, hi.nanoseconds - lo.nanoseconds))
            return lo + SimDuration(nanoseconds: Int64(min(extra, cap)))
        }
    }

    /// The bounds a draw can reach.
    public var range: ClosedRange<SimDuration> {
        switch self {
        case .constant(let d): return d...d
        case .uniform(let lo, let hi): return lo...hi
        case .longTail(let lo, _, let hi): return lo...hi
        }
    }

    public var description: String {
        switch self {
        case .constant(let d): return "constant(\(d))"
        case .uniform(let lo, let hi): return "uniform(\(lo)..\(hi))"
        case .longTail(let lo, let s, let hi): return "long-tail(min \(lo), scale \(s), max \(hi))"
        }
    }
}

/// Faults a datagram (connectionless) message may suffer. Connections never drop, duplicate
/// or reorder while they last; datagrams may, each with its own rate.
public struct DatagramFaults: Sendable, Hashable {
    public var drop: Ratio
    public var duplicate: Ratio
    /// A reordered datagram gets an extra delay of up to `reorderDelayMax`, so later ones overtake it.
    public var reorder: Ratio
    public var reorderDelayMax: SimDuration

    public init(drop: Ratio = .never, duplicate: Ratio = .never, reorder: Ratio = .never,
                reorderDelayMax: SimDuration = .milliseconds(20)) {
        self.drop = drop; self.duplicate = duplicate; self.reorder = reorder
        self.reorderDelayMax = reorderDelayMax
    }

    public static let none = DatagramFaults()
}
