import Testing
import Foundation
import FaultlineCore
@testable import FaultlineStorage

/// A fresh directory under the system temporary directory, removed by the caller.
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    var template = Array((NSTemporaryDirectory() + "/faultline-\(prefix)-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard made != nil else { throw StorageError.system(path: prefix, operation: "mkdtemp", errno: errno) }
    return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

@Suite struct FileDiskTests {
    @Test func segmentedLogOnRealFilesRecoversAfterReopenAndCutsAGarbageTail() throws {
        let root = try makeTemporaryDirectory("log")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let disk = try FileDisk(root: root)
        let config = SegmentedLogConfig(segmentBytes: 4096, indexIntervalBytes: 512, maxRecordBytes: 2048)
        do {
            let (log, _) = try SegmentedLog.open(disk: disk, directory: "topic-0", config: config)
            for i in 0..<300 as Range<UInt64> { try log.append(payload(i, salt: 77, size: Int(i % 200))) }
            try log.syncNow()
            #expect(log.durableEndOffset == 300)
        }
        #expect(FileManager.default.fileExists(atPath: root + "/topic-0/00000000000000000000.log"))
        // A torn frame at the end of the last segment, as a crash mid-write leaves it.
        let names = try disk.list("topic-0")
        let last = try disk.open("topic-0/" + names.last!, create: false)
        try disk.append(last, [0x20, 0, 0, 0, 1, 2, 3])
        let (log, report) = try SegmentedLog.open(disk: disk, directory: "topic-0", config: config)
        #expect(log.logEndOffset == 300 && report.bytesTruncated == 7)
        let all = try log.read(from: 0)
        #expect(all.count == 300)
        for r in all { #expect(r.payload == payload(r.offset, salt: 77, size: Int(r.offset % 200))) }
        try log.truncate(to: 123)
        try log.enforceRetention(bytes: 4096)
        try log.syncNow()
        let (again, _) = try SegmentedLog.open(disk: disk, directory: "topic-0", config: config)
        #expect(again.logEndOffset == 123 && again.logStartOffset == log.logStartOffset && again.logStartOffset > 0)
    }

    @Test func snapshotsCheckpointsAndAOFWorkOnRealFiles() throws {
        let root = try makeTemporaryDirectory("engines")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let disk = try FileDisk(root: root)
        let store = try SnapshotStore.open(disk: disk, directory: "snap")
        try store.saveNow(Snapshot(index: 9, payload: bytes("nine")))
        #expect(try store.loadNewest().snapshot?.payload == bytes("nine"))
        let cp = try CheckpointFile.open(disk: disk, path: "epochs/acceptedEpoch")
        try cp.writeNow(bytes("3"))
        #expect(try CheckpointFile.open(disk: disk, path: "epochs/acceptedEpoch").text == "3")
        let (aof, result) = try AppendOnlyFile.open(disk: disk, directory: "redis")
        try aof.completeNow(try #require(result.initialization))
        try aof.append(["SET", "x", "1"])
        try aof.syncNow()
        #expect(replay(try AppendOnlyFile.open(disk: disk, directory: "redis").1.commands) == [0: ["x": "1"]])
        #expect(throws: StorageError.notFound(path: "nope")) { try disk.open("nope", create: false) }
    }
}
