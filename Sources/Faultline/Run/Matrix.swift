import FaultlineCore
import FaultlineCheck

/// Every preset of a system against a standard set of fault families: the table users
/// argue over (how available is each configuration, and what does it lose).
public enum Matrix {
    /// A fault family: a name and the faults it adds to the base scenario.
    public struct Family: Sendable {
        public let name: String
        /// The faults, given the main role, when they start and how long they last.
        public let faults: @Sendable (_ mainRole: String, _ at: SimDuration, _ length: SimDuration) -> [FaultSpec]
        public let nemesis: NemesisSpec?
    }

    public static let families: [Family] = [
        Family(name: "none", faults: { _, _, _ in [] }, nemesis: nil),
        Family(name: "isolate-main", faults: { [FaultSpec(.isolate, at: $1, target: [$0], for: $2)] }, nemesis: nil),
        Family(name: "main-in-minority", faults: { [FaultSpec(.split, at: $1, target: [$0], for: $2)] }, nemesis: nil),
        Family(name: "crash-main", faults: { [FaultSpec(.crash, at: $1, target: [$0], for: $2)] }, nemesis: nil),
        Family(name: "pause-main", faults: { [FaultSpec(.pause, at: $1, target: [$0], for: $2)] }, nemesis: nil),
        Family(name: "clock-jump-main", faults: { role, at, length in
            var f = FaultSpec(.clockJump, at: at, target: [role]); f.by = length * 4; return [f] }, nemesis: nil),
        Family(name: "clog-main", faults: { [FaultSpec(.clog, at: $1, target: [$0], for: $2)] }, nemesis: nil),
        Family(name: "random-mix", faults: { _, _, _ in [] }, nemesis: NemesisSpec(kinds: [.partition, .crash, .pause, .clock, .clog])),
    ]

    public struct Cell: Sendable {
        public var preset: String
        public var family: String
        public var seeds: Int
        public var availability: Double
        /// Seeds in which each check found a violation.
        public var violations: [(check: String, seeds: Int)]
    }

    /// One cell of the table before it runs: a preset, a fault family, the scenario.
    public struct Plan: Sendable {
        public var preset: String
        public var family: String
        public var scenario: Scenario
        /// The checks counted, convergence last.
        public var checks: [String] { scenario.checks + ["convergence"] }
    }

    /// One run of one cell: what it adds to the cell's availability and violation counts.
    public struct Sample: Sendable, Equatable {
        public var cell: Int
        public var seed: UInt64
        public var ok: Int
        public var all: Int
        /// Per check of the cell's plan, in order: did it fail in this run?
        public var violated: [Bool]
    }

    /// The cells in table order: every preset, every family.
    public static func plans(_ adapter: any SystemAdapter, duration: SimDuration? = nil) -> [Plan] {
        let timing = adapter.matrixTiming
        var plans: [Plan] = []
        for preset in adapter.presets {
            for family in families {
                var s = Scenario(name: "\(adapter.name)-\(preset.name)-\(family.name)", system: adapter.name, preset: preset.name)
                s.workload.duration = duration ?? timing.duration
                s.settings = timing.settings
                s.liveness.within = timing.livenessWithin
                s.faults = family.faults(adapter.mainRole, timing.faultAt, timing.faultFor)
                if var n = family.nemesis {
                    n.interval = (timing.faultFor / 4)...(timing.faultFor)
                    n.duration = (timing.faultFor / 4)...(timing.faultFor)
                    s.nemesis = n
                }
                s.checks = adapter.defaultChecks
                s.expect = adapter.defaultChecks.map { ($0, .any) } + [("convergence", .any)]
                plans.append(Plan(preset: preset.name, family: family.name, scenario: s))
            }
        }
        return plans
    }

    /// Runs cell `cell` of `plans` with `seed`.
    public static func sample(_ plans: [Plan], cell: Int, seed: UInt64) throws -> Sample {
        let plan = plans[cell]
        let r = try ScenarioRunner.run(plan.scenario, seed: seed)
        let c = r.operationCounts
        return Sample(cell: cell, seed: seed, ok: c.ok, all: c.ok + c.fail + c.info,
                      violated: plan.checks.map { r.check($0)?.passed == false })
    }

    /// Every (cell, seed) run, numbered so that worker `k` of `j` takes the runs whose
    /// number is `k` modulo `j`: cells differ in cost, so interleaving keeps workers even.
    public static func runs(cells: Int, seeds: Int, start: UInt64) -> [(cell: Int, seed: UInt64)] {
        (0..<cells).flatMap { cell in (0..<seeds).map { (cell, start + UInt64($0)) } }
    }

    /// The table from its samples (any order: the sums do not depend on it).
    public static func cells(_ plans: [Plan], samples: [Sample], seeds: Int) -> [Cell] {
        plans.enumerated().map { index, plan in
            let mine = samples.filter { $0.cell == index }
            assert(mine.count == seeds, "every seed of every cell ran once")
            let ok = mine.reduce(0) { $0 + $1.ok }, all = mine.reduce(0) { $0 + $1.all }
            let counts = plan.checks.indices.map { i in mine.filter { $0.violated[i] }.count }
            return Cell(preset: plan.preset, family: plan.family, seeds: seeds,
                        availability: all == 0 ? 0 : Double(ok) / Double(all),
                        violations: zip(plan.checks, counts).map { ($0, $1) })
        }
    }

    /// The whole table in this process.
    public static func run(_ adapter: any SystemAdapter, seeds: Int, start: UInt64 = 1, duration: SimDuration? = nil) throws -> [Cell] {
        let plans = plans(adapter, duration: duration)
        let samples = try runs(cells: plans.count, seeds: seeds, start: start).map { try sample(plans, cell: $0.cell, seed: $0.seed) }
        return cells(plans, samples: samples, seeds: seeds)
    }

    public static func markdown(_ cells: [Cell], system: String) -> String {
        guard let first = cells.first else { return "(no presets)\n" }
        let checks = first.violations.map(\.check)
        var t = "| preset | faults | availability | " + checks.joined(separator: " | ") + " |\n"
        t += "|---|---|---:|" + checks.map { _ in "---:|" }.joined() + "\n"
        for c in cells {
            t += "| \(c.preset) | \(c.family) | \(ScenarioCLI.percent(c.availability)) | "
                + c.violations.map { "\($0.seeds)/\(c.seeds)" }.joined(separator: " | ") + " |\n"
        }
        t += "\n\(system): violations are seeds (of those run) in which the check failed.\n"
        return t
    }

    public static func json(_ cells: [Cell], system: String) -> JSONValue {
        .object([("system", .string(system)), ("cells", .array(cells.map { c in
            .object([("preset", .string(c.preset)), ("faults", .string(c.family)), ("seeds", .int(Int64(c.seeds))),
                     ("availability", .double(c.availability)),
                     ("violations", .object(c.violations.map { ($0.check, .int(Int64($0.seeds))) }))])
        }))])
    }
}
