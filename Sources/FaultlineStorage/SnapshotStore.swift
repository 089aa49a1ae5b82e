import FaultlineCore

/// One snapshot: the state as of `index` (a zxid, a log offset, a replication offset).
public struct Snapshot: Equatable, Sendable {
    public let index: UInt64
    public let payload: [UInt8]
    public init(index: UInt64, payload: [UInt8]) { self.index = index; self.payload = payload }
}

/// Snapshots in one directory, named `snapshot.<index in hex>` as ZooKeeper names them.
/// Saving writes `snapshot.<hex>.tmp`, fsyncs it, renames it and fsyncs the directory
/// (three `complete` calls in all). Loading takes the newest snapshot whose checksum holds
/// and falls back to older ones when the newest is damaged, as ZooKeeper's
/// `FileSnap.deserialize` tries up to its most recent valid snapshots.
public final class SnapshotStore<D: Disk> {
    public let disk: D
    public let directory: String
    static var magic: [UInt8] { Array("FLSS".utf8) }
    var saving: (index: UInt64, stage: Int)?
    var nextSyncID: UInt64 = 1

    init(disk: D, directory: String) { self.disk = disk; self.directory = directory }

    /// Opens the store, dropping temporary files a crash left behind.
    public static func open(disk: D, directory: String) throws(StorageError) -> SnapshotStore {
        let store = SnapshotStore(disk: disk, directory: directory)
        try disk.makeDirectory(directory)
        for name in try disk.list(directory) where name.hasPrefix("snapshot.") && name.hasSuffix(".tmp") {
            try disk.remove(DiskPath.join(directory, name))
        }
        return store
    }

    public static func fileName(_ index: UInt64) -> String { "snapshot." + String(index, radix: 16) }

    /// Indices of the snapshot files present (valid or not), oldest first.
    public func indices() throws(StorageError) -> [UInt64] {
        var out: [UInt64] = []
        for name in try disk.list(directory) where name.hasPrefix("snapshot.") && !name.hasSuffix(".tmp") {
            if let i = UInt64(name.dropFirst("snapshot.".count), radix: 16) { out.append(i) }
        }
        return out.sorted()
    }

    /// Starts saving a snapshot; drive the returned sync to `.done` with `complete`.
    public func save(_ snapshot: Snapshot) throws(StorageError) -> PendingSync {
        guard saving == nil else { throw .invalidArgument("a snapshot save is already in progress in \(directory)") }
        let temp = DiskPath.join(directory, Self.fileName(snapshot.index) + ".tmp")
        let ticket = try disk.writeTemporary(temp, ChecksummedFile.encode(magic: Self.magic, payload: snapshot.payload))
        saving = (snapshot.index, 1)
        return pending([ticket], stage: 1)
    }

    public func complete(_ sync: PendingSync) throws(StorageError) -> SyncStep {
        guard let s = saving, s.stage == sync.stage else { throw .invalidArgument("no snapshot save waits for step \(sync.stage)") }
        switch disk.completeAll(sync) {
        case .durable: break
        case .lost: saving = nil; throw .staleHandle
        case .failed: saving = nil; throw .syncFailed(path: directory)
        }
        if s.stage == 1 {
            let name = Self.fileName(s.index)
            let ticket = try disk.publish(DiskPath.join(directory, name + ".tmp"), as: DiskPath.join(directory, name))
            saving = (s.index, 2)
            return .next(pending([ticket], stage: 2))
        }
        saving = nil
        return .done
    }

    /// Saves and drives every step at once (FileDisk, tools, tests).
    public func saveNow(_ snapshot: Snapshot) throws(StorageError) {
        var step = SyncStep.next(try save(snapshot))
        while case .next(let p) = step { step = try complete(p) }
    }

    /// The newest snapshot that passes its checksum, plus the damaged ones skipped on the
    /// way (newest first). Nil when no valid snapshot exists. I/O errors are thrown.
    public func loadNewest() throws(StorageError) -> (snapshot: Snapshot?, skipped: [String]) {
        var skipped: [String] = []
        for index in try indices().reversed() {
            let path = DiskPath.join(directory, Self.fileName(index))
            let file = try disk.open(path, create: false)
            let bytes: [UInt8]
            do { bytes = try disk.readAll(file) } catch { disk.close(file); throw error }
            disk.close(file)
            switch ChecksummedFile.decode(magic: Self.magic, bytes) {
            case .success(let payload): return (Snapshot(index: index, payload: payload), skipped)
            case .failure(let f): skipped.append("\(path): \(f.reason)")
            }
        }
        return (nil, skipped)
    }

    /// Deletes all but the newest `retainCount` snapshots (`autopurge.snapRetainCount`,
    /// whose default and minimum is 3). Returns how many were deleted.
    @discardableResult
    public func purge(retainCount: Int = 3) throws(StorageError) -> Int {
        precondition(retainCount >= 1, "keep at least one snapshot")
        let all = try indices()
        guard all.count > retainCount else { return 0 }
        for index in all.prefix(all.count - retainCount) { try disk.remove(DiskPath.join(directory, Self.fileName(index))) }
        return all.count - retainCount
    }

    func pending(_ tickets: [SyncTicket], stage: Int) -> PendingSync {
        defer { nextSyncID += 1 }
        return PendingSync(id: nextSyncID, tickets: tickets, mark: saving?.index ?? 0, stage: stage)
    }
}
