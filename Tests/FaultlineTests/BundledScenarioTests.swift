import Foundation
import Testing
@testable import Faultline

/// Every scenario shipped in scenarios/ must meet its own expectation.
@Suite struct BundledScenarioTests {
    @Test(arguments: TestSupport.bundledScenarios.map(\.lastPathComponent))
    func bundledScenarioMeetsItsExpectation(_ name: String) throws {
        let path = TestSupport.packageRoot.appendingPathComponent("scenarios").appendingPathComponent(name).path
        let scenario = try Scenario.load(path: path)
        let r = try ScenarioRunner.run(scenario)
        let met = r.expectationsMet, summary = r.summary(scenario: scenario)
        #expect(met, "\(name):\n\(summary)")
    }

    @Test func thereAreBundledScenariosAndEachHasAnExpectation() throws {
        let all = TestSupport.bundledScenarios
        #expect(all.count >= 2)
        for url in all {
            let s = try Scenario.load(path: url.path)
            #expect(!s.description.isEmpty, "\(url.lastPathComponent) says what story it tells")
            #expect(!s.checks.isEmpty || !s.expect.isEmpty, "\(url.lastPathComponent) names what it checks")
        }
    }
}

/// A violation is explained in the system's own words: the lock story's overlap names the
/// getChildren reply that made the second client believe it held the lock, as ZooKeeper's
/// records read (xid, zxid in hex, error name, the children), not as a Swift value dump.
@Suite struct ViolationExplanationTests {
    @Test func theLockOverlapIsExplainedByTheReplyThatCausedIt() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("scenarios")
            .appendingPathComponent("zookeeper-lock-holder-paused.json").path
        let scenario = try Scenario.load(path: path)
        let r = try ScenarioRunner.run(scenario)
        let summary = r.summary(scenario: scenario)
        #expect(summary.contains("FAIL zk.lockHoldersNeverOverlap"), "\(summary)")
        #expect(summary.contains("reply xid="), "\(summary)")
        #expect(summary.contains("zxid=0x"), "\(summary)")
        #expect(summary.contains("children=[\"_c_"), "\(summary)")
        #expect(!summary.contains("FaultlineZooKeeper."), "a Swift type name leaked into the explanation:\n\(summary)")
    }
}
