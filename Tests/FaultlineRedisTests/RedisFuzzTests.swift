import Testing
import Foundation
import FaultlineCore
@testable import FaultlineRedis

@Suite struct RedisFuzzTests {
    @Test(arguments: RedisPreset.allCases)
    func fuzzedFaultsKeepOneLeaderPerEpochAndTheClusterConverges(preset: RedisPreset) {
        for seed in [UInt64(1), 2] {
            let o = RedisFuzz.run(seed: seed, preset: preset)
            #expect(o.violation == nil, "\(o)")
            #expect(o.lostWrites.hadFinalRead, "\(o)\n\(o.faults.map(\.description).joined(separator: "\n"))")
            #expect(o.converged, "\(o)\n\(o.faults.map(\.description).joined(separator: "\n"))")
            #expect(o.lostWrites.acknowledged > 100)
            #expect(o.lostWrites.failedButPresent.isEmpty, "a write answered with an error never takes effect")
            #expect(!o.faults.isEmpty)
        }
    }

    @Test func sameSeedSameRun() {
        let a = RedisFuzz.run(seed: 7, preset: .async), b = RedisFuzz.run(seed: 7, preset: .async)
        #expect(a.traceHash == b.traceHash)
        #expect(a.lostWrites == b.lostWrites)
        #expect(a.faults == b.faults)
        let c = RedisFuzz.run(seed: 8, preset: .async)
        #expect(c.traceHash != a.traceHash)
    }

    /// The campaign: `FAULTLINE_REDIS_FUZZ_SEEDS=300 swift test -c release --filter redisFuzzCampaign`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FAULTLINE_REDIS_FUZZ_SEEDS"] != nil))
    func redisFuzzCampaign() {
        let n = UInt64(ProcessInfo.processInfo.environment["FAULTLINE_REDIS_FUZZ_SEEDS"] ?? "") ?? 100
        for preset in RedisPreset.allCases {
            let summary = RedisFuzz.campaign(seeds: Array(1...n), preset: preset) { o in
                if o.violation != nil || !o.converged || !o.lostWrites.hadFinalRead { print("FUZZ", o) }
            }
            print("FUZZ SUMMARY", summary)
        }
    }
}
