import Foundation
import FaultlineCore

/// What a replay of a failure file found.
public struct ReplayOutcome: Sendable {
    public var result: RunResult
    public var recorded: RecordedRun
    /// Whether the replay was compared event by event with the recorded digests.
    public var digests: DigestComparison
    /// The first event where the replay parted from the recorded digests (nil when every
    /// event matched, or when there were no digests to compare).
    public var firstDivergence: EventDivergence?

    public enum DigestComparison: Sendable, Equatable {
        /// The failure file names no digests (written before they existed, or by hand), or
        /// `replay` was not told where the failure file is, so they cannot be found.
        case notRecorded
        /// The failure file names digests at this path, but the file is not there.
        case notFound(path: String)
        /// Every event was compared with the digests at this path.
        case compared(path: String)
    }

    /// Same trace hash and event count as recorded.
    public var traceMatches: Bool { result.traceHash == recorded.traceHash && result.events == recorded.events }
    public var identical: Bool { traceMatches && firstDivergence == nil }

    /// The first checkpoint window whose hash differs: events (from, to], with both hashes.
    public var divergence: (fromEvent: UInt64, toEvent: UInt64, recorded: UInt64, now: UInt64?)? {
        if traceMatches { return nil }
        var previous: UInt64 = 0
        for (i, mine) in recorded.checkpoints.enumerated() {
            guard i < result.checkpoints.count else { return (previous, mine.events, mine.hash, nil) }
            if result.checkpoints[i] != mine { return (previous, mine.events, mine.hash, result.checkpoints[i].hash) }
            previous = mine.events
        }
        // Every recorded checkpoint matched: the runs part after the last one.
        return (previous, max(recorded.events, result.events), recorded.traceHash, result.traceHash)
    }

    /// Replays `scenario`'s recorded run. With `failurePath` (where the scenario was read
    /// from), the event digests its `recorded.event_digests` names are compared at every
    /// event; a malformed digests file throws a `ScenarioError` naming it.
    public static func replay(_ scenario: Scenario, failurePath: String? = nil, options: RunOptions = RunOptions()) throws -> ReplayOutcome? {
        guard let recorded = scenario.recorded else { return nil }
        var status = DigestComparison.notRecorded
        var expected: EventDigests?
        if let name = recorded.eventDigests, let failurePath {
            let path = EventDigests.resolve(name, besideFailure: failurePath)
            if let d = try EventDigests.load(path: path, for: recorded) { expected = d; status = .compared(path: path) }
            else { status = .notFound(path: path) }
        }
        var o = options
        o.checkpointInterval = recorded.checkpointInterval
        var comparer: EventDigestComparer?
        if let expected {
            let c = EventDigestComparer(recorded: expected)
            comparer = c
            o.checkpointInterval = 1
            // Keep the recorded interval's checkpoints, so the window comparison lines up.
            o.keepCheckpointsEvery = recorded.checkpointInterval
            o.trace = options.trace.map { TeeSink([c, $0]) } ?? c
        }
        let result = try ScenarioRunner.run(scenario, seed: scenario.seed, options: o)
        comparer?.finish(events: result.events)
        return ReplayOutcome(result: result, recorded: recorded, digests: status, firstDivergence: comparer?.divergence)
    }
}

extension EventDigests {
    /// The digests at `path` for the failure file's `recorded` run, or nil when the file is
    /// not there. A file that is there but malformed, or that belongs to another run, is an
    /// error naming it.
    public static func load(path: String, for recorded: RecordedRun) throws -> EventDigests? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let d = try read(path: path)
        guard d.count == recorded.events else {
            throw ScenarioError(file: path, path: "bytes 8-15", "holds \(d.count) event digests, but the failure file's recorded.events is \(recorded.events): the digests belong to another run")
        }
        if let last = d.digests.last, last != digest(recorded.traceHash) {
            throw ScenarioError(file: path, path: "last digest", "the last event's digest is \(String(last, radix: 16)), but the failure file's recorded.trace_hash ends in \(String(digest(recorded.traceHash), radix: 16)): the digests belong to another run")
        }
        return d
    }
}
