import FaultlineCore

/// What a replay of a failure file found.
public struct ReplayOutcome: Sendable {
    public var result: RunResult
    public var recorded: RecordedRun
    public var identical: Bool { result.traceHash == recorded.traceHash && result.events == recorded.events }
    /// The first checkpoint window whose hash differs: events (from, to], with both hashes.
    public var divergence: (fromEvent: UInt64, toEvent: UInt64, recorded: UInt64, now: UInt64?)? {
        if identical { return nil }
        var previous: UInt64 = 0
        for (i, mine) in recorded.checkpoints.enumerated() {
            guard i < result.checkpoints.count else { return (previous, mine.events, mine.hash, nil) }
            if result.checkpoints[i] != mine { return (previous, mine.events, mine.hash, result.checkpoints[i].hash) }
            previous = mine.events
        }
        // Every recorded checkpoint matched: the runs part after the last one.
        return (previous, max(recorded.events, result.events), recorded.traceHash, result.traceHash)
    }

    public static func replay(_ scenario: Scenario, options: RunOptions = RunOptions()) throws -> ReplayOutcome? {
        guard let recorded = scenario.recorded else { return nil }
        var o = options
        o.checkpointInterval = recorded.checkpointInterval
        let result = try ScenarioRunner.run(scenario, seed: scenario.seed, options: o)
        return ReplayOutcome(result: result, recorded: recorded)
    }
}
