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

    public static func run(_ adapter: any SystemAdapter, seeds: Int, start: UInt64 = 1, duration: SimDuration? = nil) throws -> [Cell] {
        let timing = adapter.matrixTiming
        var cells: [Cell] = []
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
                var okSum = 0, all = 0
                var counts = Array(repeating: 0, count: s.checks.count + 1)
                for k in 0..<seeds {
                    let r = try ScenarioRunner.run(s, seed: start + UInt64(k))
                    let c = r.operationCounts
                    okSum += c.ok; all += c.ok + c.fail + c.info
                    for (i, name) in (s.checks + ["convergence"]).enumerated() where r.check(name)?.passed == false { counts[i] += 1 }
                }
                cells.append(Cell(preset: preset.name, family: family.name, seeds: seeds,
                                  availability: all == 0 ? 0 : Double(okSum) / Double(all),
                                  violations: zip(s.checks + ["convergence"], counts).map { ($0, $1) }))
            }
        }
        return cells
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
