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

    /// Writes this failure file at `path`, with `digests` in a sidecar beside it that
    /// `recorded.event_digests` names, so `replay` can name the exact first event that differs.
    /// The sidecar is written first: a failure file never names digests that are not there.
    public func save(asFailureAt path: String, digests: EventDigests) throws {
        precondition(recorded != nil, "only a failure file (with `recorded`) has event digests")
        precondition(digests.count == recorded!.events, "one digest per recorded event")
        var s = self
        let name = EventDigests.sidecarName(for: path)
        s.recorded!.eventDigests = name
        try digests.write(to: EventDigests.resolve(name, besideFailure: path))
        try ScenarioCLI.write(s.fileText(), to: path, what: "the failure file")
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
