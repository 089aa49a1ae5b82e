import Foundation
import Testing
@testable import Faultline

@Suite struct MatrixTests {
    @Test func matrixRunsEveryPresetAgainstEveryFaultFamily() throws {
        let adapter = PrimaryBackupSystem()
        let cells = try Matrix.run(adapter, seeds: 1, duration: .seconds(8))
        #expect(cells.count == adapter.presets.count * Matrix.families.count)
        let asyncIsolated = try #require(cells.first { $0.preset == "async" && $0.family == "isolate-main" })
        let syncIsolated = try #require(cells.first { $0.preset == "sync" && $0.family == "isolate-main" })
        #expect(asyncIsolated.violations.first { $0.check == "lost-writes" }?.seeds == 1)
        #expect(syncIsolated.violations.first { $0.check == "lost-writes" }?.seeds == 0)
        #expect(syncIsolated.availability < asyncIsolated.availability, "CP pays in availability")
        let md = Matrix.markdown(cells, system: adapter.name)
        #expect(md.contains("| preset | faults | availability | lost-writes | election-safety | convergence |"))
        let json = try JSONValue.parse(Data(Matrix.json(cells, system: adapter.name).jsonText.utf8), file: "matrix")
        if case .array(let a)? = json["cells"] { #expect(a.count == cells.count) } else { Issue.record("cells") }
    }

    @Test func matrixOfAnUnknownSystemIsAUsageError() {
        let r = TestSupport.cli(["matrix", "cassandra"])
        #expect(r.code == ExitCode.usage)
        #expect(r.err.contains("systems: primary-backup"))
    }
}
