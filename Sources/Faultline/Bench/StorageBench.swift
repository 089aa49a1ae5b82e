import Foundation
import FaultlineCore
import FaultlineStorage

/// Append + fsync throughput of the segmented log, on the simulated disk and on real files.
/// Every record is appended and then fsynced on its own (ZooKeeper's and Kafka's
/// `acks=all` worst case), so the unit is "records made durable".
enum StorageBench {
    static var workloads: [BenchWorkload] {
        [
            BenchWorkload(name: "segmented-log-append-simdisk",
                          summary: "segmented log on SimDisk: records appended and fsynced one by one per second") {
                try simDisk(records: 200_000, payloadBytes: 100)
            },
            BenchWorkload(name: "segmented-log-append-filedisk",
                          summary: "segmented log on real files (FileDisk): records appended and fsynced one by one per second") {
                try fileDisk(records: 400, payloadBytes: 100)
            },
        ]
    }

    static let config = SegmentedLogConfig(segmentBytes: 16 * 1024 * 1024)

    /// Appends, fsyncs and completes each fsync at once; virtual time is the sum of the
    /// drawn fsync latencies (what one writer waiting for each would spend).
    static func simDisk(records: Int, payloadBytes: Int) throws -> BenchMeasurement {
        let disk = SimDisk(random: SeededRandom(seed: 1, stream: "bench/disk"))
        let (log, _) = try SegmentedLog.open(disk: disk, directory: "log", config: config)
        let payload = [UInt8](repeating: 0x61, count: payloadBytes)
        var virtual = SimDuration.zero
        let (_, seconds) = try BenchClock.measure { () throws in
            for _ in 0..<records {
                try log.append(payload)
                guard let sync = try log.requestSync() else { continue }
                virtual += sync.latency
                try log.completeSync(sync)
            }
        }
        precondition(log.durableEndOffset == UInt64(records), "every record must be durable")
        return measurement(records, payloadBytes, seconds, simulated: virtual.secondsForReport, log: log)
    }

    static func fileDisk(records: Int, payloadBytes: Int) throws -> BenchMeasurement {
        var template = Array((NSTemporaryDirectory() + "/faultline-bench-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw UsageError("faultline bench: cannot create a temporary directory")
        }
        let root = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { try? FileManager.default.removeItem(atPath: root) }
        let disk = try FileDisk(root: root)
        let (log, _) = try SegmentedLog.open(disk: disk, directory: "log", config: config)
        let payload = [UInt8](repeating: 0x61, count: payloadBytes)
        let (_, seconds) = try BenchClock.measure { () throws in
            for _ in 0..<records { try log.append(payload); try log.syncNow() }
        }
        precondition(log.durableEndOffset == UInt64(records), "every record must be durable")
        return measurement(records, payloadBytes, seconds, simulated: nil, log: log)
    }

    static func measurement<D: Disk>(_ records: Int, _ payloadBytes: Int, _ seconds: Double, simulated: Double?,
                                     log: SegmentedLog<D>) -> BenchMeasurement {
        let frameBytes = Double(records * (payloadBytes + RecordFrame.headerBytes))
        return BenchMeasurement(events: records, wallSeconds: seconds, simulatedSeconds: simulated, extra: [
            ("bytes_per_second", seconds > 0 ? frameBytes / seconds : 0),
            ("payload_bytes", Double(payloadBytes)),
            ("segments", Double(log.segmentBaseOffsets.count)),
        ])
    }
}
