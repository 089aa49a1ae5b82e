import FaultlineCore

/// Settings of a segmented log, named after Kafka's topic configs, with Kafka's defaults.
public struct SegmentedLogConfig: Sendable, Equatable {
    /// `segment.bytes`: a segment rolls when the next record would take it past this size.
    public var segmentBytes = 1_073_741_824
    /// `index.interval.bytes`: bytes between two entries of the sparse offset index.
    public var indexIntervalBytes = 4096
    /// `message.max.bytes`: the largest payload accepted, and the bound recovery trusts.
    public var maxRecordBytes = 1_048_588
    /// Bound on syncs in flight at once.
    public var syncsInFlightMax = 4096

    public init(segmentBytes: Int = 1_073_741_824, indexIntervalBytes: Int = 4096, maxRecordBytes: Int = 1_048_588) {
        self.segmentBytes = segmentBytes
        self.indexIntervalBytes = indexIntervalBytes
        self.maxRecordBytes = maxRecordBytes
    }
}

/// One record read back from a log.
public struct LogRecord: Equatable, Sendable {
    public let offset: UInt64
    public let payload: [UInt8]
    public init(offset: UInt64, payload: [UInt8]) { self.offset = offset; self.payload = payload }
}

/// What `SegmentedLog.open` found and repaired.
public struct LogRecoveryReport: Equatable, Sendable {
    public var recordsRecovered = 0
    /// Bytes cut from the tail of the segment where validation stopped.
    public var bytesTruncated = 0
    /// Segments removed because they followed the damage or a gap.
    public var segmentsRemoved: [String] = []
    /// Why validation stopped early, when it did ("incomplete frame at byte 4096 of ...").
    public var damage: String?
}

/// An append-only log of records with consecutive offsets, kept in segment files named by
/// their base offset (`00000000000000000000.log`, as Kafka names them), each record framed
/// with length and CRC-32C (`RecordFrame`), with a sparse in-memory offset index per
/// segment (one entry every `index.interval.bytes`).
///
/// Used by Kafka partitions, RocketMQ's CommitLog and ZooKeeper's transaction log.
/// Durability: `append` puts a record in the page cache; `requestSync` covers everything
/// appended so far; `completeSync` (when the disk's latency has elapsed) advances
/// `durableEndOffset`. Every record below `durableEndOffset` survives any crash that does
/// not corrupt the medium. Recovery (`open`) validates every frame, cuts the log at the
/// first incomplete or damaged one and removes whatever follows, so a reader never sees a
/// torn or corrupt record. The index is rebuilt by that scan (Kafka rebuilds its index
/// files the same way after an unclean shutdown).
public final class SegmentedLog<D: Disk> {
    public let disk: D
    public let directory: String
    public let config: SegmentedLogConfig

    // Single-threaded and never re-entered: hot properties skip dynamic exclusivity checks.

    /// The first offset the log holds.
    public internal(set) var logStartOffset: UInt64 = 0
    /// The offset the next append gets.
    @exclusivity(unchecked) public internal(set) var logEndOffset: UInt64 = 0
    /// Every record in `logStartOffset..<durableEndOffset` has completed an fsync.
    @exclusivity(unchecked) public internal(set) var durableEndOffset: UInt64 = 0

    @exclusivity(unchecked) var segments: [LogSegment] = []
    /// A segment was created or removed since the last directory sync request.
    @exclusivity(unchecked) var directoryDirty = false
    @exclusivity(unchecked) var inFlight: [(id: UInt64, mark: UInt64, done: Bool)] = []
    @exclusivity(unchecked) var nextSyncID: UInt64 = 1
    @exclusivity(unchecked) var frameBuffer: [UInt8] = []

    init(disk: D, directory: String, config: SegmentedLogConfig) {
        precondition(config.segmentBytes > RecordFrame.headerBytes && config.indexIntervalBytes > 0)
        self.disk = disk; self.directory = directory; self.config = config
    }

    deinit { for s in segments { disk.close(s.file) } }

    /// The file name Kafka gives a segment: the base offset in 20 decimal digits.
    public static func segmentName(_ baseOffset: UInt64) -> String {
        let digits = String(baseOffset)
        return String(repeating: "0", count: 20 - digits.count) + digits + ".log"
    }

    /// Base offsets of the segments, oldest first.
    public var segmentBaseOffsets: [UInt64] { segments.map { $0.baseOffset } }
    /// Bytes in all segments.
    public var sizeInBytes: Int { segments.reduce(0) { $0 + $1.size } }

    // MARK: append and sync

    /// Appends one record and returns its offset. It is durable once a sync requested
    /// after this call completes (`durableEndOffset > offset`).
    @discardableResult
    public func append(_ payload: [UInt8]) throws(StorageError) -> UInt64 {
        guard payload.count <= config.maxRecordBytes else {
            throw .invalidArgument("record of \(payload.count) bytes exceeds message.max.bytes \(config.maxRecordBytes)")
        }
        let frameBytes = RecordFrame.headerBytes + payload.count
        var active = segments[segments.count - 1]
        if active.size > 0 && active.size + frameBytes > config.segmentBytes {
            active = try roll()
        }
        let offset = logEndOffset
        frameBuffer.removeAll(keepingCapacity: true)
        RecordFrame.encode(offset: offset, payload: payload, into: &frameBuffer)
        do {
            try disk.append(active.file, frameBuffer)
        } catch {
            // A real write may have landed partly: cut back so the next frame starts clean.
            if let size = try? disk.size(active.file), size != active.size { try? disk.truncate(active.file, to: active.size) }
            throw error
        }
        if active.bytesSinceIndexEntry >= config.indexIntervalBytes {
            active.index.append(LogIndexEntry(offset: offset, position: active.size))
            active.bytesSinceIndexEntry = 0
        }
        active.bytesSinceIndexEntry += frameBytes
        active.size += frameBytes
        active.nextOffset = offset + 1
        active.dirty = true
        logEndOffset = offset + 1
        return offset
    }

    func roll() throws(StorageError) -> LogSegment {
        let path = DiskPath.join(directory, Self.segmentName(logEndOffset))
        let segment = LogSegment(baseOffset: logEndOffset, path: path, file: try disk.open(path, create: true))
        segments.append(segment)
        directoryDirty = true
        return segment
    }

    /// Requests fsync of every segment written since the last request (and of the
    /// directory when segments were created or removed). Nil when nothing is unsynced:
    /// whatever is appended is durable already or covered by a sync in flight.
    public func requestSync() throws(StorageError) -> PendingSync? {
        precondition(inFlight.count < config.syncsInFlightMax, "more than \(config.syncsInFlightMax) log syncs in flight")
        var tickets: [SyncTicket] = []
        // No intermediate array: this runs once per fsync, often once per record.
        for s in segments where s.dirty { tickets.append(try disk.requestSync(s.file)) }
        if directoryDirty { tickets.append(try disk.requestDirectorySync(directory)) }
        if tickets.isEmpty { return nil }
        for s in segments { s.dirty = false }
        directoryDirty = false
        let id = nextSyncID
        nextSyncID += 1
        inFlight.append((id, logEndOffset, false))
        return PendingSync(id: id, tickets: tickets, mark: logEndOffset, stage: 0)
    }

    /// Completes a sync from `requestSync`; returns the new `durableEndOffset`. Syncs may
    /// complete in any order: durability advances over the completed prefix of requests.
    @discardableResult
    public func completeSync(_ pending: PendingSync) throws(StorageError) -> UInt64 {
        guard let i = inFlight.firstIndex(where: { $0.id == pending.id }) else {
            throw .invalidArgument("sync \(pending.id) is not in flight for \(directory)")
        }
        switch disk.completeAll(pending) {
        case .durable: inFlight[i].done = true
        case .failed:
            inFlight.remove(at: i)
            throw .syncFailed(path: directory)
        case .lost:
            inFlight.remove(at: i)
            throw .staleHandle
        }
        while let first = inFlight.first, first.done {
            durableEndOffset = max(durableEndOffset, min(first.mark, logEndOffset))
            inFlight.removeFirst()
        }
        assert(durableEndOffset <= logEndOffset)
        return durableEndOffset
    }

    /// `completeSync` in the shape every engine shares (a log sync has a single step), so a
    /// shell completes any engine's `PendingSync` the same way.
    public func complete(_ pending: PendingSync) throws(StorageError) -> SyncStep {
        try completeSync(pending)
        return .done
    }

    /// Requests and completes a sync at once (FileDisk, tests, tools).
    public func syncNow() throws(StorageError) {
        if let p = try requestSync() { try completeSync(p) }
    }

    /// Local invariants: contiguous segments, index inside each segment, offsets ordered.
    public func checkInvariants() {
        precondition(!segments.isEmpty, "a log always has an active segment")
        precondition(segments[0].baseOffset == logStartOffset)
        precondition(segments[segments.count - 1].nextOffset == logEndOffset)
        precondition(logStartOffset <= durableEndOffset && durableEndOffset <= logEndOffset,
                     "durable end \(durableEndOffset) outside [\(logStartOffset), \(logEndOffset)]")
        for (i, s) in segments.enumerated() {
            if i + 1 < segments.count { precondition(s.nextOffset == segments[i + 1].baseOffset, "gap after \(s.path)") }
            precondition(s.nextOffset >= s.baseOffset)
            var last: LogIndexEntry?
            for e in s.index {
                precondition(e.offset >= s.baseOffset && e.offset < s.nextOffset && e.position < s.size)
                if let l = last { precondition(l.offset < e.offset && l.position < e.position) }
                last = e
            }
        }
    }
}

/// One sparse index entry: the byte position of the frame of `offset`.
struct LogIndexEntry { var offset: UInt64; var position: Int }

/// A segment file of a `SegmentedLog` and what recovery or appends learned about it.
/// Kept outside the generic log so its metadata is static, not instantiated per access.
final class LogSegment {
    let baseOffset: UInt64
    let path: String
    let file: DiskFile
    @exclusivity(unchecked) var size = 0
    @exclusivity(unchecked) var nextOffset: UInt64
    @exclusivity(unchecked) var index: [LogIndexEntry] = []
    @exclusivity(unchecked) var bytesSinceIndexEntry = 0
    /// Written or truncated since its last sync request.
    @exclusivity(unchecked) var dirty = false
    init(baseOffset: UInt64, path: String, file: DiskFile) {
        self.baseOffset = baseOffset; self.path = path; self.file = file; self.nextOffset = baseOffset
    }
}
