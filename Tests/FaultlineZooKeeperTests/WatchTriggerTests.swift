import Testing
@testable import FaultlineZooKeeper

private func events(_ rc: ProcessTxnResult) -> [String] {
    rc.watchEvents.map { "\($0.session):\($0.type):\($0.path)" }
}

@Test func existsOnAMissingNodeWatchesForItsCreation() {
    var l = MiniLeader()
    #expect(l.tree.read(.exists(path: "/w", watch: true), session: 7) == .error(.noNode))
    #expect(l.tree.read(.getData(path: "/w", watch: true), session: 8) == .error(.noNode))
    let rc = l.run(MiniLeader.create("/w"))
    #expect(events(rc) == ["7:nodeCreated:/w"], "getData on a missing node sets no watch")
}

@Test func watchesAreOneShot() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/w", "a"))
    _ = l.tree.read(.getData(path: "/w", watch: true), session: 7)
    #expect(events(l.run(.setData(path: "/w", data: [1], version: -1))) == ["7:nodeDataChanged:/w"])
    #expect(events(l.run(.setData(path: "/w", data: [2], version: -1))) == [], "fired once, then gone")
}

@Test func createAndDeleteFireChildWatchesOnTheParent() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/p"))
    _ = l.tree.read(.getChildren(path: "/p", watch: true), session: 3)
    _ = l.tree.read(.getChildren(path: "/", watch: true), session: 4)
    #expect(events(l.run(MiniLeader.create("/p/c"))) == ["3:nodeChildrenChanged:/p"])
    _ = l.tree.read(.getChildren(path: "/p", watch: true), session: 3)
    _ = l.tree.read(.exists(path: "/p/c", watch: true), session: 5)
    #expect(events(l.run(.delete(path: "/p/c", version: -1))) == ["5:nodeDeleted:/p/c", "3:nodeChildrenChanged:/p"])
    #expect(events(l.run(MiniLeader.create("/q"))) == ["4:nodeChildrenChanged:/"])
}

@Test func deletingAWatchedNodeTellsEachSessionOnceEvenWithBothWatches() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/n"))
    _ = l.tree.read(.getData(path: "/n", watch: true), session: 1)
    _ = l.tree.read(.getChildren(path: "/n", watch: true), session: 1)
    _ = l.tree.read(.getChildren(path: "/n", watch: true), session: 2)
    let rc = l.run(.delete(path: "/n", version: -1))
    #expect(events(rc) == ["1:nodeDeleted:/n", "2:nodeDeleted:/n"])
    #expect(l.tree.childWatches.count == 0 && l.tree.dataWatches.count == 0)
}

@Test func setDataDoesNotFireChildWatchesAndErrorsFireNothing() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/n"))
    _ = l.tree.read(.getChildren(path: "/n", watch: true), session: 1)
    #expect(events(l.run(.setData(path: "/n", data: [1], version: -1))) == [])
    _ = l.tree.read(.exists(path: "/n", watch: true), session: 2)
    #expect(events(l.run(.setData(path: "/n", data: [1], version: 99))) == [], "BadVersion changes nothing")
    #expect(l.tree.dataWatches.contains("/n", session: 2))
}

@Test func closingASessionFiresWatchesOnItsEphemerals() {
    var l = MiniLeader()
    l.run(.createSession(timeoutMs: 3000), session: 9)
    l.run(MiniLeader.create("/lock", ""))
    l.run(MiniLeader.create("/lock/x-", "", .ephemeralSequential), session: 9)
    _ = l.tree.read(.exists(path: "/lock/x-0000000000", watch: true), session: 10)
    let rc = l.run(.closeSession, session: 9)
    #expect(events(rc) == ["10:nodeDeleted:/lock/x-0000000000"])
}

@Test func failedMultiFiresNoWatchesAndSuccessfulMultiFiresAll() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/m"))
    _ = l.tree.read(.getData(path: "/m", watch: true), session: 1)
    _ = l.tree.read(.getChildren(path: "/m", watch: true), session: 2)
    let failed = l.run(.multi([MiniLeader.create("/m/a"), .delete(path: "/zz", version: -1)]))
    #expect(events(failed) == [])
    let ok = l.run(.multi([MiniLeader.create("/m/a"), .setData(path: "/m", data: [1], version: -1)]))
    #expect(events(ok) == ["2:nodeChildrenChanged:/m", "1:nodeDataChanged:/m"])
}

@Test func removingASessionsWatchesSilencesIt() {
    var l = MiniLeader()
    l.run(MiniLeader.create("/n"))
    _ = l.tree.read(.getData(path: "/n", watch: true), session: 1)
    l.tree.addWatch("/n", session: 2, kind: .data)
    l.tree.removeWatches(session: 1)
    #expect(events(l.run(.setData(path: "/n", data: [], version: -1))) == ["2:nodeDataChanged:/n"])
}
