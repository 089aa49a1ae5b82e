import FaultlineCore
import FaultlineZooKeeper

/// Whole-system benchmarks: a modelled system under faults, as `faultline fuzz` runs it,
/// so the figure a user cares about (seeds per second, simulated seconds per wall second)
/// is tracked next to the core's own.
enum SystemBench {
    /// ZooKeeper fuzz seeds: 5 servers, 4 clients, 40 s of random partitions, crashes,
    /// pauses and clock skew, then the liveness phase (which ends once the ensemble has
    /// converged, so simulated time varies per seed and is not reported); every seed must pass.
    static func zookeeperFuzz(seeds: Int, firstSeed: UInt64) -> BenchMeasurement {
        var events: UInt64 = 0, failures = 0, hash = TraceHasher()
        let options = ZooKeeperFuzzOptions()
        let (_, seconds) = BenchClock.measure {
            for s in 0..<seeds {
                let r = ZooKeeperFuzz.run(seed: firstSeed &+ UInt64(s), options: options)
                events &+= r.events
                hash.combine(r.traceHash)
                if !r.passed { failures += 1 }
            }
        }
        return BenchMeasurement(events: Int(events), wallSeconds: seconds,
                                extra: [("seeds", Double(seeds)), ("seeds_per_second", Double(seeds) / max(seconds, 1e-9)),
                                        ("failed_seeds", Double(failures))],
                                traceHash: hash.value)
    }

    static func workloads(seed: UInt64) -> [BenchWorkload] {
        [
            BenchWorkload(name: "zookeeper-fuzz-seeds",
                          summary: "10 ZooKeeper fuzz seeds (5 servers, faults, liveness phase, linearizability)") {
                zookeeperFuzz(seeds: 10, firstSeed: seed)
            },
        ]
    }
}
