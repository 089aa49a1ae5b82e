import Testing
@testable import FaultlineZooKeeper

@Test func twoCreatesOfOnePathInFlightCannotBothSucceed() {
    var l = MiniLeader()
    let first = l.propose(MiniLeader.create("/x"))
    let second = l.propose(MiniLeader.create("/x"))
    #expect(first.error == nil)
    #expect(second.txn == .error(.nodeExists), "the second sees the first's outstanding change")
    l.commit(first)
    l.commit(second)
    #expect(l.tree.exists("/x") != nil)
    #expect(l.prep.outstandingCount == 0)
}

@Test func setDataVersionsChainThroughOutstandingChanges() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/v"))
    let a = l.propose(.setData(path: "/v", data: [1], version: 0))
    let b = l.propose(.setData(path: "/v", data: [2], version: 1))
    let c = l.propose(.setData(path: "/v", data: [3], version: 1))
    #expect(a.txn == .setData(path: "/v", data: [1], version: 1))
    #expect(b.txn == .setData(path: "/v", data: [2], version: 2))
    #expect(c.txn == .error(.badVersion))
    for p in [a, b, c] { l.commit(p) }
    #expect(l.tree.exists("/v")?.version == 2)
}

@Test func sequentialNamesComeFromTheParentCversionAndNeverRepeatWhileInFlight() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/q"))
    let p1 = l.propose(MiniLeader.create("/q/n-", "", .persistentSequential))
    let p2 = l.propose(MiniLeader.create("/q/n-", "", .ephemeralSequential), session: 0x33)
    guard case let .create(path1, _, _, _, pcv1) = p1.txn, case let .create(path2, _, _, eph2, pcv2) = p2.txn else {
        Issue.record("expected creates, got \(p1.txn) and \(p2.txn)")
        return
    }
    #expect(path1 == "/q/n-0000000000" && pcv1 == 1)
    #expect(path2 == "/q/n-0000000001" && pcv2 == 2 && eph2)
    l.commit(p1); l.commit(p2)
    l.run(.delete(path: "/q/n-0000000000", version: -1))
    // A delete does not lower the stored cversion, so the next name is still fresh.
    let p3 = l.propose(MiniLeader.create("/q/n-", "", .persistentSequential))
    #expect(p3.txn == .create(path: "/q/n-0000000002", data: [], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 3))
    l.commit(p3)
    #expect(PathUtils.sequenceSuffix(-1) == "-000000001")
    #expect(PathUtils.sequenceSuffix(42) == "0000000042")
}

@Test func deleteAfterAnOutstandingDeleteSeesNoNode() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/d"))
    let a = l.propose(.delete(path: "/d", version: -1))
    let b = l.propose(.delete(path: "/d", version: -1))
    let c = l.propose(MiniLeader.create("/d/child"))
    #expect(a.error == nil && b.txn == .error(.noNode) && c.txn == .error(.noNode))
    [a, b, c].forEach { l.commit($0) }
}

@Test func successfulMultiIsOneTxnUnderOneZxidWithPerOpResults() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/m", "0"))
    let p = l.propose(.multi([MiniLeader.create("/m/a"), .setData(path: "/m", data: [9], version: 0),
                              .check(path: "/m/a", version: 0), .delete(path: "/m/a", version: 0)]))
    #expect(p.header.type == OpCode.multi.rawValue && p.error == nil)
    let rc = l.commit(p)
    #expect(rc.err == .ok)
    #expect(rc.multiResult?.map(\.err) == [.ok, .ok, .ok, .ok])
    #expect(rc.multiResult?.map(\.type) == [OpCode.create, .setData, .check, .delete].map(\.rawValue))
    #expect(l.tree.exists("/m/a") == nil && l.tree.exists("/m")?.version == 1)
    #expect(l.tree.exists("/m")?.mzxid == p.header.zxid && l.tree.exists("/m")?.pzxid == p.header.zxid)
}

@Test func failedMultiChangesNothingAndReportsOkFailingThenRuntimeInconsistency() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/m", "0"))
    let before = l.tree.digest()
    let p = l.propose(.multi([MiniLeader.create("/m/a"), .setData(path: "/m", data: [9], version: 5),
                              MiniLeader.create("/m/b")]))
    #expect(p.header.type == OpCode.multi.rawValue, "a failed multi keeps its multi header")
    #expect(p.error == .badVersion)
    guard case let .multi(subs) = p.txn else { Issue.record("not a multi"); return }
    #expect(subs[1] == .error(.badVersion) && subs[2] == .error(.runtimeInconsistency))
    if case .create = subs[0] {} else { Issue.record("ops before the failure keep their txn: \(subs[0])") }
    #expect(l.prep.outstandingCount == 0, "the failed multi rolled back its change records")
    let rc = l.commit(p)
    #expect(rc.err == .badVersion)
    #expect(rc.multiResult?.map(\.err) == [.ok, .badVersion, .runtimeInconsistency])
    #expect(l.tree.digest() == before && l.tree.exists("/m/a") == nil)
    // The rollback left no phantom: /m/a can be created now.
    #expect(l.run(MiniLeader.create("/m/a")).err == .ok)
}

@Test func failedMultiRestoresTheOutstandingChangesItShadowed() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/r", "0"))
    let pending = l.propose(.setData(path: "/r", data: [1], version: 0))   // in flight: /r at version 1
    let multi = l.propose(.multi([.setData(path: "/r", data: [2], version: 1), .delete(path: "/none", version: -1)]))
    #expect(multi.error == .noNode)
    // After the rollback the next write must see the in-flight version 1, not the multi's 2.
    let next = l.propose(.setData(path: "/r", data: [3], version: 1))
    #expect(next.txn == .setData(path: "/r", data: [3], version: 2))
    [pending, multi, next].forEach { l.commit($0) }
    #expect(l.tree.exists("/r")?.version == 2)
}

@Test func multiInsideMultiIsRefused() {
    var l = MiniLeader()
    let p = l.propose(.multi([.multi([])]))
    #expect(p.error == .unimplemented)
}

@Test func closeSessionIncludesEphemeralsStillInFlight() {
    var l = MiniLeader()
    l.run(.createSession(timeoutMs: 5000), session: 0x44)
    l.run(MiniLeader.create("/e1", "", .ephemeral), session: 0x44)
    let inFlight = l.propose(MiniLeader.create("/e2", "", .ephemeral), session: 0x44)
    let close = l.propose(.closeSession, session: 0x44)
    #expect(close.txn == .closeSession(pathsToDelete: ["/e1", "/e2"]))
    l.commit(inFlight)
    l.commit(close)
    #expect(l.tree.exists("/e1") == nil && l.tree.exists("/e2") == nil)
}

@Test func resetDropsEveryOutstandingChange() {
    var l = MiniLeader()
    _ = l.propose(MiniLeader.create("/lost"))
    #expect(l.prep.outstandingCount == 2)
    l.prep.reset()
    #expect(l.prep.outstandingCount == 0)
    #expect(l.propose(MiniLeader.create("/lost")).error == nil, "a new leader sees only the tree")
}

@Test func pathValidationFollowsPathUtils() {
    #expect(PathUtils.validatePath("/") == nil)
    #expect(PathUtils.validatePath("/a/b") == nil)
    for bad in ["", "a", "/a/", "//a", "/a/./b", "/a/../b", "/.", "/a\u{1}"] {
        #expect(PathUtils.validatePath(bad) != nil, "\(bad)")
    }
    #expect(PathUtils.validatePath("/a.b/..c") == nil)
}

@Test func checkOutsideAMultiIsRefusedSoTheLogStaysLoadable() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/c"))
    #expect(l.propose(.check(path: "/c", version: 0)).txn == .error(.unimplemented))
    #expect(l.propose(.multi([.check(path: "/c", version: 0)])).error == nil)
    #expect(l.propose(.multi([.check(path: "/c", version: 3)])).error == .badVersion)
    #expect(l.tree.read(.sync(path: "/"), session: 1) == .error(.unimplemented))
}
