/// `Watcher.Event.EventType`, with the numbers of `WatcherEvent.type` on the wire.
public enum WatchEventType: Int32, Hashable, Sendable, CaseIterable {
    case none = -1
    case nodeCreated = 1
    case nodeDeleted = 2
    case nodeDataChanged = 3
    case nodeChildrenChanged = 4
}

/// Which of a server's two watch tables a watch lives in. `getData` and `exists` set data
/// watches (exists even on a missing node, so it hears NodeCreated); `getChildren` sets child
/// watches. Both are one-shot: triggering removes them.
public enum WatchKind: Hashable, Sendable {
    case data
    case child
}

/// A notification the server owes one session: the event and the path, as a `WatcherEvent`
/// with state SyncConnected.
public struct WatchedEvent: Hashable, Sendable {
    /// The session whose watch fired (the server maps it to the client's connection).
    public var session: Int64
    public var type: WatchEventType
    public var path: String

    public init(session: Int64, type: WatchEventType, path: String) {
        self.session = session; self.type = type; self.path = path
    }
}
