import Testing
import FaultlineCore
@testable import FaultlineStorage

@Suite struct SnapshotStoreTests {
    func simDisk(_ faults: SimDisk.Faults = .none, seed: UInt64 = 1) -> SimDisk {
        SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: faults)
    }

    @Test func damagedNewestSnapshotFallsBackToTheOlderValidOne() throws {
        let d = simDisk()
        let store = try SnapshotStore.open(disk: d, directory: "zk/version-2")
        try store.saveNow(Snapshot(index: 0x100, payload: bytes("tree at 0x100")))
        try store.saveNow(Snapshot(index: 0x2a0, payload: bytes("tree at 0x2a0")))
        #expect(try d.list("zk/version-2") == ["snapshot.100", "snapshot.2a0"])
        #expect(try store.loadNewest().snapshot == Snapshot(index: 0x2a0, payload: bytes("tree at 0x2a0")))
        try d.corrupt("zk/version-2/snapshot.2a0", byte: 20, bit: 0)
        let (snapshot, skipped) = try store.loadNewest()
        #expect(snapshot == Snapshot(index: 0x100, payload: bytes("tree at 0x100")))
        #expect(skipped.count == 1 && skipped[0].contains("snapshot.2a0") && skipped[0].contains("CRC-32C"))
        try d.corrupt("zk/version-2/snapshot.100", byte: 3, bit: 7)
        #expect(try store.loadNewest().snapshot == nil)
    }

    @Test func crashBeforeTheRenameIsDurableLeavesTheOldSnapshotInCharge() throws {
        for loss in [Ratio.never, Ratio.always] {
            var faults = SimDisk.Faults()
            faults.directoryOpLoss = loss
            faults.tornWrite = .always
            let d = simDisk(faults)
            let store = try SnapshotStore.open(disk: d, directory: "snap")
            try store.saveNow(Snapshot(index: 1, payload: bytes("one")))
            // Step 1 only: the temporary file is written and synced, never renamed.
            let p = try store.save(Snapshot(index: 2, payload: [UInt8](repeating: 7, count: 5000)))
            d.crash()
            let again = try SnapshotStore.open(disk: d, directory: "snap")
            #expect(try again.loadNewest().snapshot?.index == 1)
            #expect(try d.list("snap") == ["snapshot.1"], "the temporary file is removed at open")
            _ = p
            // Steps 1 and 2: renamed, directory sync requested but not complete.
            let q = try again.save(Snapshot(index: 3, payload: bytes("three")))
            guard case .next(let r) = try again.complete(q) else { Issue.record("a save has two steps"); return }
            d.crash()
            let newest = try SnapshotStore.open(disk: d, directory: "snap").loadNewest().snapshot?.index
            #expect(loss == .always ? newest == 1 : newest == 3)
            _ = r
        }
    }

    @Test func purgeKeepsTheNewestSnapRetainCount() throws {
        let d = simDisk()
        let store = try SnapshotStore.open(disk: d, directory: "snap")
        for i in 1...6 as ClosedRange<UInt64> { try store.saveNow(Snapshot(index: i * 16, payload: bytes("s\(i)"))) }
        #expect(try store.purge() == 3)
        #expect(try store.indices() == [64, 80, 96])
    }
}

@Suite struct CheckpointFileTests {
    @Test func checkpointIsOldOrNewAfterACrashNeverAMixture() throws {
        for seed in 1...8 as ClosedRange<UInt64> {
            let d = SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: .crashConsistency)
            let cp = try CheckpointFile.open(disk: d, path: "kafka/replication-offset-checkpoint")
            try cp.writeNow(Array("0\n1\ntopic 0 41\n".utf8))
            var step = SyncStep.next(try cp.write(Array("0\n1\ntopic 0 97\n".utf8)))
            for _ in 0..<Int(seed % 3) { if case .next(let p) = step { step = try cp.complete(p) } }
            d.crash()
            let again = try CheckpointFile.open(disk: d, path: "kafka/replication-offset-checkpoint")
            let text = try #require(again.text)
            if case .done = step { #expect(text == "0\n1\ntopic 0 97\n") }
            #expect(text == "0\n1\ntopic 0 41\n" || text == "0\n1\ntopic 0 97\n")
            #expect(!d.exists("kafka/replication-offset-checkpoint.tmp"))
        }
    }

    @Test func missingCheckpointReadsAsNilAndADamagedOneIsAnError() throws {
        let d = SimDisk(random: SeededRandom(seed: 1, stream: "disk"))
        let cp = try CheckpointFile.open(disk: d, path: "zk/currentEpoch")
        #expect(cp.content == nil)
        try cp.writeNow(Array("7".utf8))
        #expect(try CheckpointFile.open(disk: d, path: "zk/currentEpoch").text == "7")
        try d.corrupt("zk/currentEpoch", byte: 16, bit: 1)
        #expect(throws: StorageError.self) { try CheckpointFile.open(disk: d, path: "zk/currentEpoch") }
    }
}

/// Random saves, partial saves, purges, corruptions and crashes against a reference model:
/// the snapshot loaded is never damaged, is exactly what was saved under its index, and is
/// never older than the newest save that completed (unless that one was corrupted, and then
/// the store falls back to an older valid one).
@Suite struct SnapshotStorePropertyTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func loadedSnapshotIsTheNewestCompletedOneOrNewerNeverDamaged(seed: UInt64) throws {
        let d = SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: .crashConsistency)
        var w = SeededRandom(seed: seed, stream: "workload")
        var store = try SnapshotStore.open(disk: d, directory: "snap")
        var saved: [UInt64: [UInt8]] = [:]
        var newestCompleted: UInt64?
        var corrupted = Set<UInt64>()
        var step: SyncStep?
        var next: UInt64 = 1
        var fallbacks = 0
        for _ in 0..<600 {
            switch w.below(10) {
            case 0...2 where step == nil:
                let p = payload(next, salt: seed, size: Int(w.below(3000)))
                saved[next] = p
                step = .next(try store.save(Snapshot(index: next, payload: p)))
                next += 1
            case 3...5:
                if case .next(let p) = step {
                    step = try store.complete(p)
                    if case .done = step { newestCompleted = next - 1; step = nil }
                }
            case 6 where step == nil:
                try store.purge(retainCount: 3)
            case 7 where step == nil:
                if let newest = try store.indices().last, w.below(3) == 0 {
                    let size = try d.size(try d.open("snap/" + SnapshotStore<SimDisk>.fileName(newest), create: false))
                    try d.corrupt("snap/" + SnapshotStore<SimDisk>.fileName(newest), byte: Int(w.below(UInt64(size))), bit: Int(w.below(8)))
                    corrupted.insert(newest)
                }
            case 8, 9:
                d.crash()
                step = nil
                store = try SnapshotStore.open(disk: d, directory: "snap")
                let (loaded, skipped) = try store.loadNewest()
                if let s = loaded {
                    #expect(s.payload == saved[s.index], "seed \(seed): snapshot \(s.index) is not what was saved")
                    #expect(!corrupted.contains(s.index))
                    if let n = newestCompleted, !corrupted.contains(n) { #expect(s.index >= n, "seed \(seed): \(s.index) older than the completed \(n)") }
                } else if let n = newestCompleted {
                    #expect(corrupted.contains(n), "seed \(seed): the completed snapshot \(n) vanished")
                }
                if !skipped.isEmpty { fallbacks += 1 }
            default:
                break
            }
        }
        #expect(fallbacks > 0 && newestCompleted != nil)
    }
}
