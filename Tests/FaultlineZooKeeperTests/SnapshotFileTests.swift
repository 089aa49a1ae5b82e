import Testing
import FaultlineCore
import FaultlineStorage
@testable import FaultlineZooKeeper

/// A seeded random workload: creates (all modes), setData, deletes, multis and session
/// closes, everything through the preparer. Returns the leader and every prepared txn.
private func randomWorkload(seed: UInt64, steps: Int) -> (MiniLeader, [PreparedTxn]) {
    var rng = SeededRandom(seed: seed, stream: "zk-datatree-test")
    var l = MiniLeader()
    var all: [PreparedTxn] = []
    let sessions: [Int64] = [0x101, 0x102, 0x103]
    for s in sessions { all.append(l.propose(.createSession(timeoutMs: 6000), session: s)); l.commit(all.last!) }
    let names = ["/a", "/b", "/a/x", "/a/y", "/b/z", "/a/x/q"]
    for _ in 0..<steps {
        let path = names[Int(rng.below(UInt64(names.count)))]
        let session = sessions[Int(rng.below(3))]
        let request: ZKRequest
        switch rng.below(7) {
        case 0, 1: request = MiniLeader.create(path, "d", CreateMode.allCases[Int(rng.below(4))])
        case 2: request = .setData(path: path, data: [UInt8(rng.below(256))], version: rng.below(2) == 0 ? -1 : Int32(rng.below(3)))
        case 3: request = .delete(path: path, version: -1)
        case 4: request = .multi([MiniLeader.create(path + "/m"), .setData(path: path, data: [1], version: -1)])
        case 5: request = .closeSession
        default: request = MiniLeader.create(path + "/s-", "", .persistentSequential)
        }
        let p = l.propose(request, session: session)
        all.append(p)
        l.commit(p)
        if case .closeSession = request { all.append(l.propose(.createSession(timeoutMs: 6000), session: session)); l.commit(all.last!) }
    }
    return (l, all)
}

@Test func snapshotRoundTripsTreeSessionsAclsAndDigest() throws {
    for seed: UInt64 in [1, 2, 3] {
        let (l, _) = randomWorkload(seed: seed, steps: 120)
        let sessions: [Int64: Int32] = [0x101: 6000, 0x102: 6000]
        let bytes = SnapshotFile(tree: l.tree, sessions: sessions).encode()
        #expect(SnapshotFile.looksComplete(bytes))
        let back = try SnapshotFile.decode(bytes, snapshotZxid: l.tree.lastProcessedZxid)
        #expect(back.sessions == sessions)
        #expect(back.tree.sortedPaths == l.tree.sortedPaths)
        #expect(back.tree.digest() == l.tree.digest())
        #expect(back.zxidDigest == l.tree.lastProcessedZxidDigest)
        for p in l.tree.sortedPaths { #expect(back.tree.nodes[p] == l.tree.nodes[p], "\(p)") }
        for s in [Int64(0x101), 0x102, 0x103] { #expect(back.tree.ephemerals(of: s) == l.tree.ephemerals(of: s)) }
        back.tree.checkInvariants()
        // Same tree, sessions and trailer, same bytes: the encoding is deterministic.
        #expect(back.encode() == bytes)
    }
}

@Test func fuzzySnapshotPlusLogReplayConvergesToTheLeadersTree() throws {
    for seed: UInt64 in [11, 12, 13, 14] {
        let (l, txns) = randomWorkload(seed: seed, steps: 150)
        // Rebuild the tree up to a cut, then keep applying "while the snapshot is written":
        // the snapshot is named at the cut but holds a later state.
        let cut = txns.count / 2
        var tree = DataTree()
        for p in txns.prefix(cut + 7) { _ = tree.processTxn(p.header, p.txn) }
        let name = txns[cut - 1].header.zxid
        let snap = try SnapshotFile.decode(SnapshotFile(tree: tree, sessions: [:]).encode(), snapshotZxid: name)
        var restored = snap.tree
        for p in txns where p.header.zxid > name { _ = restored.processTxn(p.header, p.txn) }
        #expect(restored.digest() == l.tree.digest(), "seed \(seed)")
        #expect(restored.sortedPaths == l.tree.sortedPaths, "seed \(seed)")
        restored.checkInvariants()
    }
}

@Test func damagedSnapshotsAreRejectedWithTheFileAndPlace() {
    let good = SnapshotFile(tree: DataTree(), sessions: [7: 3000]).encode()
    var flipped = good
    flipped[40] ^= 1
    #expect(throws: ZKFileError.self) { try SnapshotFile.decode(flipped, snapshotZxid: 0, fileName: "snapshot.0") }
    do { _ = try SnapshotFile.decode(flipped, snapshotZxid: 0, fileName: "snapshot.0") } catch {
        #expect(error.description.contains("snapshot.0"))
    }
    #expect(!SnapshotFile.looksComplete(Array(good.dropLast(3))))
    #expect(throws: ZKFileError.self) { try SnapshotFile.decode(Array(good.prefix(100)), snapshotZxid: 0) }
    var magic = good
    magic[3] = 0x47
    #expect(throws: ZKFileError.self) { try SnapshotFile.decode(magic, snapshotZxid: 0) }
}

@Test func snapshotsWithoutADigestTrailerOrWithAVersionOneDigestStillLoad() throws {
    let full = SnapshotFile(tree: DataTree(), sessions: [:]).encode()
    // Pre-3.6: the file ends after the first seal (8-byte checksum + "/").
    let sealEnd = full.count - (8 + 4 + 8) - (8 + 5)
    let old = Array(full.prefix(sealEnd))
    let a = try SnapshotFile.decode(old, snapshotZxid: 0)
    #expect(a.zxidDigest == nil && a.tree.sortedPaths == DataTree().sortedPaths)
    // 3.6.0's digest version 1: the digest as a hex string, then the second seal.
    var w = JuteWriter()
    w.writeRaw(old)
    w.writeLong(5); w.writeInt(1); w.writeString("1ff4563bf")
    var sealed = w.bytes
    var seal = JuteWriter()
    seal.writeLong(Int64(Adler32.checksum(sealed[...]))); seal.writeString("/")
    sealed += seal.bytes
    let b = try SnapshotFile.decode(sealed, snapshotZxid: 5)
    #expect(b.zxidDigest == ZxidDigest(zxid: 5, digestVersion: 1, digest: 0x1_ff45_63bf))
}

@Test func snapSyncPayloadCarriesTheTreeAndSessionsAndNeedsItsSignature() throws {
    let (l, _) = randomWorkload(seed: 31, steps: 60)
    let bytes = SnapSync.encode(tree: l.tree, sessions: [0x101: 6000])
    let (tree, sessions) = try SnapSync.decode(bytes, zxid: l.tree.lastProcessedZxid)
    #expect(tree.digest() == l.tree.digest() && sessions == [0x101: 6000])
    #expect(tree.lastProcessedZxid == l.tree.lastProcessedZxid)
    var unsigned = bytes
    unsigned[unsigned.count - 1] = 0x21
    #expect(throws: ZKFileError.self) { try SnapSync.decode(unsigned, zxid: 0) }
    // The body is the snapshot file's body: header (16) + body + seals/trailer.
    let file = SnapshotFile(tree: l.tree, sessions: [0x101: 6000]).encode()
    #expect(Array(file[16..<(16 + bytes.count - 14)]) == Array(bytes.dropLast(14)))
}
