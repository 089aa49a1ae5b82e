/// Every benchmark `faultline bench` knows, in the order it runs them.
/// A new workload is one file under Bench/ plus one line here.
public enum BenchWorkloads {
    public static var all: [BenchWorkload] {
        [CheckBench.etcdCorpus, CheckBench.kvC50]
            + StorageBench.workloads
    }

    /// Ratios printed after the workloads (each only when both of its workloads ran).
    public static var ratios: [BenchRatio] {
        []
    }
}
