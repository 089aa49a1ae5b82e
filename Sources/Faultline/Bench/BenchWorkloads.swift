/// Every benchmark `faultline bench` knows, in the order it runs them.
/// A new workload is one file under Bench/ plus one line here.
public enum BenchWorkloads {
    public static var all: [BenchWorkload] { workloads(options: BenchOptions()) }

    /// The workloads with the options of one `faultline bench` call.
    public static func workloads(options: BenchOptions) -> [BenchWorkload] {
        var list: [BenchWorkload] = []
        list += CoreBench.workloads(events: options.events, seed: options.seed)
        list += [CheckBench.etcdCorpus, CheckBench.kvC50]
        list += StorageBench.workloads
        return list
    }

    /// Ratios printed after the workloads (each only when both of its workloads ran).
    public static var ratios: [BenchRatio] {
        [BenchRatio("core-actors/core-queue-baseline", "core-actors", over: "core-queue-baseline")]
    }
}

/// Options `faultline bench` passes to the workloads that take them.
public struct BenchOptions: Sendable {
    /// Events for the simulation workloads (their default when nil).
    public var events: Int?
    public var seed: UInt64 = 1
    public init(events: Int? = nil, seed: UInt64 = 1) { self.events = events; self.seed = seed }
}
