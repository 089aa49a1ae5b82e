import Testing
import FaultlineCore
@testable import FaultlineStorage

/// Random appends, syncs, truncations, retention, reads and crashes against a reference
/// model: after every crash and recovery the log must hold a prefix of what was appended
/// that includes everything whose fsync completed, and never a record that fails its
/// checksum (payloads are compared byte for byte with what was appended at that offset).
@Suite struct SegmentedLogPropertyTests {
    struct Stats { var crashes = 0, appends = 0, durableRecordsChecked = 0, truncations = 0 }

    func run(seed: UInt64, faults: SimDisk.Faults, steps: Int) throws -> (Stats, SimDisk.Counters) {
        let config = SegmentedLogConfig(segmentBytes: 2048, indexIntervalBytes: 256, maxRecordBytes: 1024)
        let disk = SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: faults)
        var w = SeededRandom(seed: seed, stream: "workload")
        var driver = SyncDriver()
        var stats = Stats()
        /// Payload appended at each offset (the truth), and what it was before a truncation
        /// whose sync has not completed (a crash may bring that suffix back).
        var content: [[UInt8]] = []
        var beforeTruncation: [[UInt8]]?
        var truncationSync: UInt64?
        var log = try openRetrying(disk, config)

        func recover() throws {
            disk.crash()
            driver.crash()
            stats.crashes += 1
            log = try openRetrying(disk, config)
            let truth = beforeTruncation ?? content
            let records = try readAllRetrying(log)
            #expect(records.first.map { $0.offset == log.logStartOffset } ?? true)
            for (k, r) in records.enumerated() {
                #expect(r.offset == log.logStartOffset + UInt64(k), "offsets must be contiguous")
                #expect(Int(r.offset) < truth.count && r.payload == truth[Int(r.offset)],
                        "seed \(seed): record \(r.offset) is not what was appended there")
            }
            if disk.counters.bitFlips == 0 {
                #expect(log.logEndOffset >= durable, "seed \(seed): lost a record whose fsync completed (\(log.logEndOffset) < \(durable))")
                stats.durableRecordsChecked += Int(durable)
            }
            content = Array(truth[..<Int(log.logEndOffset)])
            beforeTruncation = nil
            truncationSync = nil
            durable = log.logEndOffset
        }

        var durable: UInt64 = 0
        for _ in 0..<steps {
            do {
                switch w.below(100) {
                case 0..<40 where beforeTruncation == nil:
                    let p = payload(UInt64(content.count), salt: seed, size: Int(w.below(300)))
                    let offset = try log.append(p)
                    #expect(Int(offset) == content.count)
                    content.append(p)
                    stats.appends += 1
                case 40..<55:
                    if let p = try log.requestSync() {
                        driver.schedule(p)
                        if beforeTruncation != nil && truncationSync == nil { truncationSync = p.id }
                    }
                case 55..<75:
                    for p in driver.advance(by: .microseconds(Int64(w.below(3000)))) {
                        durable = try log.completeSync(p)
                        if p.id == truncationSync { beforeTruncation = nil; truncationSync = nil }
                    }
                    #expect(durable <= log.logEndOffset)
                case 75..<79 where beforeTruncation == nil && log.logEndOffset > log.logStartOffset:
                    let to = log.logStartOffset + w.below(log.logEndOffset - log.logStartOffset + 1)
                    beforeTruncation = content
                    try log.truncate(to: to)
                    content = Array(content[..<Int(to)])
                    durable = min(durable, to)
                    stats.truncations += 1
                case 79..<81:
                    try log.deleteSegments(below: log.logStartOffset + w.below(log.logEndOffset - log.logStartOffset + 1))
                case 81..<93 where log.logEndOffset > log.logStartOffset:
                    let from = log.logStartOffset + w.below(log.logEndOffset - log.logStartOffset)
                    for r in try log.read(from: from, maxRecords: Int(w.below(20)) + 1) {
                        #expect(r.payload == content[Int(r.offset)], "seed \(seed): read returned a wrong record")
                    }
                case 93..<97:
                    try recover()
                default:
                    break
                }
            } catch StorageError.syncFailed, StorageError.staleHandle {
                // A failed fsync is fatal to Kafka and ZooKeeper alike: the node goes down.
                try recover()
            } catch StorageError.ioError, StorageError.noSpace, StorageError.corrupt {
                // Transient or detected: the operation failed, nothing wrong was returned.
            }
            log.checkInvariants()
        }
        try recover()
        return (stats, disk.counters)
    }

    func openRetrying(_ disk: SimDisk, _ config: SegmentedLogConfig) throws -> SegmentedLog<SimDisk> {
        for _ in 0..<50 {
            do { return try SegmentedLog.open(disk: disk, directory: "kafka-logs/t-0", config: config).0 }
            catch StorageError.ioError {} catch StorageError.noSpace {}
        }
        throw StorageError.ioError(path: "kafka-logs/t-0", operation: "recovery kept failing")
    }

    func readAllRetrying(_ log: SegmentedLog<SimDisk>) throws -> [LogRecord] {
        for _ in 0..<50 {
            do { return try log.read(from: log.logStartOffset) } catch StorageError.ioError {}
        }
        throw StorageError.ioError(path: log.directory, operation: "read kept failing")
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func crashesWithTornWritesAndLostDirectoryEntriesNeverLoseACompletedFsync(seed: UInt64) throws {
        let (stats, counters) = try run(seed: seed, faults: .crashConsistency, steps: 1500)
        #expect(stats.crashes > 20 && stats.appends > 300 && stats.truncations > 5)
        #expect(counters.tornWrites > 0 && counters.directoryOpsLost > 0)
        #expect(stats.durableRecordsChecked > 0)
    }

    @Test(arguments: [5, 6, 7] as [UInt64])
    func everyFaultOnStillYieldsAPrefixOfWhatWasAppendedAndNoDamagedRecord(seed: UInt64) throws {
        let (stats, counters) = try run(seed: seed, faults: .chaos, steps: 1500)
        #expect(stats.crashes > 20)
        #expect(counters.readErrors + counters.writeErrors + counters.bitFlips + counters.syncsFailed > 0)
    }

    @Test func sameSeedGivesTheSameRunByteForByte() throws {
        let a = try run(seed: 11, faults: .chaos, steps: 600).1
        let b = try run(seed: 11, faults: .chaos, steps: 600).1
        #expect(a == b)
    }
}
