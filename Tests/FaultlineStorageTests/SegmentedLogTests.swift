import Testing
import FaultlineCore
@testable import FaultlineStorage

@Suite struct SegmentedLogTests {
    let small = SegmentedLogConfig(segmentBytes: 1024, indexIntervalBytes: 128, maxRecordBytes: 4096)

    func simDisk(_ faults: SimDisk.Faults = .none, seed: UInt64 = 1) -> SimDisk {
        SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: faults)
    }

    @Test func recordsReadBackFromAnyOffsetAcrossRolledSegmentsThroughTheSparseIndex() throws {
        let d = simDisk()
        let (log, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        for i in 0..<200 as Range<UInt64> { #expect(try log.append(payload(i, salt: 9, size: Int(i % 90))) == i) }
        log.checkInvariants()
        #expect(log.segmentBaseOffsets.count > 5)
        #expect(try d.list("log").first == "00000000000000000000.log")
        for start in [0, 1, 37, 120, 199] as [UInt64] {
            let got = try log.read(from: start, maxRecords: 15)
            #expect(got.map(\.offset) == Array(start..<min(start + 15, 200)))
            for r in got { #expect(r.payload == payload(r.offset, salt: 9, size: Int(r.offset % 90))) }
        }
        #expect(try log.read(from: 200).isEmpty)
        #expect(throws: StorageError.offsetOutOfRange(offset: 201, start: 0, end: 200)) { try log.read(from: 201) }
        #expect(try log.read(from: 10, maxBytes: 1).count == 1)
    }

    @Test func durabilityAdvancesOnlyOverTheCompletedPrefixOfSyncs() throws {
        let d = simDisk()
        let (log, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        try log.append(bytes("a")); try log.append(bytes("b"))
        let first = try #require(try log.requestSync())
        try log.append(bytes("c"))
        let second = try #require(try log.requestSync())
        #expect(try log.requestSync() == nil)
        #expect(try log.completeSync(second) == 0)
        #expect(log.durableEndOffset == 0)
        #expect(try log.completeSync(first) == 3)
    }

    @Test func recoveryCutsATornTailAndNeverReturnsIt() throws {
        var faults = SimDisk.Faults()
        faults.tornWrite = .always
        faults.sectorBytes = 64
        var tornSeen = 0
        for seed in 1...12 as ClosedRange<UInt64> {
            let d = simDisk(faults, seed: seed)
            let (log, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
            for i in 0..<5 as Range<UInt64> { try log.append(payload(i, salt: 1, size: 40)) }
            try log.syncNow()
            try log.append(payload(5, salt: 1, size: 300))
            d.crash()
            let (again, report) = try SegmentedLog.open(disk: d, directory: "log", config: small)
            #expect(again.logEndOffset == 5)
            #expect(report.recordsRecovered == 5)
            #expect(report.bytesTruncated == d.counters.bytesKeptByTornWrites)
            if report.bytesTruncated > 0 {
                tornSeen += 1
                #expect(report.damage?.contains("incomplete frame") == true)
            }
            #expect(try again.read(from: 0).map(\.offset) == [0, 1, 2, 3, 4])
            again.checkInvariants()
        }
        #expect(tornSeen > 0)
    }

    @Test func flippedBitInADurableRecordIsRejectedOnReadAndCutByRecovery() throws {
        let d = simDisk()
        let (log, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        for i in 0..<10 as Range<UInt64> { try log.append(payload(i, salt: 2, size: 30)) }
        try log.syncNow()
        // Record 3 starts at 3 * 46 bytes; flip a bit in its payload.
        try d.corrupt("log/00000000000000000000.log", byte: 3 * 46 + 20, bit: 5)
        #expect(throws: StorageError.self) { try log.read(from: 3, maxRecords: 1) }
        #expect(try log.read(from: 0, maxRecords: 3).count == 3)
        let (again, report) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        #expect(again.logEndOffset == 3)
        #expect(report.damage?.contains("CRC-32C") == true)
    }

    @Test func truncateToAnOffsetRemovesTheDivergentSuffixAcrossSegments() throws {
        let d = simDisk()
        let (log, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        for i in 0..<100 as Range<UInt64> { try log.append(payload(i, salt: 3, size: 50)) }
        try log.syncNow()
        try log.truncate(to: 42)
        #expect(log.logEndOffset == 42 && log.durableEndOffset == 42)
        #expect(try log.append(bytes("new")) == 42)
        try log.syncNow()
        d.crash()
        let (again, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        let all = try again.read(from: 0)
        #expect(all.count == 43 && all.last?.payload == bytes("new"))
        try again.truncate(to: 0)
        #expect(again.logEndOffset == 0)
        #expect(try again.read(from: 0).isEmpty)
        try again.truncate(to: 0)
        try again.append(bytes("x"))
        again.checkInvariants()
    }

    @Test func retentionDeletesWholeOldSegmentsAndMovesTheLogStart() throws {
        let d = simDisk()
        let (log, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        for i in 0..<100 as Range<UInt64> { try log.append(payload(i, salt: 4, size: 50)) }
        let segments = log.segmentBaseOffsets
        // Nothing is durable yet: a deletion a crash undid would bring back a short segment.
        #expect(try log.deleteSegments(below: segments[2]) == 0)
        try log.syncNow()
        #expect(try log.deleteSegments(below: segments[2]) == 2)
        #expect(log.logStartOffset == segments[2])
        #expect(throws: StorageError.self) { try log.read(from: 0) }
        let deleted = try log.enforceRetention(bytes: 2048)
        #expect(deleted > 0 && log.sizeInBytes >= 2048 - 1024 && log.segmentBaseOffsets.count >= 2)
        try log.syncNow()
        d.crash()
        let (again, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        #expect(again.logStartOffset == log.logStartOffset && again.logEndOffset == 100)
    }

    @Test func segmentCreatedAfterTheLastDirectorySyncMayVanishWithItsRecords() throws {
        var faults = SimDisk.Faults()
        faults.directoryOpLoss = .always
        let d = simDisk(faults)
        let (log, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        try log.syncNow()
        for i in 0..<40 as Range<UInt64> { try log.append(payload(i, salt: 5, size: 50)) }
        // Sync the segment files by hand, not the directory: the rolled segments' names are lost.
        for s in log.segments { _ = d.completeSync(try d.requestSync(s.file)) }
        d.crash()
        let (again, _) = try SegmentedLog.open(disk: d, directory: "log", config: small)
        #expect(again.logEndOffset == log.segmentBaseOffsets[1])
        // The engine's own sync covers the directory, so nothing durable is lost that way.
        for i in again.logEndOffset..<40 { try again.append(payload(i, salt: 5, size: 50)) }
        try again.syncNow()
        d.crash()
        #expect(try SegmentedLog.open(disk: d, directory: "log", config: small).0.logEndOffset == 40)
    }
}
