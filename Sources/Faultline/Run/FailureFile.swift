import FaultlineCore

extension Scenario {
    /// The editable scenario that reproduces `result`: this seed, the schedule as realised
    /// (nemesis draws written out, role targets pinned to the nodes they hit), and the
    /// recorded trace hash and checkpoints that `replay` compares against.
    public func failureFile(for result: RunResult) -> Scenario {
        var s = self
        s.name = name.hasSuffix("-seed-\(result.seed)") ? name : "\(name)-seed-\(result.seed)"
        let story = description.hasPrefix("failure of ") ? "" : description
        s.description = "failure at seed \(result.seed): " + result.failedExpectations.joined(separator: ", ")
            + (story.isEmpty ? "" : ". " + story)
        s.seed = result.seed
        s.faults = result.schedule
        s.nemesis = nil
        s.recorded = result.recorded
        return s
    }

    /// Parses a scenario built in code through the same strict validation as a file.
    public func validated() throws -> Scenario {
        var s = try Scenario.decode(encoded(), file: "scenario \"\(name)\"")
        s.name = name
        return s
    }

    /// Runs the scenario (validated first) once: the Swift API for users' own tests.
    public func run(seed: UInt64? = nil) throws -> RunResult {
        try ScenarioRunner.run(validated(), seed: seed)
    }
}
