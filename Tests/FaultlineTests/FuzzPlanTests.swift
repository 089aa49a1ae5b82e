import Testing
@testable import Faultline

@Suite struct FuzzPlanTests {
    @Test func shardsAndWorkersCoverEverySeedExactlyOnce() throws {
        for shards in 1...4 {
            for workers in 1...3 {
                var all: [UInt64] = []
                for i in 0..<shards { for k in 0..<workers {
                    var p = FuzzPlan(start: 100, count: 23)
                    p.shard = i; p.shards = shards; p.worker = k; p.workers = workers
                    all += p.seeds
                } }
                #expect(all.sorted() == Array(100..<123), "shards \(shards) workers \(workers)")
            }
        }
    }

    @Test func jobArrayVariablesPickTheShard() throws {
        #expect(try FuzzPlan.shard(option: nil, environment: [:]) == (0, 1))
        #expect(try FuzzPlan.shard(option: "2/5", environment: [:]) == (2, 5))
        #expect(try FuzzPlan.shard(option: nil, environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"]) == (3, 4))
        #expect(try FuzzPlan.shard(option: nil, environment: ["SLURM_ARRAY_TASK_ID": "11", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"]) == (1, 4))
        #expect(try FuzzPlan.shard(option: "auto/8", environment: ["JOB_COMPLETION_INDEX": "7"]) == (7, 8))
        #expect(throws: UsageError.self) { try FuzzPlan.shard(option: "auto/8", environment: [:]) }
        #expect(throws: UsageError.self) { try FuzzPlan.shard(option: "auto/8", environment: ["JOB_COMPLETION_INDEX": "8"]) }
        #expect(throws: UsageError.self) { try FuzzPlan.shard(option: "5/5", environment: [:]) }
        #expect(throws: UsageError.self) { try FuzzPlan.shard(option: "x", environment: [:]) }
    }

    @Test func fuzzSumsCoverageOverSeedsAndSavesFailures() throws {
        let dir = TestSupport.temporaryDirectory("fuzzcov")
        let text = """
        { system: "primary-backup", preset: "async", workload: { clients: 2, duration: "5s", keys: 2 },
          nemesis: { kinds: ["partition"], interval: "500ms..1s", duration: "1500ms..2s", swarm: false },
          checks: ["lost-writes"] }
        """
        let path = TestSupport.write(text, dir, "f.json")
        let r = TestSupport.cli(["fuzz", path, "--seeds", "5", "--out", dir.appendingPathComponent("fail").path])
        #expect(r.out.contains("coverage (probe: hits, seeds reaching it)"))
        #expect(r.out.contains("pb.promote"))
        #expect(r.err.contains("progress: 5/5 seeds"), "plain progress lines off a terminal")
        if r.code == ExitCode.checkFailed { #expect(r.out.contains("-> ")) }
    }
}
