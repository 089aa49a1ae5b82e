import FaultlineCore
import FaultlineStorage

/// One server's dataDir on a simulated disk: `version-2/acceptedEpoch` and `currentEpoch`
/// (decimal text, written the way QuorumPeer.writeLongToFile does: temp file, fsync,
/// rename), and the txn log and snapshots in the real `log.<zxid>` / `snapshot.<zxid>`
/// formats through zk-datatree's `FileTxnSnapLog` on the storage branch's `SimDisk`.
///
/// It outlives the server process (the ensemble owns it); `crash()` is the disk losing
/// whatever was not fsynced, and `load()` at boot rebuilds everything from the files alone
/// (`FileTxnSnapLog.restore`: newest valid snapshot, then the log replayed on top).
public final class ZKDataDir {
    public struct LogEntry: Hashable, Sendable {
        public var header: TxnHeader
        public var txn: Txn
        public var zxid: Zxid { header.zxid }
        public init(header: TxnHeader, txn: Txn) { self.header = header; self.txn = txn }
    }
    /// The snapshot the database was last rebuilt from, and its position in the
    /// applied-txn chain (observer bookkeeping, kept beside the disk, never read by servers).
    public struct SnapshotInfo: Sendable {
        public var zxid: Zxid
        public var chainCount: Int
        public var chainHash: UInt64
    }

    public let disk: SimDisk
    public let store: FileTxnSnapLog<SimDisk>
    static let directory = ZKFileNames.versionDirectory
    /// Simulations keep every byte of a file in memory: 64 KiB preallocation, not 64 MiB.
    public static let preAllocSize: Int64 = 64 * 1024

    public private(set) var acceptedEpoch: Int64 = 0
    public private(set) var currentEpoch: Int64 = 0
    /// The logged entries after the snapshot, as the page cache has them.
    public private(set) var log: [LogEntry] = []
    /// Entries of `log` known durable (a completed fsync covered them).
    public private(set) var durableCount = 0
    public private(set) var snapshot: SnapshotInfo?
    /// Bumped whenever the log is rewritten (TRUNC, SNAP, a crash): older fsyncs are stale.
    public private(set) var generation = 0
    var chainAtSnapshot: [Zxid: (Int, UInt64)] = [0: (0, 0)]
    /// What went wrong with the files, if anything (a finding, not a crash).
    public private(set) var storageError: String?

    public init(random: SeededRandom, fsyncLatency: SimDuration, faults: SimDisk.Faults = .none) {
        var f = faults
        f.syncLatency = fsyncLatency...fsyncLatency
        disk = SimDisk(random: random, faults: f)
        do { store = try FileTxnSnapLog(disk: disk, directory: ZKDataDir.directory, preAllocSize: ZKDataDir.preAllocSize) }
        catch { preconditionFailure("a fresh SimDisk refused mkdir: \(error)") }
    }

    public var lastLoggedZxid: Zxid { log.last?.zxid ?? snapshot?.zxid ?? 0 }

    // MARK: boot

    /// Rebuilds from the files: epochs, then the database (FileTxnSnapLog.restore). A fresh
    /// server first writes snapshot.0 of the empty tree, as ZooKeeperServer.loadData does.
    public func load() -> (tree: DataTree, sessions: [Int64: Int32]) {
        acceptedEpoch = readLong("acceptedEpoch") ?? 0
        currentEpoch = readLong("currentEpoch") ?? 0
        if ((try? store.snapshotFiles()) ?? []).isEmpty && ((try? store.logFiles()) ?? []).isEmpty {
            saveSnapshotNow(DataTree(), sessions: [:], zxid: 0)
        }
        do {
            let db = try store.restore()
            let entries = try store.entries(after: db.snapshotZxid)
            log = entries.map { LogEntry(header: $0.header, txn: $0.txn) }
            durableCount = log.count
            let chain = chainAtSnapshot[db.snapshotZxid] ?? (0, 0)
            snapshot = SnapshotInfo(zxid: db.snapshotZxid, chainCount: chain.0, chainHash: chain.1)
            generation += 1
            return (db.tree, db.sessions)
        } catch {
            storageError = "restore: \(error)"
            log = []; durableCount = 0; snapshot = nil
            return (DataTree(), [:])
        }
    }

    // MARK: epochs

    public func writeAcceptedEpoch(_ e: Int64) { precondition(e >= acceptedEpoch, "acceptedEpoch only grows"); writeLong("acceptedEpoch", e); acceptedEpoch = e }
    public func writeCurrentEpoch(_ e: Int64) { precondition(e >= currentEpoch, "currentEpoch only grows"); writeLong("currentEpoch", e); currentEpoch = e }

    /// AtomicFileWritingIdiom: temp file, fsync, rename, directory fsync. The real server
    /// blocks on these fsyncs; so does this (the tickets complete at once).
    func writeLong(_ name: String, _ value: Int64) {
        let path = DiskPath.join(ZKDataDir.directory, name), tmp = path + ".tmp"
        do {
            let f = try disk.open(tmp, create: true)
            try disk.truncate(f, to: 0)
            try disk.append(f, Array(String(value).utf8) + [0x0A])
            _ = disk.completeSync(try disk.requestSync(f))
            disk.close(f)
            try disk.rename(tmp, to: path)
            _ = disk.completeSync(try disk.requestDirectorySync(ZKDataDir.directory))
        } catch { storageError = "write \(name): \(error)" }
    }

    func readLong(_ name: String) -> Int64? {
        let path = DiskPath.join(ZKDataDir.directory, name)
        guard disk.exists(path), let f = try? disk.open(path, create: false), let bytes = try? disk.readAll(f) else { return nil }
        disk.close(f)
        let text = String(String(decoding: bytes, as: UTF8.self).filter { $0 != "\n" && $0 != " " })
        guard let v = Int64(text) else { storageError = "\(path): expected a number, found \(text.debugDescription)"; return nil }
        return v
    }

    // MARK: the txn log

    /// FileTxnLog.append: in the page cache until the next commit completes.
    public func append(_ e: LogEntry) {
        precondition(e.zxid > lastLoggedZxid, "txn log zxids increase: \(zxidHex(e.zxid)) after \(zxidHex(lastLoggedZxid))")
        do { try store.append(TxnLogEntry(header: e.header, txn: e.txn)) } catch { storageError = "append: \(error)" }
        log.append(e)
    }

    /// FileTxnLog.commit: the fsync to schedule (nil when nothing is open).
    public func commit() -> PendingSync? {
        do { return try store.commit() } catch { storageError = "commit: \(error)"; return nil }
    }

    /// The fsync of generation `gen`, started when the log had `count` entries, completed.
    @discardableResult
    public func completeCommit(_ pending: PendingSync?, generation gen: Int, count: Int) -> Bool {
        guard gen == generation else { return false }
        if let p = pending {
            guard store.completeCommit(p) == .durable else { return false }
        }
        durableCount = max(durableCount, min(count, log.count))
        return true
    }

    /// FileTxnLog.truncate for TRUNC: keep entries up to `zxid`.
    ///
    /// The real FileTxnLog.truncate calls setLength without an fsync. Our crash is a power
    /// loss (unsynced data vanishes, an unsynced truncate is undone), under which the cut
    /// entries could come back after a later crash; this model fsyncs the cut files and
    /// the directory so TRUNC is durable, as a process crash (page cache intact) would see.
    public func truncate(after zxid: Zxid) {
        do { try store.truncate(to: zxid) } catch { storageError = "truncate: \(error)" }
        syncLogFiles()
        log.removeAll { $0.zxid > zxid }
        durableCount = min(durableCount, log.count)
        generation += 1
    }

    /// A SNAP sync: the leader's tree becomes snapshot.<zxid>, made durable before NEWLEADER
    /// is acknowledged; the log restarts after it.
    public func installSnapshot(_ tree: DataTree, sessions: [Int64: Int32], zxid: Zxid, chainCount: Int, chainHash: UInt64) {
        do { try store.truncate(to: zxid) } catch { storageError = "truncate before snap: \(error)" }
        syncLogFiles()
        chainAtSnapshot[zxid] = (chainCount, chainHash)
        saveSnapshotNow(tree, sessions: sessions, zxid: zxid)
        store.rollLog()
        snapshot = SnapshotInfo(zxid: zxid, chainCount: chainCount, chainHash: chainHash)
        log = []
        durableCount = 0
        generation += 1
    }

    func saveSnapshotNow(_ tree: DataTree, sessions: [Int64: Int32], zxid: Zxid) {
        do {
            let p = try store.saveSnapshot(tree, sessions: sessions, zxid: zxid)
            _ = try store.completeSnapshot(p)
        } catch { storageError = "snapshot: \(error)" }
    }

    func syncLogFiles() {
        do {
            for f in try store.logFiles() {
                let h = try disk.open(DiskPath.join(ZKDataDir.directory, f.name), create: false)
                _ = disk.completeSync(try disk.requestSync(h))
                disk.close(h)
            }
            _ = disk.completeSync(try disk.requestDirectorySync(ZKDataDir.directory))
        } catch { storageError = "sync after truncate: \(error)" }
    }

    /// The process died: the disk keeps only what was fsynced.
    public func crash() {
        disk.crash()
        generation += 1
    }

    public func checkInvariants() {
        precondition(durableCount <= log.count)
        for i in log.indices.dropFirst() { precondition(log[i - 1].zxid < log[i].zxid, "log out of order") }
        precondition(currentEpoch <= acceptedEpoch, "currentEpoch \(currentEpoch) ahead of acceptedEpoch \(acceptedEpoch)")
        disk.checkInvariants()
    }
}
