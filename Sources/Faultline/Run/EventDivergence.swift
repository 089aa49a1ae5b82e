import FaultlineCore

/// The first event where a replay parted from the recorded run, found by comparing every
/// event's digest with the recorded ones as the replay goes.
public struct EventDivergence: Sendable {
    public enum Kind: String, Sendable {
        /// Both runs had this event, with different hashes.
        case differs
        /// This run went on past the recorded run's last event.
        case extra
        /// This run ended before reaching this event of the recorded run.
        case missing
    }

    /// 1-based, as trace lines count events.
    public var event: UInt64
    public var kind: Kind
    /// What this run did at `event` (nil when it ended before it).
    public var line: TraceLine?
    /// The last events both runs agree on, oldest first.
    public var matchingBefore: [TraceLine]
    public var recordedEvents: UInt64
}

/// A trace sink that compares each event's digest with the recorded one and, at the first
/// mismatch, keeps that event's line and the few matching events before it. It asks for
/// lines (a string per event) only until it has found the divergence.
public final class EventDigestComparer: TraceSink {
    public let recorded: EventDigests
    /// How many matching events to keep for context (a bounded ring).
    public let contextMax: Int
    public private(set) var divergence: EventDivergence?
    private var ring: [TraceLine] = []
    private var ringStart = 0
    /// This event's line, held until its digest is compared.
    private var current: TraceLine?
    private var events: UInt64 = 0

    public init(recorded: EventDigests, contextMax: Int = 5) {
        precondition(contextMax >= 0)
        self.recorded = recorded; self.contextMax = contextMax
    }

    public var wantsLines: Bool { divergence == nil }

    public func record(_ line: TraceLine) {
        // A note folds into the hash of the next event but is not an event of its own.
        guard divergence == nil, line.kind != .note else { return }
        current = line
    }

    public func checkpoint(events: UInt64, hash: UInt64) {
        precondition(events == self.events + 1, "comparing event digests needs a checkpoint after every event (checkpointInterval 1)")
        self.events = events
        guard divergence == nil else { return }
        let line = current
        current = nil
        assert(line == nil || line!.index == events)
        if events > recorded.count {
            divergence = EventDivergence(event: events, kind: .extra, line: line, matchingBefore: context, recordedEvents: recorded.count)
        } else if recorded.digests[Int(events - 1)] != EventDigests.digest(hash) {
            divergence = EventDivergence(event: events, kind: .differs, line: line, matchingBefore: context, recordedEvents: recorded.count)
        } else if let line, contextMax > 0 {
            if ring.count < contextMax { ring.append(line) } else { ring[ringStart] = line; ringStart = (ringStart + 1) % contextMax }
        }
    }

    private var context: [TraceLine] { Array(ring[ringStart...] + ring[..<ringStart]) }

    /// Call when the run has ended after `events` events: a run shorter than the recording
    /// diverges at its first missing event.
    public func finish(events total: UInt64) {
        precondition(total == events, "the run reported \(total) events but \(events) checkpoints")
        if divergence == nil && total < recorded.count {
            divergence = EventDivergence(event: total + 1, kind: .missing, line: nil, matchingBefore: context, recordedEvents: recorded.count)
        }
    }
}
