import Testing
@testable import FaultlineZooKeeper

@Test func freshTreeHoldsTheBuiltInZookeeperNodes() {
    let tree = DataTree()
    #expect(tree.sortedPaths == ["/", "/zookeeper", "/zookeeper/config", "/zookeeper/quota"])
    #expect(tree.nodes["/zookeeper/config"]?.stat.aversion == -1)
    #expect(tree.aclCache.convertLong(tree.nodes["/zookeeper/config"]!.acl) == ACL.readACLUnsafe)
    tree.checkInvariants()
}

@Test func createSetDataDeleteMoveTheStatFieldsAsZooKeeperDoes() {
    var l = MiniLeader()
    let c = l.run(MiniLeader.create("/a", "v0"))
    #expect(c.err == .ok && c.path == "/a")
    let created = l.zxid
    var stat = l.tree.exists("/a")!
    #expect(stat.czxid == created && stat.mzxid == created && stat.pzxid == created)
    #expect(stat.version == 0 && stat.dataLength == 2 && stat.ephemeralOwner == 0)
    l.run(.setData(path: "/a", data: Array("v1".utf8), version: 0))
    stat = l.tree.exists("/a")!
    #expect(stat.version == 1 && stat.mzxid == l.zxid && stat.czxid == created)
    l.run(MiniLeader.create("/a/b"))
    let childZxid = l.zxid
    stat = l.tree.exists("/a")!
    #expect(stat.pzxid == childZxid && stat.numChildren == 1 && stat.cversion == 1 && stat.mzxid == created + 1)
    l.run(.delete(path: "/a/b", version: -1))
    stat = l.tree.exists("/a")!
    // One create and one delete: two child changes for the client, one create stored.
    #expect(stat.cversion == 2 && l.tree.nodes["/a"]!.stat.cversion == 1 && stat.pzxid == l.zxid && stat.numChildren == 0)
}

@Test func failedWritesBecomeErrorTxnsThatStillConsumeAZxid() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/a"))
    l.run(MiniLeader.create("/a/child"))
    let cases: [(ZKRequest, KeeperErrorCode)] = [
        (MiniLeader.create("/a"), .nodeExists),
        (MiniLeader.create("/missing/x"), .noNode),
        (.setData(path: "/a", data: [], version: 7), .badVersion),
        (.delete(path: "/a", version: -1), .notEmpty),
        (.delete(path: "/nope", version: -1), .noNode),
        (.delete(path: "/zookeeper", version: -1), .badArguments),
        (MiniLeader.create("/a/"), .badArguments),
        // The parent lookup comes before path validation, as in PrepRequestProcessor.
        (MiniLeader.create("/bad//path"), .noNode),
        (.setData(path: "/zookeeper/config", data: [], version: -1), .noAuth),
        (.create(path: "/noacl", data: [], acl: [], mode: .persistent), .invalidACL),
    ]
    for (request, code) in cases {
        let before = l.tree.digest()
        let p = l.propose(request)
        #expect(p.header.type == OpCode.error.rawValue, "\(request)")
        #expect(p.txn == .error(code) && p.error == code && p.digest == nil, "\(request)")
        let rc = l.commit(p)
        #expect(rc.err == code)
        #expect(l.tree.lastProcessedZxid == p.header.zxid, "the error txn took its zxid")
        #expect(l.tree.digest() == before, "an error txn changes nothing")
    }
}

@Test func sessionCheckFailureTurnsTheWriteIntoSessionExpired() {
    var l = MiniLeader()
    l.zxid += 1
    let p = l.prep.prepare(MiniLeader.create("/x"), sessionId: 5, cxid: 1, zxid: l.zxid, time: 1, tree: l.tree,
                           sessionCheck: .sessionExpired)!
    #expect(p.txn == .error(.sessionExpired))
    #expect(l.prep.prepare(.getData(path: "/", watch: false), sessionId: 5, cxid: 2, zxid: l.zxid + 1, time: 1, tree: l.tree) == nil,
            "reads make no txn and take no zxid")
}

@Test func ephemeralsBelongToTheirSessionAndCannotHaveChildren() {
    var l = MiniLeader()
    l.run(.createSession(timeoutMs: 4000), session: 0x21)
    l.run(MiniLeader.create("/e", "", .ephemeral), session: 0x21)
    #expect(l.tree.exists("/e")?.ephemeralOwner == 0x21)
    #expect(l.tree.ephemerals(of: 0x21) == ["/e"])
    #expect(l.run(MiniLeader.create("/e/child"), session: 0x21).err == .noChildrenForEphemerals)
    let close = l.propose(.closeSession, session: 0x21)
    #expect(close.txn == .closeSession(pathsToDelete: ["/e"]))
    l.commit(close)
    #expect(l.tree.exists("/e") == nil && l.tree.ephemerals(of: 0x21).isEmpty)
}

@Test func processTxnResultCarriesTheStatOfTheCreatedNode() {
    var l = MiniLeader()
    let rc = l.run(MiniLeader.create("/s", "abc"))
    #expect(rc.stat == l.tree.exists("/s"))
    #expect(rc.stat?.dataLength == 3)
}
