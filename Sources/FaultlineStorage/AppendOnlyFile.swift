import FaultlineCore

/// Redis's `appendfsync`: when the AOF is fsynced.
public enum AppendFsync: String, Sendable, CaseIterable {
    /// fsync after every write, before replying to the client.
    case always
    /// fsync at most once a second, in the background (Redis's default).
    case everysec
    /// never fsync; the kernel writes back when it likes.
    case no
}

/// AOF settings, with Redis 7.0's names and defaults.
public struct AppendOnlyFileConfig: Sendable, Equatable {
    /// `appendfilename`.
    public var appendfilename = "appendonly.aof"
    /// `appenddirname`: the directory, inside `dir`, holding the parts and the manifest.
    public var appenddirname = "appendonlydir"
    /// `appendfsync`.
    public var appendfsync = AppendFsync.everysec
    /// `aof-load-truncated`: load an AOF whose last file ends mid-command, cutting it.
    public var aofLoadTruncated = true

    public init(appendfsync: AppendFsync = .everysec, aofLoadTruncated: Bool = true) {
        self.appendfsync = appendfsync
        self.aofLoadTruncated = aofLoadTruncated
    }
}

/// What a rewrite writes as the new base file: the dataset as RESP commands
/// (`aof-use-rdb-preamble no`), or as an RDB the caller encoded (the default since 4.0; the
/// engine keeps to RESP and leaves the RDB format to the system that owns it).
public enum AOFBase: Sendable {
    case commands([[[UInt8]]])
    case rdb([UInt8])
}

/// What loading an AOF found.
public struct AOFLoadResult: Sendable {
    /// The base file's bytes when it is an RDB (it starts with `REDIS`): the caller loads
    /// it first, then replays `commands`.
    public var rdbBase: [UInt8]?
    /// Every command to replay, in order, SELECTs included, as Redis replays them.
    public var commands: [[[UInt8]]] = []
    /// Bytes cut from the last file because `aof-load-truncated yes` accepted a short read.
    public var bytesTruncated = 0
    /// The log lines Redis would print about what it repaired.
    public var warnings: [String] = []
    /// A fresh AOF must write its first manifest: drive this to `.done` with `complete`.
    /// Appends made before then become durable only when it is done.
    public var initialization: PendingSync?
}

/// Redis's append-only file, multi-part as in Redis 7.0: `appenddirname` holds a base file,
/// incremental files and `appendonly.aof.manifest` naming them. Commands are written in
/// RESP exactly as Redis writes them (a `SELECT` whenever the database changes), so
/// `redis-check-aof` accepts the directory and `redis-server` loads it.
///
/// The engine is passive: `append` writes a command to the page cache (Redis's write of
/// `aof_buf` in beforeSleep); `requestSync(now:)` follows `appendfsync`; `complete` is
/// called when the disk's latency has elapsed, and `durableCount` says how many appended
/// commands are durable. With `always`, reply to a client once `durableCount` covers its
/// command. There is no checksum in the AOF format: a flipped bit inside a value loads as a
/// different value, as it would in Redis.
public final class AppendOnlyFile<D: Disk> {
    public let disk: D
    /// Redis's `dir`.
    public let directory: String
    public let config: AppendOnlyFileConfig
    public var aofDirectory: String { DiskPath.join(directory, config.appenddirname) }
    public var manifestPath: String { DiskPath.join(aofDirectory, config.appendfilename + ".manifest") }

    /// The manifest as last written (durable once no rewrite is in progress).
    public internal(set) var manifest = AOFManifest()
    /// Commands appended since this instance opened.
    public internal(set) var appendedCount: UInt64 = 0
    /// Commands appended since open whose fsync has completed (and whose manifest is durable).
    public internal(set) var durableCount: UInt64 = 0
    /// When the last sync was requested (for `everysec`).
    public internal(set) var lastSyncRequest: SimTime?

    struct Target {
        var path: String
        var file: DiskFile
        /// Database of the last SELECT written to this file; -1 before any.
        var selectedDb: Int
        var dirty = false
    }
    /// Files every append goes to: the current incremental file, plus the next one while a
    /// rewrite is switching over (so whichever manifest survives a crash has every command).
    var targets: [Target] = []
    var requestedCount: UInt64 = 0
    var inFlight: [(id: UInt64, mark: UInt64, done: Bool)] = []
    var nextSyncID: UInt64 = 1
    /// False until the first manifest of a fresh AOF is durable.
    var manifestDurable = true
    var heldCount: UInt64 = 0
    var rewrite: RewriteState?
    var buffer: [UInt8] = []

    public static var syncsInFlightMax: Int { 4096 }

    init(disk: D, directory: String, config: AppendOnlyFileConfig) {
        self.disk = disk; self.directory = directory; self.config = config
    }

    deinit { for t in targets { disk.close(t.file) } }

    /// Appends one command (`["SET", "k", "v"]`) for database `db`; returns its number
    /// (durable once `durableCount` reaches it).
    @discardableResult
    public func append(_ arguments: [[UInt8]], db: Int = 0) throws(StorageError) -> UInt64 {
        precondition(!arguments.isEmpty && db >= 0)
        for t in targets.indices {
            buffer.removeAll(keepingCapacity: true)
            if targets[t].selectedDb != db {
                RESP.encodeCommand([Array("SELECT".utf8), Array(String(db).utf8)], into: &buffer)
            }
            RESP.encodeCommand(arguments, into: &buffer)
            let before = try disk.size(targets[t].file)
            do {
                try disk.append(targets[t].file, buffer)
            } catch {
                // Redis truncates a partial write away so the file stays loadable.
                if let size = try? disk.size(targets[t].file), size != before { try? disk.truncate(targets[t].file, to: before) }
                throw error
            }
            targets[t].selectedDb = db
            targets[t].dirty = true
        }
        appendedCount += 1
        return appendedCount
    }

    /// String convenience for `append`.
    @discardableResult
    public func append(_ arguments: [String], db: Int = 0) throws(StorageError) -> UInt64 {
        try append(arguments.map { Array($0.utf8) }, db: db)
    }

    /// Whether `appendfsync` asks for an fsync now: `always` after any write, `everysec`
    /// once a second when none is still running (Redis skips a second while the background
    /// fsync is busy), `no` never.
    public func shouldSync(now: SimTime) -> Bool {
        guard appendedCount > requestedCount else { return false }
        switch config.appendfsync {
        case .always: return true
        case .no: return false
        case .everysec:
            guard inFlight.isEmpty else { return false }
            guard let last = lastSyncRequest else { return true }
            return now - last >= .seconds(1)
        }
    }

    /// Requests fsync of the files written since the last request. Nil when nothing is
    /// unsynced (a sync in flight may still cover earlier commands).
    public func requestSync(now: SimTime) throws(StorageError) -> PendingSync? {
        let dirty = targets.indices.filter { targets[$0].dirty }
        if dirty.isEmpty { return nil }
        precondition(inFlight.count < Self.syncsInFlightMax, "AOF syncs pile up")
        var tickets: [SyncTicket] = []
        for t in dirty { tickets.append(try disk.requestSync(targets[t].file)) }
        for t in dirty { targets[t].dirty = false }
        lastSyncRequest = now
        requestedCount = appendedCount
        let id = nextSyncID
        nextSyncID += 1
        inFlight.append((id, appendedCount, false))
        return PendingSync(id: id, tickets: tickets, mark: appendedCount, stage: 0)
    }

    /// Completes a sync or a step of a rewrite once its latency has elapsed.
    public func complete(_ pending: PendingSync) throws(StorageError) -> SyncStep {
        if pending.stage != 0 { return try completeRewriteStage(pending) }
        guard let i = inFlight.firstIndex(where: { $0.id == pending.id }) else {
            throw .invalidArgument("AOF sync \(pending.id) is not in flight")
        }
        switch disk.completeAll(pending) {
        case .durable: inFlight[i].done = true
        case .failed:
            inFlight.remove(at: i)
            throw .syncFailed(path: aofDirectory)
        case .lost:
            inFlight.remove(at: i)
            throw .staleHandle
        }
        while let first = inFlight.first, first.done {
            if manifestDurable { durableCount = max(durableCount, first.mark) } else { heldCount = max(heldCount, first.mark) }
            inFlight.removeFirst()
        }
        return .done
    }

    /// Drives `pending` (and any following steps) to the end at once: FileDisk, tools, tests.
    public func completeNow(_ pending: PendingSync) throws(StorageError) {
        var step = try complete(pending)
        while case .next(let p) = step { step = try complete(p) }
    }

    /// Requests and completes a sync at once.
    public func syncNow() throws(StorageError) {
        if let p = try requestSync(now: lastSyncRequest ?? .zero) { try completeNow(p) }
    }

    /// Local invariants.
    public func checkInvariants() {
        precondition(durableCount <= appendedCount && requestedCount <= appendedCount)
        precondition(!targets.isEmpty && targets.count <= 2, "one incremental file, two while switching")
        precondition((targets.count == 2) == (rewrite != nil && rewrite!.switching))
        if manifestDurable { precondition(heldCount == 0) }
    }
}
