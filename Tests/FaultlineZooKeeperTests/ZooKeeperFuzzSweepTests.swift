import Testing
import Foundation
import FaultlineCore
import FaultlineStorage
@testable import FaultlineZooKeeper

/// Long sweeps, off unless asked for (`ZK_SWEEP=300 swift test -c release ...`): many fuzz
/// seeds, and election times after a clean leader crash. They print figures, and fail on
/// any invariant violation, liveness failure or non-linearizable history.
@Suite struct ZooKeeperFuzzSweepTests {
    @Test func sweepManySeeds() {
        let env = ProcessInfo.processInfo.environment
        guard let n = env["ZK_SWEEP"].flatMap(Int.init) else { return }
        let start = env["ZK_SWEEP_START"].flatMap(UInt64.init) ?? 1000
        var failures: [String] = []
        var ticks: [Int64] = []
        var crashes = 0, epochs = 0, txns = 0, cas = 0
        var o = ZooKeeperFuzzOptions()
        if env["ZK_TORN"] != nil { o.diskFaults.tornWrite = Ratio(1, 2) }
        for seed in start..<(start + UInt64(n)) {
            let r = ZooKeeperFuzz.run(seed: seed, options: o)
            ticks += r.electionTicksAfterLeaderCrash
            crashes += r.leaderCrashes; epochs += r.epochsEstablished; txns += r.committedTxns; cas += r.casOK
            if let f = ZooKeeperFuzzTests.check(r) { failures.append(f) }
        }
        ticks.sort()
        let p = { (q: Int) -> Int64 in ticks.isEmpty ? 0 : ticks[min(ticks.count - 1, ticks.count * q / 100)] }
        print("zk fuzz: seeds \(n) from \(start), failures \(failures.count), leader crashes \(crashes), epochs \(epochs), committed txns \(txns), cas ok \(cas)")
        print("zk fuzz: election after leader crash (ticks, under faults): n=\(ticks.count) p50=\(p(50)) p90=\(p(90)) p99=\(p(99)) max=\(ticks.last ?? 0)")
        for f in failures.prefix(5) { print("FAIL", f) }
        #expect(failures.isEmpty)
    }

    @Test func electionTicksAfterCleanLeaderCrash() {
        let env = ProcessInfo.processInfo.environment
        guard let n = env["ZK_ELECTIONS"].flatMap(Int.init) else { return }
        for isolate in [false, true] {
        var ticks: [Int64] = [], ms: [Int64] = []
        var missing = 0
        for seed in 1...UInt64(n) {
            if let r = ZooKeeperFuzz.electionAfterLeaderCrash(seed: seed, isolate: isolate) { ticks.append(r.ticks); ms.append(r.time.milliseconds) } else { missing += 1 }
        }
        ticks.sort(); ms.sort()
        let q = { (a: [Int64], p: Int) -> Int64 in a.isEmpty ? 0 : a[min(a.count - 1, a.count * p / 100)] }
        print("zk election after leader \(isolate ? "isolation" : "crash") (5 servers, tickTime 200ms): n=\(ticks.count) missing=\(missing) ticks min=\(ticks.first ?? 0) p50=\(q(ticks, 50)) p90=\(q(ticks, 90)) p99=\(q(ticks, 99)) max=\(ticks.last ?? 0); ms p50=\(q(ms, 50)) p90=\(q(ms, 90)) max=\(ms.last ?? 0)")
        #expect(missing == 0)
        }
    }
}
