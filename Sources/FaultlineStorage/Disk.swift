import FaultlineCore

/// The operations every storage engine needs from a disk: files in directories, the
/// page-cache-versus-durable distinction, and fsync as a request that completes later.
///
/// Two implementations: `SimDisk` (deterministic, with a fault model, for simulations) and
/// `FileDisk` (real POSIX files, for crash tests and for users who want the bytes on disk).
/// Engines are generic over `D: Disk` so the compiler specialises them; nothing on a hot
/// path goes through an existential.
///
/// Paths are relative to the disk's root, separated by "/", with no leading slash; "" is
/// the root directory itself.
///
/// Durability protocol: `requestSync` (or `requestDirectorySync`) returns a `SyncTicket`
/// carrying a latency. The caller's shell schedules an event at `now + ticket.latency` and
/// then calls `completeSync(ticket)`; only a `.durable` outcome means the data (or the
/// directory entries) written before the request survive a crash. FileDisk's latency is
/// zero and its real fsync runs inside `completeSync`.
public protocol Disk: AnyObject {
    /// Creates `path` and any missing parents (like `mkdir -p`). Directory creation is
    /// durable when this returns (SimDisk does not model lost directories).
    func makeDirectory(_ path: String) throws(StorageError)
    /// Opens the file at `path`, creating an empty one when `create` is true and none exists
    /// (a new directory entry, durable only after its directory is synced).
    func open(_ path: String, create: Bool) throws(StorageError) -> DiskFile
    /// Releases the handle. Using it afterwards is `.staleHandle`.
    func close(_ file: DiskFile)
    /// The file's current size, as the page cache sees it.
    func size(_ file: DiskFile) throws(StorageError) -> Int
    /// Writes `bytes` at the end of the file.
    func append(_ file: DiskFile, _ bytes: [UInt8]) throws(StorageError)
    /// Writes `bytes` at `offset`, extending the file (with zeros) if needed.
    func write(_ file: DiskFile, at offset: Int, _ bytes: [UInt8]) throws(StorageError)
    /// Up to `count` bytes from `offset`; fewer at the end of the file.
    func read(_ file: DiskFile, at offset: Int, count: Int) throws(StorageError) -> [UInt8]
    /// Cuts (or zero-extends) the file to `size` bytes.
    func truncate(_ file: DiskFile, to size: Int) throws(StorageError)
    /// Asks for the file's data to become durable (fsync). Durable only once completed.
    func requestSync(_ file: DiskFile) throws(StorageError) -> SyncTicket
    /// Asks for the directory's entries (creates, renames, removes) to become durable.
    func requestDirectorySync(_ path: String) throws(StorageError) -> SyncTicket
    /// Completes a sync at the moment its latency has elapsed.
    func completeSync(_ ticket: SyncTicket) -> SyncOutcome
    /// Atomically renames `from` to `to`, replacing `to` if it exists.
    func rename(_ from: String, to: String) throws(StorageError)
    /// Removes the file at `path`.
    func remove(_ path: String) throws(StorageError)
    /// True when a file or directory exists at `path`.
    func exists(_ path: String) -> Bool
    /// The names (not paths) of the files and directories in `directory`, sorted.
    func list(_ directory: String) throws(StorageError) -> [String]
}

/// An open file. For SimDisk it names an inode and the crash generation it was opened in;
/// for FileDisk it wraps a file descriptor.
public struct DiskFile: Hashable, Sendable {
    public let id: Int
    public let generation: UInt64
    @inlinable public init(id: Int, generation: UInt64) { self.id = id; self.generation = generation }
}

/// A requested fsync: complete it with `Disk.completeSync` once `latency` has elapsed.
public struct SyncTicket: Hashable, Sendable {
    public let id: UInt64
    /// How long the fsync takes, drawn from the disk's fault stream (zero for FileDisk).
    public let latency: SimDuration
    public let generation: UInt64
    @inlinable public init(id: UInt64, latency: SimDuration, generation: UInt64) {
        self.id = id; self.latency = latency; self.generation = generation
    }
}

/// How a sync ended.
public enum SyncOutcome: Equatable, Sendable {
    /// The data or entries written before the request are durable.
    case durable
    /// The device failed the fsync (EIO); what it covered is not durable.
    case failed
    /// A crash (or an unknown ticket) came first: nothing was made durable by it.
    case lost
}

/// An engine-level sync in flight: one or more disk tickets, completed together after the
/// longest latency. Engines hand these out and take them back in `completeSync`.
public struct PendingSync: Sendable {
    /// Engine-local sequence number of this sync.
    public let id: UInt64
    /// Schedule the completion at `now + latency` (the slowest of the tickets).
    public let latency: SimDuration
    /// The disk tickets this sync waits for.
    public let tickets: [SyncTicket]
    /// Engine-defined position the sync covers (log end offset, command count...).
    public let mark: UInt64
    /// Engine-defined step, for multi-step operations such as an atomic replace.
    public let stage: Int

    public init(id: UInt64, tickets: [SyncTicket], mark: UInt64, stage: Int) {
        self.id = id
        self.tickets = tickets
        self.mark = mark
        self.stage = stage
        var slowest = SimDuration.zero
        for t in tickets where t.latency > slowest { slowest = t.latency }
        self.latency = slowest
    }
}

/// What a multi-step durable operation (an atomic replace, an AOF rewrite) needs next.
public enum SyncStep: Sendable {
    /// The operation is complete and durable.
    case done
    /// Another sync must complete first: schedule it and call back.
    case next(PendingSync)
}

extension Disk {
    /// Completes every ticket of `pending`; `.durable` only if all of them were.
    @inlinable public func completeAll(_ pending: PendingSync) -> SyncOutcome {
        var outcome = SyncOutcome.durable
        for t in pending.tickets {
            switch completeSync(t) {
            case .durable: break
            case .failed: if outcome == .durable { outcome = .failed }
            case .lost: outcome = .lost
            }
        }
        return outcome
    }

    /// Reads the whole file.
    public func readAll(_ file: DiskFile) throws(StorageError) -> [UInt8] {
        let n = try size(file)
        return n == 0 ? [] : try read(file, at: 0, count: n)
    }
}

/// Path helpers shared by the disks and engines.
public enum DiskPath {
    /// `directory/name`, or `name` at the root.
    public static func join(_ directory: String, _ name: String) -> String {
        directory.isEmpty ? name : directory + "/" + name
    }

    /// The directory holding `path` ("" for the root).
    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// The last component of `path`.
    public static func name(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
