/// The `SetWatches` record a client sends first on every reconnect (unless
/// `zookeeper.disableAutoWatchReset` is set): the last zxid it saw and the paths of its
/// outstanding watches, which the new connection's server registers again. Watches live on
/// one server's connection, so without this a reconnect would silently drop them all.
public struct SetWatches: Hashable, Sendable {
    /// The reply header's xid for SetWatches (ClientCnxn.SET_WATCHES_XID).
    public static let xid: Int32 = -8

    /// Changes after this zxid fire at once instead of being waited for.
    public var relativeZxid: Zxid
    /// Paths of getData watches and of exists watches on nodes that existed, sorted.
    public var dataWatches: [String]
    /// Paths of exists watches on nodes that did not exist (waiting for NodeCreated), sorted.
    public var existWatches: [String]
    /// Paths of getChildren watches, sorted.
    public var childWatches: [String]

    public init(relativeZxid: Zxid, dataWatches: [String], existWatches: [String], childWatches: [String]) {
        self.relativeZxid = relativeZxid
        self.dataWatches = dataWatches; self.existWatches = existWatches; self.childWatches = childWatches
    }

    public var isEmpty: Bool { dataWatches.isEmpty && existWatches.isEmpty && childWatches.isEmpty }
}

extension DataTree {
    /// DataTree.setWatches: each watch is registered again, unless what it waits for has
    /// already happened since `relativeZxid`; then its event is returned to be sent at once
    /// (a data watch on a deleted node is NodeDeleted, on a node modified since is
    /// NodeDataChanged; an exist watch on a node that now exists is NodeCreated; a child
    /// watch on a deleted node is NodeDeleted, on one whose children changed is
    /// NodeChildrenChanged).
    public mutating func setWatches(_ w: SetWatches, session: Int64) -> [WatchedEvent] {
        var events: [WatchedEvent] = []
        /// A data or child watch: gone node → NodeDeleted; changed since → `changed`; else kept.
        func rewatch(_ path: String, _ kind: WatchKind, changedZxid: (Stat) -> Zxid, changed: WatchEventType) {
            guard let stat = exists(path) else {
                return events.append(WatchedEvent(session: session, type: .nodeDeleted, path: path))
            }
            if changedZxid(stat) > w.relativeZxid { events.append(WatchedEvent(session: session, type: changed, path: path)) }
            else { addWatch(path, session: session, kind: kind) }
        }
        for path in w.dataWatches { rewatch(path, .data, changedZxid: \.mzxid, changed: .nodeDataChanged) }
        for path in w.existWatches {
            if exists(path) != nil { events.append(WatchedEvent(session: session, type: .nodeCreated, path: path)) }
            else { addWatch(path, session: session, kind: .data) }
        }
        for path in w.childWatches { rewatch(path, .child, changedZxid: \.pzxid, changed: .nodeChildrenChanged) }
        return events
    }
}
