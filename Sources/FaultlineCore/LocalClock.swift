/// A reading of a node's own clock, in nanoseconds. Distinct from `SimTime` on purpose: a
/// node never sees true time, only this, which may be offset, drift and jump.
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    /// Whole milliseconds, as `mstime()` in Redis or `Time.currentElapsedTime()` in ZooKeeper.
    @inlinable public var milliseconds: Int64 { nanoseconds / 1_000_000 }
    @inlinable public static func < (a: LocalTime, b: LocalTime) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: LocalTime, d: SimDuration) -> LocalTime { LocalTime(nanoseconds: a.nanoseconds &+ d.nanoseconds) }
    @inlinable public static func - (a: LocalTime, b: LocalTime) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds &- b.nanoseconds) }
    public var description: String { "local=" + SimDuration.format(nanoseconds) }
}

/// One node's clock: true time mapped through an offset, a drift rate and jumps.
///
/// `local(t) = anchorLocal + (t - anchorTrue) * (1e6 + driftPPM) / 1e6`, in integers. A drift
/// or a jump re-anchors the clock at the current instant, so the reading never changes
/// retroactively. Timers are set in local time: a fast clock fires them early, a jump
/// forward fires every timer whose local deadline it passed.
public struct LocalClock: Sendable, Hashable {
    public private(set) var anchorTrue: SimTime
    public private(set) var anchorLocal: Int64
    /// Parts per million: +100 runs 100 µs fast per second. Bounded so time never runs backwards.
    public private(set) var driftPPM: Int64

    public static let driftPPMMax: Int64 = 500_000

    public init(offset: SimDuration = .zero, driftPPM: Int64 = 0) {
        precondition(abs(driftPPM) <= LocalClock.driftPPMMax, "drift beyond ±50% is not a clock")
        anchorTrue = .zero
        anchorLocal = offset.nanoseconds
        self.driftPPM = driftPPM
    }

    /// The local reading at true time `t` (t at or after the anchor).
    @inlinable public func local(at t: SimTime) -> LocalTime {
        let elapsed = t.nanoseconds - anchorTrue.nanoseconds
        return LocalTime(nanoseconds: anchorLocal &+ LocalClock.scale(elapsed, by: 1_000_000 + driftPPM, over: 1_000_000))
    }

    /// The true time at which this clock will read `target` (rounded up), or `now` if it already does.
    @inlinable public func trueTime(whenLocalReads target: LocalTime, now: SimTime) -> SimTime {
        let current = local(at: now)
        if target <= current { return now }
        let localDelta = target.nanoseconds - current.nanoseconds
        let trueDelta = LocalClock.scaleUp(localDelta, by: 1_000_000, over: 1_000_000 + driftPPM)
        return now + SimDuration(nanoseconds: trueDelta)
    }

    /// Changes the drift rate from true time `now` on.
    public mutating func setDrift(ppm: Int64, now: SimTime) {
        precondition(abs(ppm) <= LocalClock.driftPPMMax, "drift beyond ±50% is not a clock")
        anchorLocal = local(at: now).nanoseconds
        anchorTrue = now
        driftPPM = ppm
    }

    /// Steps the clock by `delta` (an NTP step, a VM migration, an operator): positive or negative.
    public mutating func jump(by delta: SimDuration, now: SimTime) {
        anchorLocal = local(at: now).nanoseconds &+ delta.nanoseconds
        anchorTrue = now
    }

    /// x * num / den without overflow for any run length (truncating).
    @inlinable static func scale(_ x: Int64, by num: Int64, over den: Int64) -> Int64 {
        (x / den) * num + (x % den) * num / den
    }

    /// x * num / den rounded up, for deadlines that must not fire early.
    @inlinable static func scaleUp(_ x: Int64, by num: Int64, over den: Int64) -> Int64 {
        let q = (x / den) * num, r = (x % den) * num
        return q + r / den + (r % den == 0 ? 0 : 1)
    }
}
