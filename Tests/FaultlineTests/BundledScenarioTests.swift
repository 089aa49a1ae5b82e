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
