/// What a failure file remembers of the run that failed, so `replay` can prove it ran the
/// same events (trace hash) or name the first event (with the digests sidecar) or checkpoint
/// window (without it) where it did not.
public struct RecordedRun: Sendable, Equatable {
    public var traceHash: UInt64
    public var events: UInt64
    /// The checks that did not meet their expectation.
    public var failedChecks: [String]
    /// Hash after every `checkpointInterval` events.
    public var checkpoints: [Checkpoint]
    public var checkpointInterval: UInt64
    /// The sidecar file with every event's digest (see `EventDigests`), as a path relative to
    /// the failure file's directory; lets `replay` name the exact first event that differs.
    public var eventDigests: String?

    public struct Checkpoint: Sendable, Equatable {
        public var events: UInt64
        public var hash: UInt64
        public init(events: UInt64, hash: UInt64) { self.events = events; self.hash = hash }
    }

    public init(traceHash: UInt64, events: UInt64, failedChecks: [String], checkpoints: [Checkpoint], checkpointInterval: UInt64,
                eventDigests: String? = nil) {
        self.traceHash = traceHash; self.events = events; self.failedChecks = failedChecks
        self.checkpoints = checkpoints; self.checkpointInterval = checkpointInterval
        self.eventDigests = eventDigests
    }
}
