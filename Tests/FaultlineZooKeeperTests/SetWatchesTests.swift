import Testing
import FaultlineCore
@testable import FaultlineZooKeeper

/// Watches live on one server's connection. A client that fails over sends them again in a
/// SetWatches (unless zookeeper.disableAutoWatchReset), and what changed while it was away
/// fires the moment it is back.
@Suite struct SetWatchesTests {
    static let open = ACL.openACLUnsafe

    /// A started ensemble with /n, /p and /d, its leader, and the two followers.
    func ensemble(seed: UInt64, disableAutoWatchReset: Bool = false) -> (ZooKeeperEnsemble, NodeID, [NodeID]) {
        var settings = ZooKeeperSettings.fastTicks
        settings.disableAutoWatchReset = disableAutoWatchReset
        let zk = ZooKeeperEnsemble(seed: seed, servers: 3, settings: settings)
        let setup = ScriptedClient([.create(path: "/n", data: [], acl: Self.open, mode: .persistent),
                                    .create(path: "/p", data: [], acl: Self.open, mode: .persistent),
                                    .create(path: "/d", data: [], acl: Self.open, mode: .persistent),
                                    .sync(path: "/")])
        zk.addClient { setup }
        #expect(zk.run(until: { _ in setup.okCount == 4 }, timeout: .seconds(20)))
        let leader = zk.leader!
        return (zk, leader, zk.servers.filter { $0 != leader })
    }

    /// getData on /n and /d, getChildren on /p, exists on the missing /later.
    func watcher() -> ScriptedClient {
        ScriptedClient([.getData(path: "/n", watch: true), .getChildren(path: "/p", watch: true),
                        .exists(path: "/later", watch: true), .getData(path: "/d", watch: true)])
    }

    func changes() -> ScriptedClient {
        ScriptedClient([.setData(path: "/n", data: Array("v2".utf8), version: -1),
                        .create(path: "/p/c", data: [], acl: Self.open, mode: .persistent),
                        .create(path: "/later", data: [], acl: Self.open, mode: .persistent),
                        .delete(path: "/d", version: -1)])
    }

    func story(_ w: ScriptedClient) -> [String] { w.events.map { "\($0.type) \($0.path)" }.sorted() }

    static let everyChange = ["nodeChildrenChanged /p", "nodeCreated /later", "nodeDataChanged /n", "nodeDeleted /d"]

    /// The watcher's server dies; the client fails over to the other follower and sends
    /// SetWatches there, so the writes that come afterwards still reach it.
    @Test func watchesFollowTheClientToTheServerItFailsOverTo() {
        for disabled in [false, true] {
            let (zk, leader, followers) = ensemble(seed: 61, disableAutoWatchReset: disabled)
            let w = watcher()
            let c = zk.addClient(sessionTimeout: .seconds(4), connectTo: followers) { w }
            #expect(zk.run(until: { _ in w.results.count == 4 }, timeout: .seconds(20)))
            let client = zk.client(c)!
            #expect(client.dataWatches.sorted() == ["/d", "/n"] && client.existWatches.sorted() == ["/later"] && client.childWatches.sorted() == ["/p"])
            let first = client.currentServer!
            zk.sim.crash(first)
            #expect(zk.run(until: { z in z.client(c)!.isConnected && z.client(c)!.currentServer != first }, timeout: .seconds(10)))
            zk.run(for: .milliseconds(500))
            let other = zk.client(c)!.currentServer!
            let maker = changes()
            zk.addClient(connectTo: [leader]) { maker }
            #expect(zk.run(until: { _ in maker.okCount == 4 }, timeout: .seconds(20)))
            zk.run(for: .seconds(1))
            if disabled {
                #expect(w.events.isEmpty, "disableAutoWatchReset: the watches stayed behind on the dead server")
                #expect(zk.client(c)!.dataWatches.isEmpty, "and the client forgot them at the disconnect")
            } else {
                #expect(story(w) == Self.everyChange)
                #expect(zk.client(c)!.currentServer == other, "every event came through the new server")
                #expect(zk.client(c)!.dataWatches.isEmpty && zk.client(c)!.existWatches.isEmpty && zk.client(c)!.childWatches.isEmpty,
                        "each watch fired once and is gone")
            }
            #expect(zk.violation == nil)
        }
    }

    /// While the client is away (its server crashed, the other follower unreachable), every
    /// watched node changes. The reconnect's SetWatches carries the last zxid the client saw;
    /// the server answers each watch whose change is newer with its event at once.
    @Test func whatChangedWhileTheClientWasAwayFiresTheMomentItIsBack() {
        let (zk, leader, followers) = ensemble(seed: 62)
        let w = watcher()
        let c = zk.addClient(sessionTimeout: .seconds(4), connectTo: followers) { w }
        #expect(zk.run(until: { _ in w.results.count == 4 }, timeout: .seconds(20)))
        let first = zk.client(c)!.currentServer!
        let other = followers.first { $0 != first }!
        zk.sim.cutBoth(c, other)
        zk.sim.crash(first)
        let maker = changes()
        zk.addClient(connectTo: [leader]) { maker }
        #expect(zk.run(until: { _ in maker.okCount == 4 }, timeout: .seconds(10)))
        zk.run(for: .milliseconds(300))
        #expect(!zk.client(c)!.isConnected && w.events.isEmpty, "nothing reaches a disconnected client")
        zk.heal()
        #expect(zk.run(until: { z in z.client(c)!.isConnected }, timeout: .seconds(5)))
        let back = zk.sim.now
        #expect(zk.run(until: { _ in w.events.count == 4 }, timeout: .seconds(2)))
        #expect(zk.sim.now - back < .milliseconds(100), "answered by the SetWatches itself, not by a later write")
        #expect(story(w) == Self.everyChange)
        #expect(!w.states.contains(.expired))
        #expect(zk.violation == nil)
    }

    /// DataTree.setWatches registers what has not happened yet and fires the rest.
    @Test func setWatchesRegistersOnlyTheWatchesWhoseChangeIsStillAhead() throws {
        var tree = DataTree()
        var events: [WatchedEvent] = []
        _ = try tree.createNode("/old", data: [], acl: Self.open, ephemeralOwner: 0, parentCVersion: 1, zxid: 1, time: 0, events: &events)
        _ = try tree.createNode("/new", data: [], acl: Self.open, ephemeralOwner: 0, parentCVersion: 2, zxid: 5, time: 0, events: &events)
        let fired = tree.setWatches(SetWatches(relativeZxid: 3, dataWatches: ["/old", "/new", "/gone"], existWatches: ["/old", "/missing"],
                                               childWatches: ["/old", "/"]), session: 9)
        #expect(fired.map { "\($0.type) \($0.path)" } == ["nodeDataChanged /new", "nodeDeleted /gone", "nodeCreated /old", "nodeChildrenChanged /"])
        #expect(tree.dataWatches.contains("/old", session: 9) && tree.dataWatches.contains("/missing", session: 9))
        #expect(!tree.dataWatches.contains("/new", session: 9))
        #expect(tree.childWatches.contains("/old", session: 9) && !tree.childWatches.contains("/", session: 9))
    }
}
