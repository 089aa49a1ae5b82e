#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FaultlineCore

/// The `Disk` operations on real files under `root`, with POSIX calls: `pwrite`, `pread`,
/// `ftruncate`, `fsync` of files and of directories, `rename`. Engines run on it unchanged,
/// so a crash test can SIGKILL a process mid-write and recover from what the kernel kept.
///
/// fsync is real and synchronous: `requestSync` only records the target and returns a
/// ticket with zero latency; `completeSync` runs the fsync, so "durable" means the same
/// moment it does on SimDisk. Not thread-safe, like every engine above it: one owner.
public final class FileDisk: Disk {
    /// The directory every relative path is resolved against.
    public let root: String
    var openPaths: [Int32: String] = [:]
    var pending: [UInt64: (fd: Int32?, directory: String?)] = [:]
    var nextTicket: UInt64 = 1

    /// A disk rooted at an existing directory `root`.
    public init(root: String) throws(StorageError) {
        var st = stat()
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { throw .notFound(path: root) }
        self.root = root
    }

    deinit {
        for fd in openPaths.keys { _ = Glibc_close(fd) }
        for (_, target) in pending { if let fd = target.fd { _ = Glibc_close(fd) } }
    }

    func full(_ path: String) -> String { path.isEmpty ? root : root + "/" + path }

    func fail(_ path: String, _ operation: String) -> StorageError {
        let e = errno
        switch e {
        case ENOENT: return .notFound(path: path)
        case EEXIST: return .alreadyExists(path: path)
        case EIO: return .ioError(path: path, operation: operation)
        case ENOSPC: return .noSpace(path: path)
        default: return .system(path: path, operation: operation, errno: e)
        }
    }

    func fd(_ file: DiskFile) throws(StorageError) -> Int32 {
        let fd = Int32(file.id)
        guard openPaths[fd] != nil else { throw .staleHandle }
        return fd
    }

    public func makeDirectory(_ path: String) throws(StorageError) {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix = DiskPath.join(prefix, String(part))
            if mkdir(full(prefix), 0o755) == 0 {
                try syncDirectoryNow(DiskPath.parent(prefix))
            } else if errno != EEXIST {
                throw fail(prefix, "mkdir")
            }
        }
    }

    public func open(_ path: String, create: Bool) throws(StorageError) -> DiskFile {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Glibc_open(full(path), flags, 0o644)
        guard fd >= 0 else { throw fail(path, "open") }
        openPaths[fd] = path
        return DiskFile(id: Int(fd), generation: 0)
    }

    public func close(_ file: DiskFile) {
        let fd = Int32(file.id)
        if openPaths.removeValue(forKey: fd) != nil { _ = Glibc_close(fd) }
    }

    public func size(_ file: DiskFile) throws(StorageError) -> Int {
        let fd = try fd(file)
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail(openPaths[fd] ?? "?", "fstat") }
        return Int(st.st_size)
    }

    public func append(_ file: DiskFile, _ bytes: [UInt8]) throws(StorageError) {
        try write(file, at: try size(file), bytes)
    }

    public func write(_ file: DiskFile, at offset: Int, _ bytes: [UInt8]) throws(StorageError) {
        let fd = try fd(file)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(openPaths[fd] ?? "?", "pwrite")
            }
            done += n
        }
    }

    public func read(_ file: DiskFile, at offset: Int, count: Int) throws(StorageError) -> [UInt8] {
        let fd = try fd(file)
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(openPaths[fd] ?? "?", "pread")
            }
            if n == 0 { break }
            done += n
        }
        if done < count { out.removeSubrange(done...) }
        return out
    }

    public func truncate(_ file: DiskFile, to size: Int) throws(StorageError) {
        let fd = try fd(file)
        guard ftruncate(fd, off_t(size)) == 0 else { throw fail(openPaths[fd] ?? "?", "ftruncate") }
    }

    public func requestSync(_ file: DiskFile) throws(StorageError) -> SyncTicket {
        let fd = try fd(file)
        guard pending.count < SimDisk.pendingTicketsMax else { throw .invalidArgument("fsync tickets requested and never completed") }
        // A duplicate descriptor: the engine may close its handle before the sync completes
        // (fsync flushes the file, whichever descriptor names it).
        let dup = Glibc_dup(fd)
        guard dup >= 0 else { throw fail(openPaths[fd] ?? "?", "dup") }
        let id = nextTicket
        nextTicket += 1
        pending[id] = (dup, nil)
        return SyncTicket(id: id, latency: .zero, generation: 0)
    }

    public func requestDirectorySync(_ path: String) throws(StorageError) -> SyncTicket {
        guard exists(path) else { throw .notFound(path: path) }
        let id = nextTicket
        nextTicket += 1
        pending[id] = (nil, path)
        return SyncTicket(id: id, latency: .zero, generation: 0)
    }

    public func completeSync(_ ticket: SyncTicket) -> SyncOutcome {
        guard let target = pending.removeValue(forKey: ticket.id) else { return .lost }
        if let fd = target.fd {
            defer { _ = Glibc_close(fd) }
            return fsync(fd) == 0 ? .durable : .failed
        }
        do { try syncDirectoryNow(target.directory ?? "") } catch { return .failed }
        return .durable
    }

    func syncDirectoryNow(_ path: String) throws(StorageError) {
        let fd = Glibc_open(full(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard fd >= 0 else { throw fail(path, "open directory") }
        defer { _ = Glibc_close(fd) }
        guard fsync(fd) == 0 else { throw fail(path, "fsync directory") }
    }

    public func rename(_ from: String, to: String) throws(StorageError) {
        guard Glibc_rename(full(from), full(to)) == 0 else { throw fail(from, "rename to \(to)") }
        for (fd, p) in openPaths where p == from { openPaths[fd] = to }
    }

    public func remove(_ path: String) throws(StorageError) {
        if unlink(full(path)) == 0 { return }
        if errno == EISDIR || errno == EPERM, rmdir(full(path)) == 0 { return }
        throw fail(path, "unlink")
    }

    public func exists(_ path: String) -> Bool { access(full(path), F_OK) == 0 }

    public func list(_ directory: String) throws(StorageError) -> [String] {
        guard let dir = opendir(full(directory)) else { throw fail(directory, "opendir") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

// The POSIX names collide with the protocol's methods; call the C functions through these.
@inline(__always) func Glibc_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
@inline(__always) func Glibc_close(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) func Glibc_dup(_ fd: Int32) -> Int32 { dup(fd) }
@inline(__always) func Glibc_rename(_ a: String, _ b: String) -> Int32 { rename(a, b) }
