import FaultlineCore

/// A file replaced atomically: Kafka's `replication-offset-checkpoint` and
/// `leader-epoch-checkpoint`, ZooKeeper's `acceptedEpoch` and `currentEpoch`, Redis's
/// `dump.rdb`. The payload is whatever the system writes (usually a few lines of text),
/// inside a `ChecksummedFile`, or as it is when the format carries its own checksum
/// (`.raw`: an RDB ends with its CRC64).
///
/// `write` puts the new content in the temporary file (`<path>.tmp` unless named) and
/// requests its fsync; `complete` then
/// renames it over `path` and requests a directory sync; the second `complete` returns
/// `.done`, and from then on every crash leaves the new content. Before that a crash leaves
/// the old content or the new one, never a mixture.
public final class CheckpointFile<D: Disk> {
    /// How the payload sits in the file.
    public enum Framing: Sendable {
        /// Inside a `ChecksummedFile`: a damaged file is refused at open.
        case checksummed
        /// The bytes alone; the caller's format checks itself.
        case raw
    }

    public let disk: D
    public let path: String
    public let temporaryPath: String
    public let framing: Framing
    static var magic: [UInt8] { Array("FLCK".utf8) }

    /// The content most recently written (durable or not).
    public internal(set) var content: [UInt8]?
    /// The content known durable.
    public internal(set) var durableContent: [UInt8]?
    var pendingContent: [UInt8]?
    var stage = 0
    var nextSyncID: UInt64 = 1

    init(disk: D, path: String, temporaryPath: String, framing: Framing) {
        self.disk = disk; self.path = path; self.temporaryPath = temporaryPath; self.framing = framing
    }

    /// Opens the checkpoint at `path`, dropping a temporary file a crash left behind.
    /// A damaged checksummed checkpoint is an error (`.corrupt`): Kafka and ZooKeeper refuse
    /// to start on one rather than guess.
    public static func open(disk: D, path: String, temporaryPath: String? = nil,
                            framing: Framing = .checksummed) throws(StorageError) -> CheckpointFile {
        let checkpoint = CheckpointFile(disk: disk, path: path, temporaryPath: temporaryPath ?? path + ".tmp", framing: framing)
        try disk.makeDirectory(DiskPath.parent(path))
        if disk.exists(checkpoint.temporaryPath) { try disk.remove(checkpoint.temporaryPath) }
        if disk.exists(path) {
            let file = try disk.open(path, create: false)
            let bytes: [UInt8]
            do { bytes = try disk.readAll(file) } catch { disk.close(file); throw error }
            disk.close(file)
            switch framing {
            case .raw: checkpoint.content = bytes
            case .checksummed:
                switch ChecksummedFile.decode(magic: magic, bytes) {
                case .success(let payload): checkpoint.content = payload
                case .failure(let f): throw .corrupt(path: path, position: 0, reason: f.reason)
                }
            }
            checkpoint.durableContent = checkpoint.content
        }
        return checkpoint
    }

    /// Text convenience: the content as UTF-8.
    public var text: String? { content.map { String(decoding: $0, as: UTF8.self) } }

    /// Starts replacing the content; drive the returned sync to `.done` with `complete`.
    public func write(_ payload: [UInt8]) throws(StorageError) -> PendingSync {
        guard stage == 0 else { throw .invalidArgument("a write of \(path) is still in progress") }
        let bytes = framing == .raw ? payload : ChecksummedFile.encode(magic: Self.magic, payload: payload)
        let ticket = try disk.writeTemporary(temporaryPath, bytes)
        pendingContent = payload
        content = payload
        stage = 1
        return pending([ticket])
    }

    public func write(_ text: String) throws(StorageError) -> PendingSync { try write(Array(text.utf8)) }

    public func complete(_ sync: PendingSync) throws(StorageError) -> SyncStep {
        guard stage != 0 && sync.stage == stage else { throw .invalidArgument("no write of \(path) waits for step \(sync.stage)") }
        switch disk.completeAll(sync) {
        case .durable: break
        case .lost: stage = 0; throw .staleHandle
        case .failed: stage = 0; content = durableContent; throw .syncFailed(path: path)
        }
        if stage == 1 {
            stage = 2
            return .next(pending([try disk.publish(temporaryPath, as: path)]))
        }
        stage = 0
        durableContent = pendingContent
        pendingContent = nil
        return .done
    }

    /// The writer died mid-write (a killed BGSAVE child): the write is forgotten, its
    /// syncs must not be completed, and the temporary file is left for the next write to
    /// replace. The durable content is unchanged.
    public func abandon() {
        stage = 0
        content = durableContent
        pendingContent = nil
    }

    /// Writes and drives every step at once (FileDisk, tools, tests).
    public func writeNow(_ payload: [UInt8]) throws(StorageError) {
        var step = SyncStep.next(try write(payload))
        while case .next(let p) = step { step = try complete(p) }
    }

    func pending(_ tickets: [SyncTicket]) -> PendingSync {
        defer { nextSyncID += 1 }
        return PendingSync(id: nextSyncID, tickets: tickets, mark: 0, stage: stage)
    }
}
