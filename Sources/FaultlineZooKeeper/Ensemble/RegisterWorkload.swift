import FaultlineCore
import FaultlineHistory

/// A client workload over a few znodes used as compare-and-set registers: read the node
/// locally, then `setData(path, v+1, version)` conditional on the version read. Every
/// write keeps `data == version`, so ZooKeeper's version check is exactly a cas [v, v+1],
/// and the history (Jepsen's `cas-register`: `:f :cas`, value `[v v+1]`, per key) is what
/// a linearizability checker expects. Client 0 creates the nodes (`:f :write 0`).
/// Local reads are not recorded: ZooKeeper reads are sequentially consistent, not linearizable.
public final class RegisterWorkload: ZooKeeperClientProgram {
    public let keys: [String]
    public let creates: Bool
    public let thinkTime: ClosedRange<SimDuration>
    /// Stop issuing operations after this true time (the liveness phase may keep going).
    public var stopAt: SimTime
    /// Keys created so far, one at a time (a Jepsen process has one op in flight).
    var createdCount = 0
    var busy = false
    var pendingKey = ""
    var pendingVersion: Int32 = 0
    public private(set) var casOK = 0

    enum Tag: Int { case create = 1, read, cas }

    public init(keys: [String] = ["/r0", "/r1", "/r2"], creates: Bool,
                thinkTime: ClosedRange<SimDuration> = .milliseconds(20)...(.milliseconds(200)), stopAt: SimTime = .distantFuture) {
        self.keys = keys; self.creates = creates; self.thinkTime = thinkTime; self.stopAt = stopAt
    }

    /// Bumped at every connection state change: a think-time timer of an older connection
    /// must not start a second operation beside the current one.
    var epoch = 0

    public func stateChanged(_ state: KeeperState, _ client: ZooKeeperClient) {
        epoch += 1
        switch state {
        case .syncConnected:
            busy = false
            if creates && createdCount < keys.count { createNext(client); return }
            next(client)
        case .disconnected:
            busy = false
        case .expired:
            busy = false
            client.startNewSession()
        }
    }

    func createNext(_ client: ZooKeeperClient) {
        guard client.isConnected, !busy else { return }
        busy = true
        let k = keys[createdCount]
        client.submit(.create(path: k, data: Array("0".utf8), acl: ACL.openACLUnsafe, mode: .persistent), tag: Tag.create.rawValue,
                      history: HistoryTag(f: "write", key: k, value: .int(0)))
    }

    func next(_ client: ZooKeeperClient) {
        guard !busy, client.isConnected, client.historyTime < stopAt else { return }
        busy = true
        var r = client.random
        let d = r.duration(in: thinkTime)
        pendingKey = r.element(of: keys)!
        client.random = r
        client.setTimer(after: d, tag: epoch)
    }

    public func timerFired(tag: Int, _ client: ZooKeeperClient) {
        guard tag == epoch else { return }
        guard client.isConnected, busy else { busy = false; return }
        client.submit(.getData(path: pendingKey, watch: false), tag: Tag.read.rawValue)
    }

    public func completed(tag: Int, err: KeeperErrorCode, body: ReplyBody, _ client: ZooKeeperClient) {
        switch Tag(rawValue: tag)! {
        case .create:
            if err != .connectionLoss && err != .sessionExpired { createdCount += 1 }
            busy = false
            if createdCount < keys.count { createNext(client) } else { next(client) }
        case .read:
            guard err == .ok, case .data(let d, let stat) = body, let v = Int64(String(decoding: d, as: UTF8.self)) else { busy = false; next(client); return }
            pendingVersion = stat.version
            client.submit(.setData(path: pendingKey, data: Array(String(v + 1).utf8), version: stat.version), tag: Tag.cas.rawValue,
                          history: HistoryTag(f: "cas", key: pendingKey, value: .list([.int(v), .int(v + 1)])))
        case .cas:
            if err == .ok { casOK += 1 }
            busy = false
            next(client)
        }
    }

    public func watchTriggered(_ event: WatchedEvent, _ client: ZooKeeperClient) {}
}
