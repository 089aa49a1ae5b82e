/// One benchmark: something `faultline bench` runs in a release build and times.
///
/// Benchmarks are the only place where speed is judged, always as ratios between
/// workloads of the same run (or against a peer's figure on the same machine kind),
/// never by timed assertions in tests.
public struct BenchWorkload: Sendable {
    public let name: String
    public let summary: String
    /// Prepares inputs (untimed), then times the work with `BenchClock.measure`.
    public let run: @Sendable () throws -> BenchMeasurement

    public init(name: String, summary: String, run: @escaping @Sendable () throws -> BenchMeasurement) {
        self.name = name; self.summary = summary; self.run = run
    }
}

/// What one workload did and how long the timed part took.
public struct BenchMeasurement: Sendable {
    /// Events (or operations, records, histories: the workload's unit) handled while timed.
    public var events: Int
    public var wallSeconds: Double
    /// Virtual time covered, for simulation workloads; nil when it means nothing.
    public var simulatedSeconds: Double?
    /// Extra named figures (bytes per second, peak memory, files checked...).
    public var extra: [(name: String, value: Double)]
    /// The run's trace hash, for simulation workloads: the same seed must print the same.
    public var traceHash: UInt64?

    public init(events: Int, wallSeconds: Double, simulatedSeconds: Double? = nil,
                extra: [(name: String, value: Double)] = [], traceHash: UInt64? = nil) {
        self.events = events; self.wallSeconds = wallSeconds
        self.simulatedSeconds = simulatedSeconds; self.extra = extra; self.traceHash = traceHash
    }

    public var eventsPerSecond: Double { wallSeconds > 0 ? Double(events) / wallSeconds : 0 }
    public var simulatedSecondsPerWallSecond: Double? {
        guard let s = simulatedSeconds, wallSeconds > 0 else { return nil }
        return s / wallSeconds
    }
}

/// A ratio `faultline bench` prints between two workloads' events per second.
public struct BenchRatio: Sendable {
    public let name: String
    public let numerator: String
    public let denominator: String
    public init(_ name: String, _ numerator: String, over denominator: String) {
        self.name = name; self.numerator = numerator; self.denominator = denominator
    }
}

/// Wall-clock timing for benchmarks only. Simulation code never calls this.
public enum BenchClock {
    /// Runs `body` and returns its result with the elapsed wall seconds.
    public static func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try body()
        let d = clock.now - start
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return (result, seconds)
    }
}
