/// The answer to a read served from the local tree.
public enum ReadResult: Hashable, Sendable {
    case data([UInt8], Stat)
    case stat(Stat)
    case children([String], Stat)
    case error(KeeperErrorCode)
}

extension DataTree {
    /// `getData` without a watch.
    public func getData(_ path: String) -> Result<([UInt8], Stat), KeeperErrorCode> {
        guard let node = nodes[path] else { return .failure(.noNode) }
        return .success((node.data, node.clientStat))
    }

    /// `exists` (`statNode`) without a watch: nil when the node is absent.
    public func exists(_ path: String) -> Stat? { nodes[path]?.clientStat }

    /// `getChildren2` without a watch: child names sorted, and the parent's stat.
    public func getChildren(_ path: String) -> Result<([String], Stat), KeeperErrorCode> {
        guard let node = nodes[path] else { return .failure(.noNode) }
        return .success((node.sortedChildren, node.clientStat))
    }

    /// Serves a read request for `session`, setting the watch it asks for the way the real
    /// server does: getData and getChildren set none on a missing node (NoNode), exists sets
    /// a data watch either way so the client hears NodeCreated.
    public mutating func read(_ request: ZKRequest, session: Int64) -> ReadResult {
        switch request {
        case let .getData(path, watch):
            guard let node = nodes[path] else { return .error(.noNode) }
            if watch { dataWatches.addWatch(path, session: session) }
            return .data(node.data, node.clientStat)
        case let .exists(path, watch):
            if watch { dataWatches.addWatch(path, session: session) }
            guard let node = nodes[path] else { return .error(.noNode) }
            return .stat(node.clientStat)
        case let .getChildren(path, watch):
            guard let node = nodes[path] else { return .error(.noNode) }
            if watch { childWatches.addWatch(path, session: session) }
            return .children(node.sortedChildren, node.clientStat)
        default:
            // Writes go through the leader and sync through the pipeline; neither is a read.
            return .error(.unimplemented)
        }
    }

    /// Registers a one-shot watch directly (SetWatches after a reconnect re-adds them).
    public mutating func addWatch(_ path: String, session: Int64, kind: WatchKind) {
        switch kind {
        case .data: dataWatches.addWatch(path, session: session)
        case .child: childWatches.addWatch(path, session: session)
        }
    }

    /// Drops all of a session's watches on this server (its connection went away).
    public mutating func removeWatches(session: Int64) {
        dataWatches.removeWatches(session: session)
        childWatches.removeWatches(session: session)
    }

    /// The ephemeral nodes a session owns, sorted.
    public func ephemerals(of session: Int64) -> [String] {
        (ephemeralsBySession[session] ?? []).sorted()
    }

    /// Sessions that own at least one ephemeral node, ascending.
    public var sessionsWithEphemerals: [Int64] { ephemeralsBySession.keys.sorted() }

    /// All paths, sorted (for dumps and comparisons).
    public var sortedPaths: [String] { nodes.keys.sorted() }
}
