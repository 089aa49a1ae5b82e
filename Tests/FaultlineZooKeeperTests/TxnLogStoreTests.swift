import Foundation
import Testing
import FaultlineCore
import FaultlineStorage
@testable import FaultlineZooKeeper

private func simDisk(_ seed: UInt64, _ faults: SimDisk.Faults = .none) -> SimDisk {
    SimDisk(random: SeededRandom(seed: seed, stream: "zk-disk"), faults: faults)
}

/// Drives a few writes through preparer, store and tree; commits (fsyncs) only when asked.
private struct Node {
    var l = MiniLeader()
    let store: FileTxnSnapLog<SimDisk>

    mutating func write(_ r: ZKRequest, session: Int64 = 0x77) throws {
        let p = l.propose(r, session: session)
        try store.append(p.logEntry)
        l.commit(p)
    }

    func sync() throws {
        guard let pending = try store.commit() else { return }
        #expect(store.completeCommit(pending) == .durable)
    }
}

@Test func syncedTxnsSurviveACrashAndUnsyncedOnesDoNot() throws {
    let disk = simDisk(1)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 4096))
    // A fresh server snapshots its empty tree first (snapshot.0), as ZooKeeperServer does.
    _ = try n.store.completeSnapshot(try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: 0))
    try n.write(.createSession(timeoutMs: 5000))
    try n.write(MiniLeader.create("/kept", "1"))
    try n.sync()
    let durableDigest = n.l.tree.digest()
    try n.write(MiniLeader.create("/lost", "2"))
    disk.crash()
    let store = try FileTxnSnapLog(disk: disk, preAllocSize: 4096)
    let db = try store.restore()
    #expect(db.tree.exists("/kept") != nil)
    #expect(db.tree.exists("/lost") == nil)
    #expect(db.tree.digest() == durableDigest)
    #expect(db.sessions == [0x77: 5000])
    #expect(store.lastLoggedZxid == db.lastProcessedZxid)
}

@Test func restoreLoadsTheNewestSnapshotThenReplaysTheLogAfterIt() throws {
    let disk = simDisk(2)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 4096))
    try n.write(.createSession(timeoutMs: 5000))
    for i in 0..<5 { try n.write(MiniLeader.create("/n\(i)", "\(i)")) }
    try n.sync()
    let snap = try n.store.saveSnapshot(n.l.tree, sessions: [0x77: 5000], zxid: n.l.tree.lastProcessedZxid)
    #expect(try n.store.completeSnapshot(snap) == .durable)
    n.store.rollLog()
    try n.write(.setData(path: "/n1", data: [9], version: 0))
    try n.write(.delete(path: "/n2", version: -1))
    try n.write(.closeSession)
    try n.sync()
    #expect(try n.store.logFiles().count == 2)
    disk.crash()
    let store = try FileTxnSnapLog(disk: disk, preAllocSize: 4096)
    let db = try store.restore()
    #expect(db.snapshotZxid == snap.mark.asZxid)
    #expect(db.replayed == 3)
    #expect(db.tree.digest() == n.l.tree.digest())
    #expect(db.sessions.isEmpty, "the replayed closeSession removed the session")
    #expect(try store.entries(after: 0).count == 9)
    #expect(try store.entries(after: db.snapshotZxid).map(\.header.zxid) == Array((db.snapshotZxid + 1)...(db.snapshotZxid + 3)))
}

@Test func aDamagedNewestSnapshotFallsBackToAnOlderOne() throws {
    let disk = simDisk(3)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 4096))
    try n.write(MiniLeader.create("/x"))
    try n.sync()
    let s1 = try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: n.l.tree.lastProcessedZxid)
    _ = try n.store.completeSnapshot(s1)
    try n.write(MiniLeader.create("/y"))
    try n.sync()
    let s2 = try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: n.l.tree.lastProcessedZxid)
    _ = try n.store.completeSnapshot(s2)
    // Flip a byte inside the newest snapshot's node data.
    let name = ZKFileNames.snapshotName(n.l.tree.lastProcessedZxid)
    let f = try disk.open("version-2/" + name, create: false)
    let byte = try disk.read(f, at: 60, count: 1)
    try disk.write(f, at: 60, [byte[0] ^ 0xFF])
    let db = try FileTxnSnapLog(disk: disk, preAllocSize: 4096).restore()
    #expect(db.snapshotZxid == s1.mark.asZxid, "fell back to the older snapshot")
    #expect(db.tree.exists("/y") != nil, "and replayed the log past it")
}

@Test func truncateKeepsTxnsUpToTheZxidAndDropsLaterLogFiles() throws {
    let disk = simDisk(4)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 4096))
    for i in 0..<4 { try n.write(MiniLeader.create("/t\(i)")) }
    n.store.rollLog()
    for i in 4..<6 { try n.write(MiniLeader.create("/t\(i)")) }
    try n.sync()
    let keep = ZxidUtils.make(epoch: 1, counter: 2)
    try n.store.truncate(to: keep)
    #expect(try n.store.logFiles().count == 1)
    #expect(try n.store.entries(after: 0).map(\.header.zxid) == [keep - 1, keep])
    #expect(n.store.lastLoggedZxid == keep)
}

@Test func crcCorruptionInTheLogFailsRestoreAsTheRealServerDoes() throws {
    let disk = simDisk(5)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 0))
    let s = try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: 0)
    _ = try n.store.completeSnapshot(s)
    try n.write(MiniLeader.create("/c", "payload"))
    try n.write(MiniLeader.create("/d", "payload"))
    try n.sync()
    let name = try #require(n.store.currentLogName)
    let f = try disk.open("version-2/" + name, create: false)
    try disk.write(f, at: 40, [0xEE])
    #expect(throws: ZKStoreError.self) { try FileTxnSnapLog(disk: disk, preAllocSize: 0).restore() }
}

@Test func logsWithoutAnySnapshotAreRefused() throws {
    let disk = simDisk(6)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 0))
    try n.write(MiniLeader.create("/z"))
    try n.sync()
    do {
        _ = try FileTxnSnapLog(disk: disk, preAllocSize: 0).restore()
        Issue.record("restore accepted logs with no snapshot")
    } catch {
        #expect("\(error)".contains("No snapshot found"))
    }
}

@Test func crashesWithTornWritesNeverYieldAFalseTreeAcrossSeeds() throws {
    var faults = SimDisk.Faults()
    faults.tornWrite = Ratio(1, 2)
    var outcomes: Set<String> = []
    for seed: UInt64 in [21, 22, 23, 24, 25, 26, 27, 28] {
        let disk = simDisk(seed, faults)
        // No preallocation: entries are appends, which the disk can tear at a crash.
        var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 0))
        let s = try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: 0)
        _ = try n.store.completeSnapshot(s)
        var durable: [UInt64: Zxid] = [:]
        for i in 0..<30 {
            try n.write(MiniLeader.create("/k\(i)", String(repeating: "v", count: 40)))
            if i % 4 == 3 { try n.sync(); durable[n.l.tree.digest()] = n.l.tree.lastProcessedZxid }
        }
        disk.crash()
        do {
            let db = try FileTxnSnapLog(disk: disk, preAllocSize: 0).restore()
            outcomes.insert(db.lastProcessedZxid > durable.values.max()! ? "kept torn prefix" : "back to synced")
            // Whatever survived is a prefix of what was written, at least the synced part.
            #expect(db.lastProcessedZxid >= durable.values.max()!)
            for i in 0..<30 where db.tree.exists("/k\(i)") == nil {
                for j in (i + 1)..<30 { #expect(db.tree.exists("/k\(j)") == nil, "hole at \(i) before \(j)") }
                break
            }
            db.tree.checkInvariants()
        } catch {
            // A torn entry whose length survived but whose payload did not fails its CRC:
            // the real server refuses to start then too.
            #expect("\(error)".contains("CRC check failed"), "seed \(seed): \(error)")
            outcomes.insert("crc")
        }
    }
    #expect(outcomes.count >= 2, "the seeds should reach more than one crash outcome: \(outcomes)")
}

extension UInt64 {
    var asZxid: Zxid { Zxid(bitPattern: self) }
}

@Test func aNewLogFileEmptiedByACrashStopsRestoreAsZookeeper1621Describes() throws {
    let disk = simDisk(7)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 0))
    _ = try n.store.completeSnapshot(try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: 0))
    try n.write(MiniLeader.create("/a"))
    try n.sync()
    n.store.rollLog()
    try n.write(MiniLeader.create("/b"))    // log.<zxid of /b> created, header never synced
    disk.crash()
    #expect(try FileTxnSnapLog(disk: disk, preAllocSize: 0).logFiles().count == 2, "the entry survived, its bytes did not")
    do {
        _ = try FileTxnSnapLog(disk: disk, preAllocSize: 0).restore()
        Issue.record("3.8.0 cannot read a log file without its header; restore should fail")
    } catch {
        #expect("\(error)".contains("bad file header"), "\(error)")
    }
}

@Test func purgeKeepsTheNewestSnapshotsAndTheLogsTheyNeed() throws {
    let disk = simDisk(8)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 0))
    _ = try n.store.completeSnapshot(try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: 0))
    for round in 0..<5 {
        for i in 0..<3 { try n.write(MiniLeader.create("/r\(round)-\(i)")) }
        try n.sync()
        _ = try n.store.completeSnapshot(try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: n.l.tree.lastProcessedZxid))
        n.store.rollLog()
    }
    try n.write(MiniLeader.create("/tail"))
    try n.sync()
    let removed = try n.store.purge(snapRetainCount: 3)
    #expect(try n.store.snapshotFiles().count == 3)
    #expect(!removed.isEmpty && removed.allSatisfy { $0.hasPrefix("log.") || $0.hasPrefix("snapshot.") })
    let db = try FileTxnSnapLog(disk: disk, preAllocSize: 0).restore()
    #expect(db.tree.digest() == n.l.tree.digest(), "what is left still restores the whole tree")
}

@Test func aSimulatedServersDataDirExportsToRealFilesThatRestoreTheSameTree() throws {
    let disk = simDisk(9)
    var n = Node(store: try FileTxnSnapLog(disk: disk, preAllocSize: 4096))
    _ = try n.store.completeSnapshot(try n.store.saveSnapshot(n.l.tree, sessions: [:], zxid: 0))
    try n.write(.createSession(timeoutMs: 4000))
    try n.write(MiniLeader.create("/e", "x", .ephemeral))
    try n.write(MiniLeader.create("/p", "y"))
    try n.sync()
    let root = FileManager.default.temporaryDirectory.path + "/faultline-zkexport-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let real = try FileDisk(root: root)
    let copied = try n.store.export(to: real)
    #expect(copied == ["log.\(ZxidUtils.hex(ZxidUtils.make(epoch: 1, counter: 1)))", "snapshot.0"])
    let db = try FileTxnSnapLog(disk: real).restore()
    #expect(db.tree.digest() == n.l.tree.digest())
    #expect(db.sessions == [0x77: 4000] && db.tree.ephemerals(of: 0x77) == ["/e"])
}
