import Foundation

/// Real files that follow a `SimDisk`: every write, truncate, create, rename and remove the
/// simulated page cache sees is repeated on a `FileDisk` rooted at a host directory, and
/// after a crash the host files are rewritten to what the crash left.
///
/// Why a mirror and not the engines on a `FileDisk`: the simulated disk stays the source of
/// truth, so its fault model (what a power loss keeps, torn writes, bit flips) and its fsync
/// latencies are unchanged, and a run with a mirror has the same trace hash as one without.
/// The host files are for people and tools to read (`zkTxnLogToolkit.sh`, `redis-check-aof`,
/// a real server booting from them): at every moment they hold the bytes the simulated
/// page cache holds. Nothing is fsynced on the host; durability is the simulation's.
///
/// The mirror only writes. It never draws from the disk's random stream, never fails an
/// operation of the disk and never changes what the simulation sees; its first host error
/// is kept in `problem` and mirroring stops there.
public final class SimDiskMirror {
    /// The host directory standing for the simulated disk's root.
    public let root: String
    let host: FileDisk
    /// Each named simulated inode's host path. An inode whose name was removed has none:
    /// the simulation may still write to it through an open handle, as to an unlinked file.
    var paths: [Int: String] = [:]
    /// Host handles, by simulated inode (a handle survives a rename, as a descriptor does).
    var handles: [Int: DiskFile] = [:]
    /// The first host error, naming the host path; mirroring stops after it.
    public private(set) var problem: String?

    /// A mirror writing under `root`, which must exist.
    public init(root: String) throws(StorageError) {
        self.root = root
        host = try FileDisk(root: root)
    }

    deinit { closeAll() }

    /// Runs `body` unless an earlier host error stopped the mirror; keeps the first error.
    func attempt(_ what: String, _ body: () throws(StorageError) -> Void) {
        guard problem == nil else { return }
        do { try body() } catch { problem = "\(root): \(what): \(error)" }
    }

    func handle(_ inode: Int, path: String) throws(StorageError) -> DiskFile {
        if let h = handles[inode] { return h }
        assert(paths[inode] == path, "the mirror's name for an inode drifted from the disk's")
        // A long run makes many files (snapshots, rolled logs): bound the open descriptors.
        if handles.count >= SimDiskMirror.openHandlesMax { closeAll() }
        let h = try host.open(path, create: true)
        handles[inode] = h
        return h
    }

    static let openHandlesMax = 64

    func forget(_ inode: Int) {
        if let h = handles.removeValue(forKey: inode) { host.close(h) }
    }

    /// Closes the host descriptors (a later change reopens what it needs).
    public func closeAll() {
        for id in handles.keys.sorted() { host.close(handles[id]!) }
        handles.removeAll()
    }

    // MARK: what the disk reports

    func madeDirectory(_ path: String) { attempt("mkdir \(path)") { () throws(StorageError) in try host.makeDirectory(path) } }

    func created(_ path: String, inode: Int) {
        paths[inode] = path
        attempt("create \(path)") { () throws(StorageError) in
            let h = try handle(inode, path: path)
            try host.truncate(h, to: 0)
        }
    }

    /// The inode's bytes `offset..<offset+bytes.count` are now `bytes` (and its size at least that).
    func wrote(inode: Int, at offset: Int, _ bytes: ArraySlice<UInt8>) {
        guard let path = paths[inode] else { return }
        attempt("write \(path)") { () throws(StorageError) in
            try host.write(try handle(inode, path: path), at: offset, Array(bytes))
        }
    }

    func truncated(inode: Int, to size: Int) {
        guard let path = paths[inode] else { return }
        attempt("truncate \(path)") { () throws(StorageError) in try host.truncate(try handle(inode, path: path), to: size) }
    }

    /// `from` (naming `inode`) became `to`; `replaced` is the inode `to` named before, if any.
    func renamed(_ from: String, to: String, inode: Int, replaced: Int?) {
        if let r = replaced, r != inode { forget(r); paths[r] = nil }
        paths[inode] = to
        attempt("rename \(from) to \(to)") { () throws(StorageError) in try host.rename(from, to: to) }
    }

    /// The name is gone; a handle the simulation still holds writes to a file no one can open.
    func removed(_ path: String, inode: Int?) {
        if let i = inode { forget(i); paths[i] = nil }
        attempt("remove \(path)") { () throws(StorageError) in try host.remove(path) }
    }

    /// Makes the host tree exactly `directories` and `files` (after a crash, or when the mirror
    /// is attached to a disk that already holds files): everything else under the root goes.
    func replaceAll(directories: [String], files: [(path: String, inode: Int, data: [UInt8])]) {
        closeAll()
        paths.removeAll()
        attempt("clear") { () throws(StorageError) in
            for name in try host.list("") { try removeTree(name) }
        }
        for d in directories.sorted() where !d.isEmpty { madeDirectory(d) }
        for f in files.sorted(by: { $0.path < $1.path }) {
            created(f.path, inode: f.inode)
            if !f.data.isEmpty { wrote(inode: f.inode, at: 0, f.data[...]) }
        }
    }

    func removeTree(_ path: String) throws(StorageError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: host.full(path), isDirectory: &isDirectory), isDirectory.boolValue {
            for name in try host.list(path) { try removeTree(DiskPath.join(path, name)) }
        }
        try host.remove(path)
    }
}
