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

    /// The worker protocol: a run's line reads back as the same sample, and samples summed
    /// in any order give the same table.
    @Test func workerLinesCarryEachRunAndTheTableIgnoresTheirOrder() throws {
        let adapter = PrimaryBackupSystem()
        let plans = Matrix.plans(adapter, duration: .seconds(6))
        let runs = Matrix.runs(cells: plans.count, seeds: 2, start: 5)
        #expect(runs.count == plans.count * 2 && runs.first! == (0, 5) && runs.last! == (plans.count - 1, 6))
        let samples = try runs.map { try Matrix.sample(plans, cell: $0.cell, seed: $0.seed) }
        for s in samples { #expect(MatrixCommand.sample(line: MatrixCommand.line(s)) == s) }
        #expect(MatrixCommand.sample(line: "{\"cell\": 1}") == nil)
        let forward = Matrix.markdown(Matrix.cells(plans, samples: samples, seeds: 2), system: adapter.name)
        let backward = Matrix.markdown(Matrix.cells(plans, samples: samples.reversed(), seeds: 2), system: adapter.name)
        #expect(forward == backward)
        #expect(forward == Matrix.markdown(try Matrix.run(adapter, seeds: 2, start: 5, duration: .seconds(6)), system: adapter.name))
    }

    @Test func matrixOfAnUnknownSystemIsAUsageError() {
        let r = TestSupport.cli(["matrix", "cassandra"])
        #expect(r.code == ExitCode.usage)
        #expect(r.err.contains("systems: primary-backup"))
    }
}
