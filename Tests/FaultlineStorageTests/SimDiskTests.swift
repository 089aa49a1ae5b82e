import Testing
import FaultlineCore
@testable import FaultlineStorage

@Suite struct SimDiskTests {
    func disk(_ faults: SimDisk.Faults = .none, seed: UInt64 = 1) -> SimDisk {
        SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: faults)
    }

    @Test func crashLosesUnsyncedAppendsButKeepsWhatACompletedFsyncCovered() throws {
        let d = disk()
        let f = try d.open("a", create: true)
        _ = d.completeSync(try d.requestDirectorySync(""))
        try d.append(f, bytes("durable"))
        let t = try d.requestSync(f)
        #expect(t.latency >= .microseconds(500) && t.latency <= .milliseconds(2))
        #expect(d.completeSync(t) == .durable)
        try d.append(f, bytes("-lost"))
        #expect(d.unsyncedByteCount("a") == 5)
        d.crash()
        let g = try d.open("a", create: false)
        #expect(try d.readAll(g) == bytes("durable"))
        #expect(d.counters.bytesLost == 5)
        #expect(throws: StorageError.staleHandle) { try d.append(f, bytes("x")) }
    }

    @Test func fsyncRequestedButNotCompletedBeforeTheCrashMakesNothingDurable() throws {
        let d = disk()
        let f = try d.open("a", create: true)
        _ = d.completeSync(try d.requestDirectorySync(""))
        try d.append(f, bytes("pending"))
        let t = try d.requestSync(f)
        d.crash()
        #expect(d.completeSync(t) == .lost)
        #expect(try d.readAll(try d.open("a", create: false)).isEmpty)
    }

    @Test func newFileWithoutDirectorySyncVanishesWhenTheDirectoryOpIsLost() throws {
        var faults = SimDisk.Faults()
        faults.directoryOpLoss = .always
        let d = disk(faults)
        let f = try d.open("new", create: true)
        try d.append(f, bytes("synced data, unsynced name"))
        #expect(d.completeSync(try d.requestSync(f)) == .durable)
        d.crash()
        #expect(!d.exists("new"))
        #expect(d.counters.directoryOpsLost == 1)
    }

    @Test func renameWithoutDirectorySyncMayKeepTheOldName() throws {
        var faults = SimDisk.Faults()
        faults.directoryOpLoss = .always
        let d = disk(faults)
        let f = try d.open("tmp", create: true)
        try d.append(f, bytes("v2"))
        _ = d.completeSync(try d.requestSync(f))
        _ = d.completeSync(try d.requestDirectorySync(""))
        try d.rename("tmp", to: "final")
        d.crash()
        #expect(d.exists("tmp") && !d.exists("final"))
        // With the directory synced the rename is durable.
        try d.rename("tmp", to: "final")
        _ = d.completeSync(try d.requestDirectorySync(""))
        d.crash()
        #expect(!d.exists("tmp") && d.exists("final"))
        #expect(try d.readAll(try d.open("final", create: false)) == bytes("v2"))
    }

    @Test func directorySyncOfTheTargetPersistsACrossDirectoryRenameAndItsCreate() throws {
        var faults = SimDisk.Faults()
        faults.directoryOpLoss = .always
        let d = disk(faults)
        try d.makeDirectory("a/b")
        let f = try d.open("tmp", create: true)
        try d.append(f, bytes("x"))
        _ = d.completeSync(try d.requestSync(f))
        try d.rename("tmp", to: "a/b/final")
        _ = d.completeSync(try d.requestDirectorySync("a/b"))
        d.crash()
        #expect(d.exists("a/b/final") && !d.exists("tmp"))
        #expect(try d.list("") == ["a"])
    }

    @Test func tornWriteKeepsASectorAlignedPrefixOfTheLastAppend() throws {
        var faults = SimDisk.Faults()
        faults.tornWrite = .always
        faults.sectorBytes = 512
        for seed in 1...20 as ClosedRange<UInt64> {
            let d = disk(faults, seed: seed)
            let f = try d.open("log", create: true)
            _ = d.completeSync(try d.requestDirectorySync(""))
            try d.append(f, [UInt8](repeating: 1, count: 700))
            _ = d.completeSync(try d.requestSync(f))
            try d.append(f, [UInt8](repeating: 2, count: 300))
            try d.append(f, [UInt8](repeating: 3, count: 2000))
            d.crash()
            let kept = try d.readAll(try d.open("log", create: false))
            // The earlier unsynced append survives; of the last one whole sectors at most.
            #expect(kept.count >= 1000 && kept.count < 3000)
            #expect(kept.count == 1000 || kept.count % 512 == 0)
            #expect(kept[0..<700].allSatisfy { $0 == 1 } && kept[700..<1000].allSatisfy { $0 == 2 })
            #expect(kept[1000...].allSatisfy { $0 == 3 })
            #expect(d.counters.tornWrites == 1)
        }
    }

    @Test func overwritesAndTruncationsOfDurableBytesAreRevertedByACrash() throws {
        let d = disk()
        let f = try d.open("f", create: true)
        _ = d.completeSync(try d.requestDirectorySync(""))
        try d.append(f, bytes("ABCDEFGH"))
        _ = d.completeSync(try d.requestSync(f))
        try d.write(f, at: 2, bytes("xy"))
        try d.truncate(f, to: 3)
        try d.append(f, bytes("zzzzzzzzzz"))
        try d.write(f, at: 1, bytes("q"))
        #expect(try d.readAll(f) == bytes("Aqxzzzzzzzzzz"))
        d.crash()
        #expect(try d.readAll(try d.open("f", create: false)) == bytes("ABCDEFGH"))
        d.checkInvariants()
    }

    @Test func latentBitFlipIsReturnedByReadsForTheChecksumToCatch() throws {
        var faults = SimDisk.Faults()
        faults.bitFlip = .always
        let d = disk(faults)
        let f = try d.open("f", create: true)
        let data = [UInt8](repeating: 0x55, count: 64)
        try d.append(f, data)
        let read = try d.read(f, at: 0, count: 64)
        let differing = zip(read, data).filter { $0 != $1 }
        #expect(differing.count == 1)
        #expect((differing[0].0 ^ differing[0].1).nonzeroBitCount == 1)
        #expect(d.counters.bitFlips == 1)
    }

    @Test func ioErrorsAndDiskFullWriteNothing() throws {
        var faults = SimDisk.Faults()
        faults.writeError = .always
        let d = disk(faults)
        let f = try d.open("f", create: true)
        #expect(throws: StorageError.ioError(path: "f", operation: "write")) { try d.append(f, bytes("x")) }
        d.faults.writeError = .never
        d.faults.readError = .always
        #expect(throws: StorageError.ioError(path: "f", operation: "read")) { _ = try d.read(f, at: 0, count: 1) }
        d.faults.readError = .never
        d.faults.capacityBytes = 10
        try d.append(f, bytes("0123456789"))
        #expect(throws: StorageError.noSpace(path: "f")) { try d.append(f, bytes("!")) }
        #expect(try d.size(f) == 10)
        #expect(d.counters.writeErrors == 1 && d.counters.readErrors == 1 && d.counters.diskFullErrors == 1)
    }

    @Test func slowAndFailingFsyncs() throws {
        var faults = SimDisk.Faults()
        faults.slowSync = .always
        faults.syncError = .always
        let d = disk(faults)
        let f = try d.open("f", create: true)
        try d.append(f, bytes("x"))
        let t = try d.requestSync(f)
        #expect(t.latency >= .milliseconds(100) && t.latency <= .seconds(1))
        #expect(d.completeSync(t) == .failed)
        #expect(d.unsyncedByteCount("f") == 1)
        #expect(d.counters.slowSyncs == 1 && d.counters.syncsFailed == 1)
    }

    /// A random mix of operations and crashes, run twice per seed.
    func workload(seed: UInt64) throws -> (UInt64, SimDisk.Counters) {
        let d = SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: .chaos)
        var w = SeededRandom(seed: seed, stream: "workload")
        try d.makeDirectory("dir")
        var handles: [String: DiskFile] = [:]
        var tickets: [SyncTicket] = []
        for _ in 0..<2000 {
            let name = "dir/f\(w.below(6))"
            do {
                switch w.below(10) {
                case 0...3:
                    let h = try handles[name] ?? d.open(name, create: true)
                    handles[name] = h
                    try d.append(h, payload(w.next(), salt: 1, size: Int(w.below(1500))))
                case 4: if let h = handles[name] { tickets.append(try d.requestSync(h)) }
                case 5: tickets.append(try d.requestDirectorySync("dir"))
                case 6: for t in tickets { _ = d.completeSync(t) }; tickets.removeAll()
                case 7: if d.exists(name) { try d.rename(name, to: "dir/f\(w.below(6))") }
                case 8: if let h = handles[name] { try d.truncate(h, to: Int(w.below(3000))) }
                default:
                    if w.below(10) == 0 { d.crash(); handles.removeAll(); tickets.removeAll() }
                }
            } catch {
                // I/O errors, full disk, stale handles after renames: part of the run.
                handles[name] = nil
            }
        }
        d.checkInvariants()
        return (d.contentHash(), d.counters)
    }

    @Test func sameSeedSameLossesSameBytesWithEveryFaultOn() throws {
        for seed in [3, 17, 2024] as [UInt64] {
            let a = try workload(seed: seed), b = try workload(seed: seed)
            #expect(a.0 == b.0)
            #expect(a.1 == b.1)
            #expect(a.1.crashes > 0 && a.1.bytesLost > 0)
        }
        #expect(try workload(seed: 3).0 != workload(seed: 4).0)
    }
}
