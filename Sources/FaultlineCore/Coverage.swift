/// Named counters a model bumps when it reaches a rare path ("full resync", "TRUNC sent",
/// "unclean election"), so a run or a fuzz campaign can say which failover paths it really
/// exercised: the idea of Antithesis' "sometimes" assertions.
public struct Coverage: Sendable, Hashable {
    /// Counts by probe name. Read through `sorted` so Dictionary order never leaks.
    private var counts: [String: Int] = [:]

    public init() {}

    public mutating func hit(_ name: String, times: Int = 1) {
        counts[name, default: 0] += times
    }

    public func count(_ name: String) -> Int { counts[name] ?? 0 }

    /// Every probe reached, by name.
    public var sorted: [(name: String, count: Int)] {
        counts.keys.sorted().map { ($0, counts[$0]!) }
    }

    /// Adds another run's counts (fuzz campaigns).
    public mutating func merge(_ other: Coverage) {
        for (name, n) in other.sorted { hit(name, times: n) }
    }
}
