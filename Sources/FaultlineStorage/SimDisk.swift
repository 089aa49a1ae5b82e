import FaultlineCore

/// A simulated disk: a passive, deterministic state machine with a fault model.
///
/// Contract (what a node's shell and the engines may rely on):
/// - **No event queue inside.** Every operation returns at once. Writes land in the page
///   cache immediately; an fsync is a *request* that returns a `SyncTicket` whose latency
///   is drawn from this disk's own `SeededRandom` (the fault stream). The shell schedules
///   an event at `now + ticket.latency` and then calls `completeSync(ticket)`: that call
///   is the moment the data becomes durable, and its `SyncOutcome` says whether it did.
///   Completion makes the file's whole current content durable (a real fsync may persist
///   more than was written before the request, never less).
/// - **Directory entries** (create, rename, remove) are pending until a directory sync of
///   a directory they touch completes. Directories themselves are created durably.
/// - **Crash** (`crash()`): pending tickets are dropped (completing one returns `.lost`),
///   open handles go stale, every file falls back to its durable content, and of the
///   directory operations no completed directory sync covered, a prefix survives (an
///   ordered metadata journal, as ext4 and XFS keep): each one ends the prefix with rate
///   `faults.directoryOpLoss`, so a new file may vanish and a renamed one may keep its
///   old name. With rate `faults.tornWrite`, a file whose last operation was an unsynced
///   append instead keeps a sector-aligned prefix of that append (and its earlier unsynced
///   writes). After a crash, open every file again: the engines recover by reopening.
/// - **Directory syncs** persist the operations touching that directory and, before them,
///   the earlier operations on the same files (a rename persists the create it depends on).
/// - **Faults**, each with its own `Ratio` in `faults`: bit flips on the medium (found by
///   whoever checks a checksum on read), EIO on reads and writes, failed fsyncs, ENOSPC
///   (random, or past `capacityBytes`), slow fsyncs. `counters` records what happened.
/// - **Determinism:** decisions draw from `random` in operation order; nothing iterates a
///   Dictionary or Set to decide (inodes are visited in id order, listings are sorted).
///   Same seed and same operations give the same losses, byte for byte.
public final class SimDisk: Disk {
    // One simulation runs on one thread and no method re-enters another, so the hot stored
    // properties opt out of dynamic exclusivity checks (a third of an append's cost).
    @exclusivity(unchecked) public var faults: Faults
    @exclusivity(unchecked) public internal(set) var counters = Counters()
    /// This disk's fault stream. Owned: no other consumer draws from it.
    @exclusivity(unchecked) var random: SeededRandom
    /// Bumped by every crash; handles and tickets from an older generation are dead.
    public internal(set) var generation: UInt64 = 0
    /// Real files following the page cache, under `run --data-dir` (see `attach(_:)`).
    @exclusivity(unchecked) public internal(set) var mirror: SimDiskMirror?

    final class Inode {
        @exclusivity(unchecked) var data: [UInt8] = []
        /// Bytes `0..<durableLength` of the durable image are `data` after reverting `undo`.
        @exclusivity(unchecked) var durableLength = 0
        /// Durable bytes overwritten since the last sync, oldest first, to revert at a crash.
        @exclusivity(unchecked) var undo: [(offset: Int, bytes: [UInt8])] = []
        /// The last operation, when it was an append not yet synced: what a torn write tears.
        @exclusivity(unchecked) var lastAppend: (offset: Int, count: Int)?
        var isClean: Bool { durableLength == data.count && undo.isEmpty }
    }

    enum DirectoryOp {
        case create(path: String, inode: Int)
        case remove(path: String, inode: Int)
        case rename(from: String, to: String, inode: Int)

        func touches(_ directory: String) -> Bool {
            switch self {
            case .create(let p, _), .remove(let p, _): return DiskPath.parent(p) == directory
            case .rename(let f, let t, _): return DiskPath.parent(f) == directory || DiskPath.parent(t) == directory
            }
        }

        func apply(to namespace: inout [String: Int]) {
            switch self {
            case .create(let p, let i): namespace[p] = i
            case .remove(let p, let i): if namespace[p] == i { namespace[p] = nil }
            case .rename(let f, let t, let i):
                if namespace[f] == i { namespace[f] = nil }
                namespace[t] = i
            }
        }

        var inode: Int {
            switch self { case .create(_, let i), .remove(_, let i), .rename(_, _, let i): return i }
        }
    }

    enum TicketTarget { case file(inode: Int), directory(path: String) }

    @exclusivity(unchecked) var inodes: [Int: Inode] = [:]
    var nextInode = 1
    /// The namespace as running processes see it.
    var files: [String: Int] = [:]
    /// The namespace a crash would fall back to, before pending operations are replayed.
    var durableFiles: [String: Int] = [:]
    var directories: Set<String> = [""]
    var pendingOps: [DirectoryOp] = []
    @exclusivity(unchecked) var handles: [Int: Int] = [:]
    var nextHandle = 1
    @exclusivity(unchecked) var tickets: [UInt64: (target: TicketTarget, fails: Bool)] = [:]
    @exclusivity(unchecked) var nextTicket: UInt64 = 1
    @exclusivity(unchecked) public internal(set) var usedBytes = 0

    /// Bound on directory operations awaiting a sync: an engine that never syncs its
    /// directory is a bug the fuzzer should hit.
    public static let pendingDirectoryOpsMax = 100_000

    /// A disk whose faults draw from `random` (give it its own stream, e.g.
    /// `SeededRandom(seed: seed, stream: "disk/node1")`).
    public init(random: SeededRandom, faults: Faults = .none) {
        self.random = random
        self.faults = faults
    }

    // MARK: namespace

    public func makeDirectory(_ path: String) throws(StorageError) {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix = DiskPath.join(prefix, String(part))
            if files[prefix] != nil { throw .alreadyExists(path: prefix) }
            if directories.insert(prefix).inserted { mirror?.madeDirectory(prefix) }
        }
    }

    public func open(_ path: String, create: Bool) throws(StorageError) -> DiskFile {
        if directories.contains(path) { throw .invalidArgument("\(path) is a directory") }
        let inode: Int
        if let existing = files[path] {
            inode = existing
        } else {
            guard create else { throw .notFound(path: path) }
            guard directories.contains(DiskPath.parent(path)) else { throw .notFound(path: DiskPath.parent(path)) }
            inode = nextInode
            nextInode += 1
            inodes[inode] = Inode()
            files[path] = inode
            recordOp(.create(path: path, inode: inode))
            mirror?.created(path, inode: inode)
        }
        let handle = nextHandle
        nextHandle += 1
        handles[handle] = inode
        return DiskFile(id: handle, generation: generation)
    }

    public func close(_ file: DiskFile) {
        if file.generation == generation { handles[file.id] = nil }
    }

    public func rename(_ from: String, to: String) throws(StorageError) {
        guard let inode = files[from] else { throw .notFound(path: from) }
        guard directories.contains(DiskPath.parent(to)) else { throw .notFound(path: DiskPath.parent(to)) }
        if directories.contains(to) { throw .invalidArgument("\(to) is a directory") }
        if from == to { return }
        let replaced = files[to]
        files[from] = nil
        files[to] = inode
        recordOp(.rename(from: from, to: to, inode: inode))
        mirror?.renamed(from, to: to, inode: inode, replaced: replaced)
    }

    public func remove(_ path: String) throws(StorageError) {
        if let inode = files[path] {
            files[path] = nil
            recordOp(.remove(path: path, inode: inode))
            mirror?.removed(path, inode: inode)
            return
        }
        guard directories.contains(path), !path.isEmpty else { throw .notFound(path: path) }
        guard try list(path).isEmpty else { throw .invalidArgument("directory \(path) is not empty") }
        directories.remove(path)
        mirror?.removed(path, inode: nil)
    }

    public func exists(_ path: String) -> Bool { files[path] != nil || directories.contains(path) }

    public func list(_ directory: String) throws(StorageError) -> [String] {
        guard directories.contains(directory) else { throw .notFound(path: directory) }
        var names: [String] = []
        for path in files.keys where DiskPath.parent(path) == directory { names.append(DiskPath.name(path)) }
        for path in directories where !path.isEmpty && DiskPath.parent(path) == directory { names.append(DiskPath.name(path)) }
        return names.sorted()
    }

    func recordOp(_ op: DirectoryOp) {
        precondition(pendingOps.count < SimDisk.pendingDirectoryOpsMax, "directory operations never synced")
        pendingOps.append(op)
    }

    // MARK: data

    func inode(_ file: DiskFile) throws(StorageError) -> Inode {
        guard file.generation == generation, let id = handles[file.id], let node = inodes[id] else { throw .staleHandle }
        return node
    }

    func path(of file: DiskFile) -> String {
        guard let id = handles[file.id] else { return "<closed>" }
        return files.first(where: { $0.value == id })?.key ?? "<unlinked>"
    }

    public func size(_ file: DiskFile) throws(StorageError) -> Int { try inode(file).data.count }

    /// Draws the write-path faults; throws before anything is written.
    func admitWrite(_ file: DiskFile, growth: Int) throws(StorageError) {
        if random.chance(faults.writeError) {
            counters.writeErrors += 1
            throw .ioError(path: path(of: file), operation: "write")
        }
        if growth > 0 && (usedBytes + growth > faults.capacityBytes || random.chance(faults.diskFull)) {
            counters.diskFullErrors += 1
            throw .noSpace(path: path(of: file))
        }
    }

    public func append(_ file: DiskFile, _ bytes: [UInt8]) throws(StorageError) {
        let node = try inode(file)
        try admitWrite(file, growth: bytes.count)
        let offset = node.data.count
        node.data.append(contentsOf: bytes)
        usedBytes += bytes.count
        node.lastAppend = (offset, bytes.count)
        finishWrite(node, offset: offset, count: bytes.count)
        if let mirror { mirror.wrote(inode: handles[file.id]!, at: offset, node.data[offset...]) }
    }

    public func write(_ file: DiskFile, at offset: Int, _ bytes: [UInt8]) throws(StorageError) {
        precondition(offset >= 0, "negative file offset")
        let node = try inode(file)
        let end = offset + bytes.count
        try admitWrite(file, growth: max(0, end - node.data.count))
        let wasAppend = offset == node.data.count
        let oldCount = node.data.count
        saveUndo(node, from: offset, to: end)
        if node.data.count < offset { node.data.append(contentsOf: repeatElement(0, count: offset - node.data.count)) }
        let overlap = min(end, node.data.count) - offset
        if overlap > 0 { node.data.replaceSubrange(offset..<offset + overlap, with: bytes[0..<overlap]) }
        if overlap < bytes.count { node.data.append(contentsOf: bytes[max(0, overlap)...]) }
        usedBytes += node.data.count - oldCount
        node.lastAppend = wasAppend ? (offset, bytes.count) : nil
        finishWrite(node, offset: offset, count: bytes.count)
        if let mirror {
            // From the old end when the write left a hole: the zeros are file content too.
            let from = min(offset, oldCount)
            mirror.wrote(inode: handles[file.id]!, at: from, node.data[from..<end])
        }
    }

    public func truncate(_ file: DiskFile, to size: Int) throws(StorageError) {
        precondition(size >= 0, "negative file size")
        let node = try inode(file)
        try admitWrite(file, growth: max(0, size - node.data.count))
        let old = node.data.count
        if size < old {
            saveUndo(node, from: size, to: old)
            node.data.removeSubrange(size...)
        } else if size > old {
            node.data.append(contentsOf: repeatElement(0, count: size - old))
        }
        usedBytes += size - old
        node.lastAppend = nil
        mirror?.truncated(inode: handles[file.id]!, to: size)
    }

    /// Remembers the durable bytes in `from..<to` that are about to change.
    func saveUndo(_ node: Inode, from: Int, to: Int) {
        let end = min(to, node.data.count, node.durableLength)
        if from < end { node.undo.append((from, Array(node.data[from..<end]))) }
    }

    func finishWrite(_ node: Inode, offset: Int, count: Int) {
        counters.writes += 1
        counters.bytesWritten += count
        if count > 0 && random.chance(faults.bitFlip) {
            let at = offset + Int(random.below(UInt64(count)))
            node.data[at] ^= UInt8(1) << UInt8(random.below(8))
            counters.bitFlips += 1
        }
    }

    public func read(_ file: DiskFile, at offset: Int, count: Int) throws(StorageError) -> [UInt8] {
        precondition(offset >= 0 && count >= 0, "negative read range")
        let node = try inode(file)
        if random.chance(faults.readError) {
            counters.readErrors += 1
            throw .ioError(path: path(of: file), operation: "read")
        }
        let start = min(offset, node.data.count), end = min(offset + count, node.data.count)
        counters.reads += 1
        counters.bytesRead += end - start
        return Array(node.data[start..<end])
    }

    // MARK: sync

    func drawLatency() -> SimDuration {
        if random.chance(faults.slowSync) {
            counters.slowSyncs += 1
            return random.duration(in: faults.slowSyncLatency)
        }
        return random.duration(in: faults.syncLatency)
    }

    /// Bound on syncs requested and never completed: a shell that drops tickets leaks them.
    public static let pendingTicketsMax = 100_000

    func issueTicket(_ target: TicketTarget) -> SyncTicket {
        precondition(tickets.count < SimDisk.pendingTicketsMax, "fsync tickets requested and never completed")
        counters.syncsRequested += 1
        let latency = drawLatency()
        let fails = random.chance(faults.syncError)
        let id = nextTicket
        nextTicket += 1
        tickets[id] = (target, fails)
        return SyncTicket(id: id, latency: latency, generation: generation)
    }

    public func requestSync(_ file: DiskFile) throws(StorageError) -> SyncTicket {
        guard file.generation == generation, let id = handles[file.id] else { throw .staleHandle }
        return issueTicket(.file(inode: id))
    }

    public func requestDirectorySync(_ path: String) throws(StorageError) -> SyncTicket {
        guard directories.contains(path) else { throw .notFound(path: path) }
        return issueTicket(.directory(path: path))
    }

    public func completeSync(_ ticket: SyncTicket) -> SyncOutcome {
        guard ticket.generation == generation, let entry = tickets.removeValue(forKey: ticket.id) else {
            counters.syncsLost += 1
            return .lost
        }
        if entry.fails {
            counters.syncsFailed += 1
            return .failed
        }
        counters.syncsCompleted += 1
        switch entry.target {
        case .file(let id):
            guard let node = inodes[id] else { return .durable }
            counters.bytesSynced += unsyncedBytes(node)
            node.durableLength = node.data.count
            node.undo.removeAll()
            node.lastAppend = nil
        case .directory(let path):
            counters.directorySyncs += 1
            // An entry made durable drags along the earlier operations on the same inode
            // (a rename persists the create it depends on), never later ones.
            guard let last = pendingOps.lastIndex(where: { $0.touches(path) }) else { break }
            var inodesTouched = Set<Int>()
            for op in pendingOps[...last] where op.touches(path) { inodesTouched.insert(op.inode) }
            var rest: [DirectoryOp] = []
            for (k, op) in pendingOps.enumerated() {
                if k <= last && (op.touches(path) || inodesTouched.contains(op.inode)) {
                    op.apply(to: &durableFiles)
                } else {
                    rest.append(op)
                }
            }
            pendingOps = rest
            collectGarbage()
        }
        return .durable
    }

    func unsyncedBytes(_ node: Inode) -> Int {
        max(0, node.data.count - node.durableLength) + node.undo.reduce(0) { $0 + $1.bytes.count }
    }

    /// Frees inodes that no name, pending operation or open handle can reach any more.
    func collectGarbage() {
        var reachable = Set(files.values)
        reachable.formUnion(durableFiles.values)
        for op in pendingOps { reachable.insert(op.inode) }
        reachable.formUnion(handles.values)
        let dead = inodes.keys.filter { !reachable.contains($0) }
        for id in dead {
            usedBytes -= inodes[id]!.data.count
            inodes[id] = nil
        }
    }
}
