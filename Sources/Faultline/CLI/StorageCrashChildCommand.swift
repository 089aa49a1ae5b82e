import FaultlineCore
import FaultlineStorage

/// `faultline _storage-crash-child`: the victim of the real SIGKILL crash test
/// (Tests/FaultlineTests/FileDiskCrashTests.swift). Hidden from `faultline --help`.
///
/// It opens (and so recovers) a segmented log on real files under `--dir`, prints
/// `recovered <start> <end>`, then appends records in random batches forever, printing
/// `synced <offset>` each time an fsync has returned: every record below that offset must
/// survive the SIGKILL that will end it. Each frame is written in several `pwrite` calls
/// (`SplitWriteDisk`) so that kills land inside frames and recovery has torn tails to cut.
/// A record's payload is a function of its offset (`payload(offset:)`), so the verifier
/// recognises every record without a side channel.
enum StorageCrashChildCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--dir", value: "PATH", help: "directory holding the log (must exist)"),
        OptionSpec("--seed", value: "N", help: "seed for batch sizes and write splits (default 1)"),
        OptionSpec("--records", value: "N", help: "stop after appending N records (default: run until killed)"),
        OptionSpec("--verify", help: "recover the log, check every record, print a summary, exit 1 on damage"),
    ]

    static let command = Command(
        name: "_storage-crash-child", summary: "(internal) victim process of the SIGKILL crash test.",
        usage: "faultline _storage-crash-child --dir PATH [--seed N] [--records N] [--verify]", options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "_storage-crash-child", options: options)
        guard let dir = parsed.value("--dir") else {
            throw UsageError("faultline _storage-crash-child: --dir PATH is required")
        }
        let seed = try parsed.uint64("--seed", command: "_storage-crash-child") ?? 1
        let records = try parsed.int("--records", command: "_storage-crash-child", range: 0...Int.max)
        let disk: FileDisk
        do { disk = try FileDisk(root: dir) } catch {
            throw UsageError("faultline _storage-crash-child: --dir \(dir): \(error)")
        }
        if parsed.has("--verify") {
            let report = try StorageCrashChild.verify(disk: disk)
            console.out(report.description + "\n")
            return report.damaged.isEmpty ? ExitCode.success : ExitCode.checkFailed
        }
        try StorageCrashChild.run(disk: SplitWriteDisk(disk, seed: seed), seed: seed, records: records, console: console)
        return ExitCode.success
    }
}

/// The crash test's workload and verifier, shared by the child process and the test.
public enum StorageCrashChild {
    public static let directory = "log"
    public static let config = SegmentedLogConfig(segmentBytes: 128 * 1024, indexIntervalBytes: 4096, maxRecordBytes: 8192)
    /// The child deletes old segments beyond this, so a long test stays small on disk.
    public static let retentionBytes = 512 * 1024

    /// The payload of the record at `offset`: 0 to 3000 bytes, all derived from the offset.
    public static func payload(offset: UInt64) -> [UInt8] {
        var r = SeededRandom(rawSeed: offset ^ 0xC3A5_C85C_97CB_3127)
        let size = Int(r.below(3001))
        var out = [UInt8](repeating: 0, count: size)
        var i = 0
        while i < size {
            var word = r.next()
            for _ in 0..<8 where i < size { out[i] = UInt8(truncatingIfNeeded: word); word >>= 8; i += 1 }
        }
        return out
    }

    static func run<D: Disk>(disk: D, seed: UInt64, records: Int?, console: Console) throws {
        var random = SeededRandom(seed: seed, stream: "crash-child")
        let (log, _) = try SegmentedLog.open(disk: disk, directory: directory, config: config)
        console.out("recovered \(log.logStartOffset) \(log.logEndOffset)\n")
        var appended = 0
        while records.map({ appended < $0 }) ?? true {
            // Batches of 1 to 64 records, fsynced half the time: kills land in writes as
            // well as in fsyncs, and unsynced records pile up for the kill to tear.
            let batch = Int(random.below(64)) + 1
            for _ in 0..<batch {
                try log.append(payload(offset: log.logEndOffset))
                appended += 1
            }
            if random.below(2) == 0 { continue }
            try log.syncNow()
            console.out("synced \(log.durableEndOffset)\n")
            try log.enforceRetention(bytes: retentionBytes)
        }
    }

    /// What recovery found in the crash test's directory.
    public struct Report: CustomStringConvertible, Sendable {
        public var start: UInt64 = 0
        public var end: UInt64 = 0
        public var recordsChecked = 0
        public var bytesTruncated = 0
        public var damage: String?
        /// Records that came back different from what was appended: must stay empty.
        public var damaged: [String] = []
        public var description: String {
            "start=\(start) end=\(end) checked=\(recordsChecked) truncated_bytes=\(bytesTruncated) damaged=\(damaged.count)"
                + (damaged.first.map { " first_damaged=\($0)" } ?? "")
        }
    }

    /// Recovers the log and checks that every record it returns is exactly what was appended
    /// at its offset, with contiguous offsets.
    public static func verify(root: String) throws -> Report { try verify(disk: try FileDisk(root: root)) }

    static func verify(disk: FileDisk) throws -> Report {
        let (log, recovery) = try SegmentedLog.open(disk: disk, directory: directory, config: config)
        var report = Report(start: log.logStartOffset, end: log.logEndOffset, bytesTruncated: recovery.bytesTruncated,
                            damage: recovery.damage)
        var next = log.logStartOffset
        while next < log.logEndOffset {
            let batch = try log.read(from: next, maxRecords: 512)
            for r in batch {
                if r.offset != next { report.damaged.append("offset \(r.offset) where \(next) was expected") }
                if r.payload != payload(offset: r.offset) { report.damaged.append("record \(r.offset) differs from what was appended") }
                next = r.offset + 1
                report.recordsChecked += 1
            }
            if batch.isEmpty { report.damaged.append("read from \(next) returned nothing before the end"); break }
        }
        return report
    }
}

/// A `Disk` that writes every append in up to three `pwrite` calls split at random points,
/// as a record written header-then-body would be, so a SIGKILL can land inside a frame.
/// An fsync between two pieces never makes a partial frame count as durable: the log's
/// `durableEndOffset` only moves when its own sync completes.
final class SplitWriteDisk<Base: Disk>: Disk {
    let base: Base
    var random: SeededRandom
    init(_ base: Base, seed: UInt64) { self.base = base; self.random = SeededRandom(seed: seed, stream: "split-writes") }

    func append(_ file: DiskFile, _ bytes: [UInt8]) throws(StorageError) {
        var start = try base.size(file)
        var rest = bytes[...]
        for _ in 0..<2 where rest.count > 1 {
            let cut = Int(random.below(UInt64(rest.count)))
            try base.write(file, at: start, Array(rest.prefix(cut)))
            start += cut
            rest = rest.dropFirst(cut)
            // Now and then a real fsync between the pieces: a slow window inside the frame,
            // so a good share of the kills leave half a frame on disk.
            if random.below(48) == 0 { _ = base.completeSync(try base.requestSync(file)) }
        }
        try base.write(file, at: start, Array(rest))
    }

    func makeDirectory(_ path: String) throws(StorageError) { try base.makeDirectory(path) }
    func open(_ path: String, create: Bool) throws(StorageError) -> DiskFile { try base.open(path, create: create) }
    func close(_ file: DiskFile) { base.close(file) }
    func size(_ file: DiskFile) throws(StorageError) -> Int { try base.size(file) }
    func write(_ file: DiskFile, at offset: Int, _ bytes: [UInt8]) throws(StorageError) { try base.write(file, at: offset, bytes) }
    func read(_ file: DiskFile, at offset: Int, count: Int) throws(StorageError) -> [UInt8] { try base.read(file, at: offset, count: count) }
    func truncate(_ file: DiskFile, to size: Int) throws(StorageError) { try base.truncate(file, to: size) }
    func requestSync(_ file: DiskFile) throws(StorageError) -> SyncTicket { try base.requestSync(file) }
    func requestDirectorySync(_ path: String) throws(StorageError) -> SyncTicket { try base.requestDirectorySync(path) }
    func completeSync(_ ticket: SyncTicket) -> SyncOutcome { base.completeSync(ticket) }
    func rename(_ from: String, to: String) throws(StorageError) { try base.rename(from, to: to) }
    func remove(_ path: String) throws(StorageError) { try base.remove(path) }
    func exists(_ path: String) -> Bool { base.exists(path) }
    func list(_ directory: String) throws(StorageError) -> [String] { try base.list(directory) }
}
