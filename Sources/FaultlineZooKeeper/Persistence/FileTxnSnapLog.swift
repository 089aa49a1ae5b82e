import FaultlineStorage

/// Why the txn log / snapshot store failed: the disk, or a file's content.
public enum ZKStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case storage(StorageError)
    case file(ZKFileError)
    public var description: String {
        switch self {
        case .storage(let e): return e.description
        case .file(let e): return e.description
        }
    }
}

/// What `restore` rebuilt: the tree, the session table, and the zxids that frame it.
public struct RestoredDatabase: Sendable {
    public var tree: DataTree
    /// Session id to timeout, as the snapshot had them plus the log's create/close sessions.
    public var sessions: [Int64: Int32]
    /// The name zxid of the snapshot loaded (0 with no snapshot and no log: a fresh server).
    public var snapshotZxid: Zxid
    /// The last zxid applied (snapshot plus replayed log).
    public var lastProcessedZxid: Zxid
    /// Log entries replayed on top of the snapshot, in order.
    public var replayed: Int
}

/// `FileTxnSnapLog` over a `Disk`: a ZooKeeper data directory (`version-2/`) holding
/// `log.<zxid>` and `snapshot.<zxid>` files in the real format, so a real ZooKeeper 3.8 can
/// be started on what a simulated server left (write the files out with `FileDisk`).
///
/// Appends go to the open log file, padded as `FilePadding` does; `commit` is the group
/// fsync `SyncRequestProcessor` does before ACKing. The real server never fsyncs the data
/// directory after creating a log file, so by default neither does this store (a crash can
/// then lose a whole new log file on a file system that does not order it: set
/// `syncsDirectory` to model one that does, or a patched server).
public final class FileTxnSnapLog<D: Disk> {
    public let disk: D
    /// The `version-2` directory on the disk ("" is the disk's root).
    public let directory: String
    /// Preallocation step in bytes. The real default is 64 MiB (`zookeeper.preAllocSize`,
    /// in KiB); the simulated disk holds every byte, so simulations usually pick less.
    public let preAllocSize: Int64
    public var syncsDirectory = false
    /// How many snapshots `restore` tries, newest first, before giving up (as FileSnap: 100).
    public static var snapshotsTriedMax: Int { 100 }

    private var current: (file: DiskFile, path: String, log: TxnLogFile, written: Int)?
    /// `streamsToFlush`: files appended to since the last commit completed; rolled-over ones
    /// stay open until a commit has synced and closed them, as FileTxnLog keeps them.
    private var toFlush: [DiskFile] = []
    /// The files each commit in flight covers, by its PendingSync id.
    private var flushing: [UInt64: [DiskFile]] = [:]
    private var savingSnapshot: (file: DiskFile, temporary: String, final: String)?
    private var createdSinceSync = false
    private var nextSyncID: UInt64 = 1
    public private(set) var lastLoggedZxid: Zxid = 0

    public init(disk: D, directory: String = ZKFileNames.versionDirectory,
                preAllocSize: Int64 = TxnLogFile.preAllocSizeDefault) throws(StorageError) {
        precondition(preAllocSize >= 0, "preAllocSize must not be negative")
        self.disk = disk
        self.directory = directory
        self.preAllocSize = preAllocSize
        try disk.makeDirectory(directory)
    }

    /// The open log file's name, if one is open.
    public var currentLogName: String? { current.map { DiskPath.parentless($0.path) } }

    // MARK: txn log

    /// `FileTxnLog.append`: opens `log.<zxid>` if no log is open, extends the preallocation
    /// when the entry comes near its end, and writes the entry in place.
    public func append(_ entry: TxnLogEntry) throws(StorageError) {
        if current == nil {
            let name = ZKFileNames.logName(entry.header.zxid)
            let path = DiskPath.join(directory, name)
            let file = try disk.open(path, create: true)
            try disk.truncate(file, to: 0)
            let log = TxnLogFile(preAllocSize: preAllocSize)
            try disk.write(file, at: 0, log.bytes)
            current = (file, path, log, log.bytes.count)
            toFlush.append(file)
            createdSinceSync = true
        }
        var c = current!
        let before = c.log.preallocatedLength
        c.log.append(entry)
        if c.log.preallocatedLength > before {
            // FilePadding writes one zero byte at the new end: the file grows, sparse on a real disk.
            try disk.write(c.file, at: Int(c.log.preallocatedLength) - 1, [0])
        }
        let record = Array(c.log.bytes[c.written...])
        if c.log.preallocatedLength > Int64(c.written) {
            try disk.write(c.file, at: c.written, record)     // over the preallocated zeros
        } else {
            try disk.append(c.file, record)                   // no preallocation: the file grows
        }
        c.written = c.log.bytes.count
        current = c
        lastLoggedZxid = entry.header.zxid
    }

    /// `FileTxnLog.commit`: fsync the open log (and, if `syncsDirectory`, the directory when
    /// the file is new). nil when nothing is open. Entries are durable once it completes.
    public func commit() throws(StorageError) -> PendingSync? {
        guard !toFlush.isEmpty else { return nil }
        var tickets: [SyncTicket] = []
        for file in toFlush { tickets.append(try disk.requestSync(file)) }
        if syncsDirectory && createdSinceSync { tickets.append(try disk.requestDirectorySync(directory)) }
        createdSinceSync = false
        flushing[nextSyncID] = toFlush
        defer { nextSyncID += 1 }
        return PendingSync(id: nextSyncID, tickets: tickets, mark: UInt64(bitPattern: lastLoggedZxid), stage: 0)
    }

    /// Completes a `commit`; `.durable` means every entry up to `pending.mark` survives a
    /// crash. Rolled-over files are closed once synced; the open log stays open.
    public func completeCommit(_ pending: PendingSync) -> SyncOutcome {
        let outcome = disk.completeAll(pending)
        let covered = flushing.removeValue(forKey: pending.id) ?? []
        if outcome == .durable {
            let done = covered.filter { $0 != current?.file }
            for file in done { disk.close(file) }
            toFlush.removeAll { done.contains($0) }
        }
        return outcome
    }

    /// `rollLog`: the next append starts a new file (after a snapshot, as SyncRequestProcessor
    /// does). The old file stays open until the next completed commit has synced it.
    public func rollLog() {
        current = nil
    }

    /// Closes every handle (a clean shutdown; unsynced data stays in the page cache).
    public func close() {
        for file in toFlush { disk.close(file) }
        toFlush = []
        flushing = [:]
        current = nil
        if let s = savingSnapshot { disk.close(s.file) }
        savingSnapshot = nil
    }

    /// Log file names present, ascending by zxid.
    public func logFiles() throws(StorageError) -> [(name: String, zxid: Zxid)] {
        try disk.list(directory).compactMap { n in ZKFileNames.zxid(fromName: n, prefix: ZKFileNames.logPrefix).map { (n, $0) } }
            .sorted { $0.zxid < $1.zxid }
    }

    /// `FileTxnLog.getLogFiles`: the files that may hold txns after `zxid`, i.e. the last one
    /// starting at or before it and all later ones.
    public func logFiles(coveringAfter zxid: Zxid) throws(StorageError) -> [String] {
        let all = try logFiles()
        let start = all.last { $0.zxid <= zxid }?.zxid ?? 0
        return all.filter { $0.zxid >= start }.map(\.name)
    }

    /// Decodes one log file. A checksum mismatch is an error (the real server refuses to
    /// start with "CRC check failed"), and so is a file too short for its header, which a
    /// crash leaves when a new log was created but never synced (3.8.0 fails the same way,
    /// ZOOKEEPER-1621); a torn entry or the zero padding ends the file quietly.
    public func readLog(_ name: String) throws(ZKStoreError) -> DecodedTxnLog {
        let bytes: [UInt8]
        do {
            let f = try disk.open(DiskPath.join(directory, name), create: false)
            defer { disk.close(f) }
            bytes = try disk.readAll(f)
        } catch { throw .storage(error) }
        let log: DecodedTxnLog
        do { log = try TxnLogFile.decode(bytes, fileName: name) } catch { throw .file(error) }
        if case .crcMismatch(let at) = log.end { throw .file(ZKFileError(file: name, "CRC check failed at byte \(at)")) }
        return log
    }

    /// Every logged entry with zxid > `zxid`, in order (the leader's committed log for DIFF).
    public func entries(after zxid: Zxid) throws(ZKStoreError) -> [TxnLogEntry] {
        let names: [String]
        do { names = try logFiles(coveringAfter: zxid) } catch { throw .storage(error) }
        var out: [TxnLogEntry] = []
        for name in names {
            for e in try readLog(name).entries where e.header.zxid > zxid {
                if let last = out.last, e.header.zxid <= last.header.zxid { continue }
                out.append(e)
            }
        }
        return out
    }

    /// `FileTxnLog.truncate`: keep entries up to `zxid` (a follower told TRUNC), cut the file
    /// holding it right after that entry and delete every later log file.
    public func truncate(to zxid: Zxid) throws(ZKStoreError) {
        close()
        let files: [(name: String, zxid: Zxid)]
        do { files = try logFiles() } catch { throw .storage(error) }
        for f in files {
            let path = DiskPath.join(directory, f.name)
            do {
                if f.zxid > zxid {
                    try disk.remove(path)
                    continue
                }
                let log = try readLog(f.name)
                guard log.entries.contains(where: { $0.header.zxid > zxid }) else { continue }
                let keep = log.entries.filter { $0.header.zxid <= zxid }
                var rebuilt = TxnLogFile(preAllocSize: preAllocSize)
                for e in keep { rebuilt.append(e) }
                let file = try disk.open(path, create: false)
                try disk.truncate(file, to: rebuilt.bytes.count)
                disk.close(file)
            } catch let e as ZKStoreError {
                throw e
            } catch {
                throw .storage(error as! StorageError)
            }
        }
        lastLoggedZxid = min(lastLoggedZxid, zxid)
    }

    // MARK: snapshots

    /// Snapshot names present, newest first.
    public func snapshotFiles() throws(StorageError) -> [(name: String, zxid: Zxid)] {
        try disk.list(directory).compactMap { n in ZKFileNames.zxid(fromName: n, prefix: ZKFileNames.snapshotPrefix).map { (n, $0) } }
            .sorted { $0.zxid > $1.zxid }
    }

    /// Writes `snapshot.<zxid>` (the tree's lastProcessedZxid when the snapshot started; pass
    /// a lower `zxid` than the tree's to model a fuzzy snapshot) and returns its fsync. Like
    /// `AtomicFileOutputStream` the bytes go to a `.tmp` file first; `completeSnapshot`
    /// renames it once durable, so a crash leaves either the old set or the new file whole.
    public func saveSnapshot(_ tree: DataTree, sessions: [Int64: Int32], zxid: Zxid) throws(StorageError) -> PendingSync {
        guard savingSnapshot == nil else { throw .invalidArgument("a snapshot save is already in progress in \(directory)") }
        let name = ZKFileNames.snapshotName(zxid)
        let tmp = DiskPath.join(directory, name + ".tmp")
        let file = try disk.open(tmp, create: true)
        try disk.truncate(file, to: 0)
        try disk.write(file, at: 0, SnapshotFile(tree: tree, sessions: sessions).encode())
        let ticket = try disk.requestSync(file)
        savingSnapshot = (file, tmp, DiskPath.join(directory, name))
        defer { nextSyncID += 1 }
        return PendingSync(id: nextSyncID, tickets: [ticket], mark: UInt64(bitPattern: zxid), stage: 1)
    }

    /// Finishes `saveSnapshot`: closes the file and, on `.durable`, renames it into place.
    public func completeSnapshot(_ pending: PendingSync) throws(StorageError) -> SyncOutcome {
        guard let s = savingSnapshot else { throw .invalidArgument("no snapshot save in progress in \(directory)") }
        let outcome = disk.completeAll(pending)
        disk.close(s.file)
        savingSnapshot = nil
        if outcome == .durable {
            try disk.rename(s.temporary, to: s.final)
        } else if disk.exists(s.temporary) {
            try disk.remove(s.temporary)
        }
        return outcome
    }

    // MARK: export

    /// Copies every `log.*` and `snapshot.*` file, as the page cache holds it, into
    /// `directory` on another disk: point a `FileDisk` at a real dataDir and a real
    /// ZooKeeper can be started on what a simulated server left. Returns the names copied.
    @discardableResult
    public func export<E: Disk>(to other: E, directory target: String = ZKFileNames.versionDirectory) throws(StorageError) -> [String] {
        try other.makeDirectory(target)
        var copied: [String] = []
        for name in try disk.list(directory) {
            let isLog = ZKFileNames.zxid(fromName: name, prefix: ZKFileNames.logPrefix) != nil
            let isSnapshot = ZKFileNames.zxid(fromName: name, prefix: ZKFileNames.snapshotPrefix) != nil
            guard isLog || isSnapshot else { continue }
            let from = try disk.open(DiskPath.join(directory, name), create: false)
            let bytes = try disk.readAll(from)
            disk.close(from)
            let to = try other.open(DiskPath.join(target, name), create: true)
            try other.truncate(to, to: 0)
            try other.write(to, at: 0, bytes)
            let ticket = try other.requestSync(to)
            let outcome = other.completeSync(ticket)
            other.close(to)
            guard outcome == .durable else { throw .syncFailed(path: DiskPath.join(target, name)) }
            copied.append(name)
        }
        return copied
    }

    // MARK: purge

    /// `PurgeTxnLog.purge` (autopurge): keeps the `snapRetainCount` newest valid snapshots
    /// and the log files needed to replay from the oldest of them; removes the rest.
    /// Returns the names removed, sorted. The real server insists on at least 3.
    public func purge(snapRetainCount: Int = 3) throws(ZKStoreError) -> [String] {
        precondition(snapRetainCount >= 3, "snapRetainCount must be at least 3, as PurgeTxnLog requires")
        var valid: [Zxid] = []
        do {
            for s in try snapshotFiles() where valid.count < snapRetainCount {
                let f = try disk.open(DiskPath.join(directory, s.name), create: false)
                let bytes = try disk.readAll(f)
                disk.close(f)
                if SnapshotFile.looksComplete(bytes) { valid.append(s.zxid) }
            }
        } catch { throw .storage(error) }
        guard valid.count == snapRetainCount, let leastRetained = valid.last else { return [] }
        do {
            let keepLogs = Set(try logFiles(coveringAfter: leastRetained))
            var removed: [String] = []
            for name in try disk.list(directory) {
                if let z = ZKFileNames.zxid(fromName: name, prefix: ZKFileNames.snapshotPrefix), z < leastRetained {
                    removed.append(name)
                } else if ZKFileNames.zxid(fromName: name, prefix: ZKFileNames.logPrefix) != nil, !keepLogs.contains(name),
                          name != currentLogName {
                    removed.append(name)
                }
            }
            removed.sort()
            for name in removed { try disk.remove(DiskPath.join(directory, name)) }
            return removed
        } catch { throw .storage(error) }
    }

    // MARK: restore

    /// `FileTxnSnapLog.restore`: loads the newest snapshot that reads cleanly (trying up to
    /// `snapshotsTriedMax`), then replays every logged txn after its zxid, keeping the session
    /// table as `processTransaction` does. With no snapshot but logged txns it fails, as the
    /// real server does unless zookeeper.snapshot.trust.empty is set.
    public func restore() throws(ZKStoreError) -> RestoredDatabase {
        close()
        let snaps: [(name: String, zxid: Zxid)]
        do { snaps = try snapshotFiles() } catch { throw .storage(error) }
        var loaded: SnapshotFile?
        var snapZxid: Zxid = 0
        var lastError: ZKFileError?
        for s in snaps.prefix(Self.snapshotsTriedMax) {
            do {
                let f = try disk.open(DiskPath.join(directory, s.name), create: false)
                let bytes = try disk.readAll(f)
                disk.close(f)
                guard SnapshotFile.looksComplete(bytes) else { continue }
                loaded = try SnapshotFile.decode(bytes, snapshotZxid: s.zxid, fileName: s.name)
                snapZxid = s.zxid
                break
            } catch let e as ZKFileError {
                lastError = e
            } catch {
                throw .storage(error as! StorageError)
            }
        }
        var tree = loaded?.tree ?? DataTree()
        var sessions = loaded?.sessions ?? [:]
        if loaded == nil, let e = lastError { throw .file(ZKFileError(file: directory, "Not able to find valid snapshots: \(e)")) }
        let entries = try self.entries(after: snapZxid)
        if loaded == nil && !entries.isEmpty {
            throw .file(ZKFileError(file: directory, "No snapshot found, but there are log entries. Something is broken!"))
        }
        for e in entries {
            switch e.txn {
            case .createSession(let timeout): sessions[e.header.clientId] = timeout
            case .closeSession: sessions[e.header.clientId] = nil
            default: break
            }
            _ = tree.processTxn(e.header, e.txn)
        }
        lastLoggedZxid = entries.last?.header.zxid ?? max(lastLoggedZxid, snapZxid)
        return RestoredDatabase(tree: tree, sessions: sessions, snapshotZxid: snapZxid,
                                lastProcessedZxid: tree.lastProcessedZxid, replayed: entries.count)
    }
}

extension DiskPath {
    /// The last path component.
    static func parentless(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
