/// A node (a server, a client, a Sentinel: any process) of one simulation.
///
/// A dense index, so per-node and per-link state lives in flat arrays: no hashing, and no
/// Dictionary order anywhere near a decision. Names live in the simulation.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int

    @inlinable public init(_ index: Int) {
        precondition(index >= 0, "node indices are dense and start at 0")
        self.index = index
    }

    @inlinable public static func < (a: NodeID, b: NodeID) -> Bool { a.index < b.index }
    public var description: String { "n\(index)" }
}

/// A timer an actor set: unique within its simulation, never reused.
public struct TimerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let raw: UInt64
    @inlinable public init(raw: UInt64) { self.raw = raw }
    @inlinable public static func < (a: TimerID, b: TimerID) -> Bool { a.raw < b.raw }
    public var description: String { "timer\(raw)" }
}
