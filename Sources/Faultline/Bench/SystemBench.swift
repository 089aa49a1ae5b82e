import FaultlineCore
import FaultlineZooKeeper
import FaultlineRedis

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

    /// Redis fuzz seeds under one preset: 3 servers, 3 Sentinels, 3 clients, 90 s of
    /// partitions, crashes and pauses, then healing and a final read. Reports the lost
    /// acknowledged writes, the figure the presets are argued about.
    static func redisFuzz(seeds: Int, firstSeed: UInt64, preset: RedisPreset) -> BenchMeasurement {
        var events: UInt64 = 0, hash = TraceHasher()
        let (summary, seconds) = BenchClock.measure {
            RedisFuzz.campaign(seeds: (0..<UInt64(seeds)).map { firstSeed &+ $0 }, preset: preset) { o in
                events &+= o.eventCount
                hash.combine(o.traceHash)
            }
        }
        var extra: [(name: String, value: Double)] = []
        extra.append(("seeds", Double(seeds)))
        extra.append(("seeds_per_second", Double(seeds) / max(seconds, 1e-9)))
        extra.append(("acknowledged_writes", Double(summary.acknowledged)))
        extra.append(("lost_writes", Double(summary.lost)))
        extra.append(("seeds_losing_writes", Double(summary.runsLosingWrites)))
        extra.append(("invariant_violations", Double(summary.violations)))
        extra.append(("not_converged", Double(summary.notConverged)))
        return BenchMeasurement(events: Int(events), wallSeconds: seconds, extra: extra, traceHash: hash.value)
    }

    static func workloads(seed: UInt64) -> [BenchWorkload] {
        let redis: [BenchWorkload] = RedisPreset.allCases.map { preset in
            BenchWorkload(name: "redis-fuzz-seeds-\(preset.rawValue)",
                          summary: "10 Redis/Sentinel fuzz seeds under the \(preset.rawValue) preset, with lost-write counts") {
                redisFuzz(seeds: 10, firstSeed: seed, preset: preset)
            }
        }
        return [
            BenchWorkload(name: "zookeeper-fuzz-seeds",
                          summary: "10 ZooKeeper fuzz seeds (5 servers, faults, liveness phase, linearizability)") {
                zookeeperFuzz(seeds: 10, firstSeed: seed)
            },
        ] + redis
    }
}
