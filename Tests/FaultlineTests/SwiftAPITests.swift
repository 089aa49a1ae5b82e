import Testing
import Faultline

/// The README's example: a user's own test in a dozen lines.
@Suite struct SwiftAPITests {
    @Test func isolatedAsyncPrimaryLosesAcknowledgedWrites() throws {
        var scenario = Scenario(name: "isolated primary", system: "primary-backup", preset: "async")
        scenario.workload.duration = .seconds(8)
        scenario.faults = [FaultSpec(.isolate, at: .seconds(2), target: ["primary"], for: .seconds(3))]
        scenario.checks = ["lost-writes"]

        let result = try scenario.run(seed: 42)
        #expect(result.check("lost-writes")?.passed == false)
        #expect(result.check("convergence")?.passed == true)
    }

    @Test func aScenarioBuiltInCodeIsValidatedLikeAFile() {
        var scenario = Scenario(name: "typo", system: "primary-backup", preset: "async")
        scenario.faults = [FaultSpec(.isolate, at: .seconds(2), target: ["leader"])]
        #expect(throws: ScenarioError.self) { try scenario.run() }
    }
}

/// The exact example README shows, so the README stays true.
@Suite struct ReadmeExampleTests {
    @Test func isolatedAsyncRedisPrimaryLosesAcknowledgedWrites() throws {
        var scenario = Scenario(name: "isolated primary", system: "redis", preset: "async")
        scenario.settings = [("down-after-milliseconds", .int(5000))]
        scenario.workload.duration = .seconds(60)
        scenario.faults = [FaultSpec(.isolate, at: .seconds(20), target: ["primary"], for: .seconds(30))]
        scenario.checks = ["lost-writes"]

        let result = try scenario.run(seed: 21)
        #expect(result.check("lost-writes")?.passed == false)
        #expect(result.check("convergence")?.passed == true)
    }
}
