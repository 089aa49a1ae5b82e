import Testing
import FaultlineCore
@testable import FaultlineZooKeeper

@Suite struct SessionTests {
    /// A client creates an ephemeral node and dies: the leader's SessionTracker expires the
    /// session after its timeout and one closeSession txn deletes the node everywhere.
    @Test func crashedClientsSessionExpiresAndItsEphemeralNodesDisappearInOneTxn() {
        let zk = ZooKeeperEnsemble(seed: 51, servers: 3, settings: .fastTicks)
        let owner = ScriptedClient([.create(path: "/e1", data: [], acl: ACL.openACLUnsafe, mode: .ephemeral),
                                    .create(path: "/e2", data: [], acl: ACL.openACLUnsafe, mode: .ephemeralSequential),
                                    .create(path: "/keep", data: [], acl: ACL.openACLUnsafe, mode: .persistent)])
        let c = zk.addClient(sessionTimeout: .seconds(2)) { owner }
        #expect(zk.run(until: { _ in owner.okCount == 3 }, timeout: .seconds(20)))
        let session = zk.client(c)!.sessionId
        #expect(zk.servers.allSatisfy { zk.peer($0)!.tree.ephemerals(of: session).count == 2 })
        zk.sim.crash(c)
        let crashedAt = zk.sim.now
        zk.run(for: .seconds(1))
        #expect(zk.servers.allSatisfy { zk.peer($0)!.tree.exists("/e1") != nil }, "not before the timeout")
        #expect(zk.run(until: { z in z.servers.allSatisfy { z.peer($0)!.tree.exists("/e1") == nil } }, timeout: .seconds(5)))
        let expiredAfter = zk.sim.now - crashedAt
        // Expiry happens in the tick bucket after the timeout: 2 s, rounded up to a tick.
        #expect(expiredAfter >= .seconds(2) && expiredAfter <= .seconds(2) + zk.settings.tickTime * 3, "\(expiredAfter)")
        for n in zk.servers {
            let p = zk.peer(n)!
            #expect(p.tree.ephemerals(of: session).isEmpty && p.tree.exists("/keep") != nil)
            #expect(p.sessionsWithTimeouts[session] == nil)
            let closes = p.dataDir.log.filter { if case .closeSession(let paths) = $0.txn { return paths?.count == 2 } else { return false } }
            #expect(closes.count == 1, "one closeSession txn deleting both ephemerals")
        }
        #expect(zk.violation == nil)
    }

    /// A client cut off from every server sees Disconnected after readTimeout (2/3 of the
    /// session timeout); when it is back after the session expired it sees Expired.
    @Test func partitionedClientSeesDisconnectedThenExpiredOnReconnect() {
        let zk = ZooKeeperEnsemble(seed: 52, servers: 3, settings: .fastTicks)
        let prog = ScriptedClient([.create(path: "/eph", data: [], acl: ACL.openACLUnsafe, mode: .ephemeral)])
        let c = zk.addClient(sessionTimeout: .seconds(3)) { prog }
        #expect(zk.run(until: { _ in prog.okCount == 1 }, timeout: .seconds(20)))
        for s in zk.servers { zk.sim.cutBoth(c, s) }
        let cutAt = zk.sim.now
        #expect(zk.run(until: { _ in prog.states.last == .disconnected }, timeout: .seconds(5)))
        #expect(zk.sim.now - cutAt >= .seconds(2) && zk.sim.now - cutAt <= .milliseconds(2600), "readTimeout is 2 s")
        #expect(zk.run(until: { z in z.servers.allSatisfy { z.peer($0)!.tree.exists("/eph") == nil } }, timeout: .seconds(5)))
        zk.heal()
        #expect(zk.run(until: { _ in prog.states.last == .expired }, timeout: .seconds(10)))
        #expect(prog.states == [.syncConnected, .disconnected, .expired])
        #expect(zk.violation == nil)
    }

    /// A client whose server dies fails over to another server and keeps its session and
    /// its ephemeral node (connection loss is not expiry).
    @Test func clientFailsOverToAnotherServerAndKeepsItsSession() {
        let zk = ZooKeeperEnsemble(seed: 53, servers: 3, settings: .fastTicks)
        let prog = ScriptedClient([.create(path: "/mine", data: [], acl: ACL.openACLUnsafe, mode: .ephemeral), .sync(path: "/"), .getData(path: "/mine", watch: false)], gap: .seconds(3))
        let c = zk.addClient(sessionTimeout: .seconds(4)) { prog }
        #expect(zk.run(until: { _ in prog.okCount == 1 }, timeout: .seconds(20)))
        let session = zk.client(c)!.sessionId
        let first = zk.client(c)!.currentServer!
        zk.sim.crash(first)
        #expect(zk.run(until: { z in z.client(c)!.isConnected && z.client(c)!.currentServer != first }, timeout: .seconds(20)))
        #expect(zk.client(c)!.sessionId == session)
        #expect(zk.run(until: { _ in prog.okCount == 3 }, timeout: .seconds(20)))
        #expect(prog.states.first == .syncConnected && prog.states.contains(.disconnected) && !prog.states.contains(.expired))
        #expect(zk.servers.filter { $0 != first }.allSatisfy { zk.peer($0)!.tree.exists("/mine")?.ephemeralOwner == session })
        #expect(zk.violation == nil)
    }

    /// A watch is one-shot and fires on the server the client is connected to.
    @Test func existsWatchFiresOnceWhenTheNodeIsCreated() {
        let zk = ZooKeeperEnsemble(seed: 54, servers: 3, settings: .fastTicks)
        let watcher = ScriptedClient([.exists(path: "/w1", watch: true)])
        let maker = ScriptedClient([.create(path: "/w1", data: [], acl: ACL.openACLUnsafe, mode: .persistent), .setData(path: "/w1", data: Array("x".utf8), version: 0)], gap: .seconds(1))
        zk.addClient { watcher }
        #expect(zk.run(until: { _ in watcher.results.count == 1 }, timeout: .seconds(20)))
        zk.addClient { maker }
        #expect(zk.run(until: { _ in maker.okCount == 2 }, timeout: .seconds(20)))
        zk.run(for: .seconds(1))
        #expect(watcher.events.map { "\($0.type) \($0.path)" } == ["nodeCreated /w1"])
    }
}
