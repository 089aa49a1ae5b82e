/// An instant of virtual (true, global) time: nanoseconds since the simulation began.
///
/// This is the simulator's own time, which every observer agrees on. A node never sees it
/// directly: it reads its `LocalClock`, which may be offset, drift or jump.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimTime(nanoseconds: 0)
    /// The instant `n` units after the start: `.seconds(2)` is t=2s.
    @inlinable public static func nanoseconds(_ n: Int64) -> SimTime { SimTime(nanoseconds: n) }
    @inlinable public static func milliseconds(_ n: Int64) -> SimTime { SimTime(nanoseconds: n * 1_000_000) }
    @inlinable public static func seconds(_ n: Int64) -> SimTime { SimTime(nanoseconds: n * 1_000_000_000) }
    @inlinable public static func at(_ d: SimDuration) -> SimTime { SimTime(nanoseconds: d.nanoseconds) }

    /// Later than any event a run can schedule.
    public static let distantFuture = SimTime(nanoseconds: Int64.max)

    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: SimTime, d: SimDuration) -> SimTime {
        // Saturate rather than trap: "never" plus anything is still never.
        let (sum, overflow) = a.nanoseconds.addingReportingOverflow(d.nanoseconds)
        return SimTime(nanoseconds: overflow ? Int64.max : sum)
    }
    @inlinable public static func - (a: SimTime, d: SimDuration) -> SimTime { SimTime(nanoseconds: a.nanoseconds - d.nanoseconds) }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds - b.nanoseconds) }
    @inlinable public static func += (a: inout SimTime, d: SimDuration) { a = a + d }

    /// Time since the start, as a duration.
    @inlinable public var sinceStart: SimDuration { SimDuration(nanoseconds: nanoseconds) }

    /// "t=1.5s": the form used in traces and reports.
    public var description: String { "t=" + SimDuration.format(nanoseconds) }
}
