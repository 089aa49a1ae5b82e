import FaultlineCore
import FaultlineStorage

/// The primary/backup reference system's data directory: one append-only log of text
/// lines on a `SimDisk` (mirrored onto real files under `run --data-dir`), fsynced on the server's tick, rewritten whole (temp file, fsync, rename) after a full
/// resync. It lives outside the actor, so a crash keeps what was synced and the restarted
/// server rebuilds from it.
///
/// Lines: `epoch E`, `add SEQ KEY VALUE`, `seq SEQ`. A torn or unreadable tail line is
/// dropped at load, as a log recovery would.
final class PrimaryBackupStore {
    let disk: SimDisk
    static let log = "pb.log", temp = "pb.log.tmp"
    var handle: DiskFile?
    /// Written since the last completed fsync.
    var dirty = false

    init(disk: SimDisk) { self.disk = disk }

    func file() -> DiskFile? {
        if let h = handle { return h }
        handle = try? disk.open(PrimaryBackupStore.log, create: true)
        return handle
    }

    func append(_ line: String) {
        guard let f = file() else { return }
        // A failed write (EIO, ENOSPC under a disk fault) loses the line, as a server that
        // ignores write errors would; the next full resync repairs it.
        if (try? disk.append(f, Array((line + "\n").utf8))) != nil { dirty = true }
    }

    /// Replaces the log with the full state (after a full resync).
    func rewrite(epoch: Int64, seq: Int, data: [[Int64]]) {
        var text = "epoch \(epoch)\n"
        for (k, values) in data.enumerated() { for v in values { text += "add 0 \(k) \(v)\n" } }
        text += "seq \(seq)\n"
        if let h = handle { disk.close(h); handle = nil }
        guard let t = try? disk.open(PrimaryBackupStore.temp, create: true) else { return }
        _ = try? disk.truncate(t, to: 0)
        _ = try? disk.append(t, Array(text.utf8))
        if let ticket = try? disk.requestSync(t) { _ = disk.completeSync(ticket) }
        disk.close(t)
        _ = try? disk.rename(PrimaryBackupStore.temp, to: PrimaryBackupStore.log)
        if let d = try? disk.requestDirectorySync("") { _ = disk.completeSync(d) }
        dirty = false
    }

    /// Asks for an fsync of what was appended; nil when nothing is dirty.
    func requestSync() -> SyncTicket? {
        guard dirty, let f = file() else { return nil }
        dirty = false
        return try? disk.requestSync(f)
    }

    func complete(_ ticket: SyncTicket) { _ = disk.completeSync(ticket) }

    /// The process died: the disk drops what was never synced; handles go stale.
    func crash() {
        disk.crash()
        handle = nil
        dirty = false
    }

    /// What a booting server rebuilds from: epoch, sequence and every key's values.
    func load(keys: Int) -> (epoch: Int64, seq: Int, data: [[Int64]])? {
        guard disk.exists(PrimaryBackupStore.log), let f = file(), let size = try? disk.size(f),
              let bytes = try? disk.read(f, at: 0, count: size), !bytes.isEmpty else { return nil }
        var epoch: Int64 = 0, seq = 0
        var data = Array(repeating: [Int64](), count: keys)
        // Only whole lines count: a torn tail has no newline.
        let text = String(decoding: bytes, as: UTF8.self)
        let complete = text.hasSuffix("\n") ? text : String(text[..<(text.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex)])
        for line in complete.split(separator: "\n") {
            let w = line.split(separator: " ")
            switch (w.first, w.count) {
            case ("epoch", 2): if let e = Int64(w[1]) { epoch = e }
            case ("seq", 2): if let s = Int(w[1]) { seq = s }
            case ("add", 4):
                guard let s = Int(w[1]), let k = Int(w[2]), let v = Int64(w[3]), k >= 0, k < keys else { continue }
                data[k].append(v)
                if s > 0 { seq = max(seq, s) }
            default: continue   // a line damaged by a bit flip is skipped
            }
        }
        return (epoch, seq, data)
    }
}
