import Testing
@testable import FaultlineZooKeeper

/// Files written by a real ZooKeeper 3.8.0 standalone server (Debian package), captured once:
/// a fresh server's snapshot.0, and the log of a short CLI session (createSession, create /a,
/// create -s /a/seq-, create -e /eph, set /a, delete /nope (NoNode), and the session closes,
/// the one with /eph deleting it). Only the non-zero prefix of the log is kept; the real file
/// is that prefix then zeros to 67108880 bytes (16-byte header + 64 MiB preallocation).
enum RealZooKeeperFixture {
    static let logLength = 67_108_880
    static let logPrefix = hex([
        "5a4b4c4700000002000000000000000000000000b08609ef0000003001000011844d0000000000000000000000000001",
        "000001a233989124fffffff600007530000000020000000051c6d6604200000000e78e0d860000005b01000011844d00",
        "00000000010000000000000002000001a23398914500000001000000022f610000000568656c6c6f000000010000001f",
        "00000005776f726c6400000006616e796f6e6500000000010000000200000000b2c55cfc4200000000b9f50ad4000000",
        "3001000011844d0001000000000000000000000003000001a233989481fffffff6000075300000000200000000b2c55c",
        "fc4200000000aa0b0e8e0000006601000011844d0001000000010000000000000004000001a233989498000000010000",
        "00112f612f7365712d303030303030303030300000000178000000010000001f00000005776f726c6400000006616e79",
        "6f6e6500000000010000000200000001464719e34200000000b15709520000003001000011844d000200000000000000",
        "0000000005000001a23398973efffffff6000075300000000200000001464719e34200000000bcd00b54000000590100",
        "0011844d0002000000010000000000000006000001a23398974c00000001000000042f65706800000001650000000100",
        "00001f00000005776f726c6400000006616e796f6e650100000002000000020000000248683c6f4200000000b508094d",
        "0000003001000011844d0003000000000000000000000007000001a233989a60fffffff6000075300000000200000002",
        "48683c6f4200000000d1e907aa0000003f01000011844d0003000000010000000000000008000001a233989a70000000",
        "05000000022f6100000005776f726c6400000001000000020000000277a1065b4200000000b8b6098b00000030010000",
        "11844d0004000000000000000000000009000001a233989d7afffffff600007530000000020000000277a1065b420000",
        "00005d220b1b0000002401000011844d000400000001000000000000000a000001a233989d89ffffffffffffff9b4200",
        "000000b691096f0000003001000011844d000500000000000000000000000b000001a23398a058fffffff60000753000",
        "0000020000000277a1065b42000000009bc107fa0000003001000011844d000000000000000000000000000c000001a2",
        "33990c20fffffff500000000000000020000000277a1065b42000000009c1c07fd0000003001000011844d0001000000",
        "00000000000000000d000001a233990c21fffffff500000000000000020000000277a1065b4200000000ae4908d70000",
        "003001000011844d000400000000000000000000000e000001a2339913f0fffffff500000000000000020000000277a1",
        "065b4200000000ffba0b340000003801000011844d000200000000000000000000000f000001a2339913f1fffffff500",
        "000001000000042f6570680000000200000001ff4563bf4200000000b09409c50000003001000011844d000300000000",
        "0000000000000010000001a2339913f1fffffff5000000000000000200000001ff4563bf4200000000adae099f000000",
        "3001000011844d0005000000000000000000000011000001a233991bc0fffffff5000000000000000200000001ff4563",
        "bf42",
    ])
    static let freshSnapshot = hex([
        "5a4b534e00000002ffffffffffffffff00000000000000010000000000000001000000010000000100000005776f726c",
        "6400000006616e796f6e650000000000000000ffffffffffffffff000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000a2f7a6f6f6b",
        "656570657200000000ffffffffffffffff00000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000112f7a6f6f6b65657065722f636f6e66",
        "696700000000000000000000000100000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000ffffffff00000000000000000000000000000000000000102f7a6f6f6b65657065722f71756f74610000",
        "0000ffffffffffffffff0000000000000000000000000000000000000000000000000000000000000000000000000000",
        "00000000000000000000000000000000000000000000000000012f00000000b8a23b49000000012f0000000000000000",
        "0000000200000000000000000000000095b93d59000000012f",
    ])

    /// The snapshot the real server took when restarted on that log (snapshot.11).
    static let snapshotAfterLog = hex([
        "5a4b534e00000002ffffffffffffffff00000000000000020000000000000001000000010000000100000005776f726c",
        "6400000006616e796f6e650000000000000002000000010000001f00000005776f726c6400000006616e796f6e650000",
        "000000000000ffffffffffffffff00000000000000000000000000000000000000000000000000000000000000000000",
        "000000000002000000000000000000000000000000000000000f000000022f6100000005776f726c6400000000000000",
        "0200000000000000020000000000000008000001a233989145000001a233989a70000000010000000100000000000000",
        "00000000000000000000000004000000112f612f7365712d303030303030303030300000000178000000000000000200",
        "000000000000040000000000000004000001a233989498000001a2339894980000000000000000000000000000000000",
        "00000000000000000000040000000a2f7a6f6f6b656570657200000000ffffffffffffffff0000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "00000000112f7a6f6f6b65657065722f636f6e6669670000000000000000000000010000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000ffffffff000000000000000000000000000000000000",
        "00102f7a6f6f6b65657065722f71756f746100000000ffffffffffffffff000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000012f00",
        "000000623251a8000000012f00000000000000110000000200000001ff4563bf000000001ee155df000000012f",
    ])

    /// A Java client's session against the real server: create /m; a multi (create /m/a,
    /// setData /m v0, check /m/a v0); a failing multi (create /m/b, delete /nope, setData /m);
    /// create -s /m/s-; create -e -s /m/e-; delete /m/a v0; setData /m v5 (BadVersion);
    /// create under a missing parent (NoNode); close. Then the restart's snapshot.a.
    static let multiLogPrefix = hex([
        "5a4b4c4700000002000000000000000000000000c9a70a8d000000300100002383c70000000000000000000000000001",
        "000001a233aa8333fffffff600007530000000020000000051c6d6604200000000b5660b76000000570100002383c700",
        "00000000010000000000000002000001a233aa836800000001000000022f6d0000000130000000010000001f00000005",
        "776f726c6400000006616e796f6e6500000000010000000200000000de12ac4d420000000012370f090000008f010000",
        "2383c70000000000020000000000000003000001a233aa83930000000e00000003000000010000002c000000042f6d2f",
        "6100000000000000010000001f00000005776f726c6400000006616e796f6e650000000001000000050000000f000000",
        "022f6d0000000131000000010000000d0000000c000000042f6d2f610000000100000002000000016ba3f87b42000000",
        "0093f31c7f0000007c0100002383c70000000000030000000000000004000001a233aa83a10000000e00000003000000",
        "010000002c000000042f6d2f6200000000000000010000001f00000005776f726c6400000006616e796f6e6500000000",
        "02ffffffff00000004ffffff9bffffffff00000004fffffffe00000002000000016ba3f87b4200000000ac7e0f100000",
        "00640100002383c70000000000040000000000000005000001a233aa83ad000000010000000f2f6d2f732d3030303030",
        "30303030310000000173000000010000001f00000005776f726c6400000006616e796f6e650000000002000000020000",
        "00018468f6544200000000a81c0e81000000640100002383c70000000000050000000000000006000001a233aa83b200",
        "0000010000000f2f6d2f652d303030303030303030320000000165000000010000001f00000005776f726c6400000006",
        "616e796f6e6501000000030000000200000001818b39744200000000a7c9081c000000340100002383c7000000000006",
        "0000000000000007000001a233aa83bd00000002000000042f6d2f610000000200000001b382dc9a42000000006fd20b",
        "d4000000240100002383c70000000000070000000000000008000001a233aa83c1ffffffffffffff9942000000007010",
        "0bda000000240100002383c70000000000080000000000000009000001a233aa83c3ffffffffffffff9b4200000000b0",
        "920df7000000430100002383c7000000000009000000000000000a000001a233aa83c5fffffff5000000010000000f2f",
        "6d2f652d30303030303030303032000000020000000163d29b9942",
    ])
    static let multiSnapshot = hex([
        "5a4b534e00000002ffffffffffffffff00000000000000020000000000000001000000010000000100000005776f726c",
        "6400000006616e796f6e650000000000000002000000010000001f00000005776f726c6400000006616e796f6e650000",
        "000000000000ffffffffffffffff00000000000000000000000000000000000000000000000000000000000000000000",
        "00000000000100000000000000000000000000000000000000020000000a2f7a6f6f6b656570657200000000ffffffff",
        "ffffffff0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "00000000000000000000000000000000000000112f7a6f6f6b65657065722f636f6e6669670000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000000000000000000000ffffffff000000",
        "00000000000000000000000000000000102f7a6f6f6b65657065722f71756f746100000000ffffffffffffffff000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000022f6d0000000131000000000000000200000000000000020000000000000003000001a2",
        "33aa8368000001a233aa83930000000100000003000000000000000000000000000000000000000a0000000f2f6d2f73",
        "2d303030303030303030310000000173000000000000000200000000000000050000000000000005000001a233aa83ad",
        "000001a233aa83ad00000000000000000000000000000000000000000000000000000005000000012f0000000089174f",
        "52000000012f000000000000000a000000020000000163d29b9900000000f04c5339000000012f",
    ])

    static func hex(_ parts: [String]) -> [UInt8] {
        let s = Array(parts.joined().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count / 2)
        var i = 0
        while i < s.count {
            out.append(UInt8(String(decoding: s[i..<i + 2], as: UTF8.self), radix: 16)!)
            i += 2
        }
        return out
    }
}

@Test func freshTreeSnapshotIsByteIdenticalToARealServersSnapshotZero() {
    let ours = SnapshotFile(tree: DataTree(), sessions: [:]).encode()
    #expect(ours == RealZooKeeperFixture.freshSnapshot)
    #expect(SnapshotFile.looksComplete(ours))
}

@Test func realServersLogDecodesIntoItsSeventeenTxns() throws {
    let bytes = RealZooKeeperFixture.logPrefix + [UInt8](repeating: 0, count: 64)
    let log = try TxnLogFile.decode(bytes, fileName: "log.1")
    #expect(log.header == FileHeader(magic: FileHeader.txnLogMagic, version: 2, dbid: 0))
    #expect(log.entries.count == 17)
    #expect(log.end == .padding(offset: RealZooKeeperFixture.logPrefix.count))
    #expect(log.entries.map(\.header.zxid) == Array(1...17))
    #expect(log.entries[1].txn == .create(path: "/a", data: Array("hello".utf8), acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 1))
    #expect(log.entries[9].txn == .error(.noNode))
    #expect(log.entries[9].digest == nil, "the real leader writes no digest after an error txn")
    #expect(log.entries[14].txn == .closeSession(pathsToDelete: ["/eph"]))
    // The tree digest of a fresh tree, as the real server computed it after the first createSession.
    #expect(log.entries[0].digest == TxnDigest(version: 2, treeDigest: 0x51c6_d660))
    #expect(Int64(DataTree().digest()) == 0x51c6_d660)
}

/// The requests of the CLI session that produced the fixture, in zxid order.
private let fixtureRequests: [ZKRequest] = [
    .createSession(timeoutMs: 30000),
    .create(path: "/a", data: Array("hello".utf8), acl: ACL.openACLUnsafe, mode: .persistent),
    .createSession(timeoutMs: 30000),
    .create(path: "/a/seq-", data: Array("x".utf8), acl: ACL.openACLUnsafe, mode: .persistentSequential),
    .createSession(timeoutMs: 30000),
    .create(path: "/eph", data: Array("e".utf8), acl: ACL.openACLUnsafe, mode: .ephemeral),
    .createSession(timeoutMs: 30000),
    .setData(path: "/a", data: Array("world".utf8), version: -1),
    .createSession(timeoutMs: 30000),
    .delete(path: "/nope", version: -1),
    .createSession(timeoutMs: 30000),
    .closeSession, .closeSession, .closeSession, .closeSession, .closeSession, .closeSession,
]

@Test func preparingTheSameRequestsReproducesTheRealServersLogByteForByte() throws {
    let real = try TxnLogFile.decode(RealZooKeeperFixture.logPrefix, fileName: "log.1")
    var tree = DataTree()
    var prep = RequestPreparer()
    var ours = TxnLogFile()
    for (request, entry) in zip(fixtureRequests, real.entries) {
        let h = entry.header
        let made = prep.prepare(request, sessionId: h.clientId, cxid: h.cxid, zxid: h.zxid, time: h.time, tree: tree)
        let prepared = try #require(made)
        #expect(prepared.logEntry == entry, "zxid \(h.zxid)")
        ours.append(prepared.logEntry)
        let rc = tree.processTxn(prepared.header, prepared.txn)
        prep.applied(zxid: h.zxid)
        #expect(prepared.digest.map { $0.treeDigest == tree.treeDigest } ?? true, "precalculated digest at \(h.zxid)")
        if h.zxid == 10 { #expect(rc.err == .noNode) }
        tree.checkInvariants()
    }
    #expect(ours.bytes == RealZooKeeperFixture.logPrefix)
    #expect(ours.preallocatedLength == Int64(RealZooKeeperFixture.logLength))
    #expect(ours.fileName == "log.1")
    #expect(tree.exists("/eph") == nil)
    let snapshot = SnapshotFile(tree: tree, sessions: [:]).encode()
    #expect(snapshot == RealZooKeeperFixture.snapshotAfterLog, "our snapshot.11 equals the real server's")
    let decoded = try SnapshotFile.decode(RealZooKeeperFixture.snapshotAfterLog, snapshotZxid: 0x11, fileName: "snapshot.11")
    #expect(decoded.tree.digest() == tree.digest())
    #expect(decoded.zxidDigest == ZxidDigest(zxid: 0x11, digestVersion: 2, digest: 0x1_ff45_63bf))
    #expect(tree.getData("/a/seq-0000000000").map { $0.0 } == .success(Array("x".utf8)))
}

private let multiRequests: [ZKRequest] = [
    .createSession(timeoutMs: 30000),
    .create(path: "/m", data: Array("0".utf8), acl: ACL.openACLUnsafe, mode: .persistent),
    .multi([.create(path: "/m/a", data: [], acl: ACL.openACLUnsafe, mode: .persistent),
            .setData(path: "/m", data: Array("1".utf8), version: 0), .check(path: "/m/a", version: 0)]),
    .multi([.create(path: "/m/b", data: [], acl: ACL.openACLUnsafe, mode: .persistent),
            .delete(path: "/nope", version: -1), .setData(path: "/m", data: Array("x".utf8), version: -1)]),
    .create(path: "/m/s-", data: Array("s".utf8), acl: ACL.openACLUnsafe, mode: .persistentSequential),
    .create(path: "/m/e-", data: Array("e".utf8), acl: ACL.openACLUnsafe, mode: .ephemeralSequential),
    .delete(path: "/m/a", version: 0),
    .setData(path: "/m", data: Array("2".utf8), version: 5),
    .create(path: "/m/s-0000000002/x", data: [], acl: ACL.openACLUnsafe, mode: .persistent),
    .closeSession,
]

@Test func multiRollbackAndSequentialNamesMatchARealServersLogByteForByte() throws {
    let real = try TxnLogFile.decode(RealZooKeeperFixture.multiLogPrefix, fileName: "log.1")
    #expect(real.entries.count == multiRequests.count)
    var tree = DataTree()
    var prep = RequestPreparer()
    var ours = TxnLogFile()
    for (request, entry) in zip(multiRequests, real.entries) {
        let h = entry.header
        let made = prep.prepare(request, sessionId: h.clientId, cxid: h.cxid, zxid: h.zxid, time: h.time, tree: tree)
        let prepared = try #require(made)
        #expect(prepared.logEntry == entry, "zxid \(h.zxid): ours \(prepared.txn), real \(entry.txn)")
        ours.append(prepared.logEntry)
        let rc = tree.processTxn(prepared.header, prepared.txn)
        prep.applied(zxid: h.zxid)
        if h.zxid == 4 { #expect(rc.multiResult?.map(\.err) == [.ok, .noNode, .runtimeInconsistency]) }
        tree.checkInvariants()
    }
    #expect(ours.bytes == RealZooKeeperFixture.multiLogPrefix)
    #expect(tree.sortedPaths.filter { $0.hasPrefix("/m") } == ["/m", "/m/s-0000000001"])
    let snapshot = try SnapshotFile.decode(RealZooKeeperFixture.multiSnapshot, snapshotZxid: 0xa, fileName: "snapshot.a")
    #expect(snapshot.tree.digest() == tree.digest())
    #expect(snapshot.zxidDigest == tree.lastProcessedZxidDigest)
    // Same nodes, stats, ACL map and trailer; only the order of siblings may differ (the real
    // server walks a HashSet, we walk names sorted), so compare node by node.
    let ours2 = SnapshotFile(tree: tree, sessions: [:]).encode()
    #expect(ours2.count == RealZooKeeperFixture.multiSnapshot.count)
    let back = try SnapshotFile.decode(ours2, snapshotZxid: 0xa)
    #expect(back.tree.sortedPaths == snapshot.tree.sortedPaths)
    for path in snapshot.tree.sortedPaths { #expect(back.tree.nodes[path] == snapshot.tree.nodes[path], "\(path)") }
    #expect(back.tree.aclCache == snapshot.tree.aclCache)
}
