/// One znode as the server holds it (`DataNode`): data, an index into the tree's ACL cache,
/// the persisted stat and the names of its children.
public struct DataNode: Hashable, Sendable {
    public var data: [UInt8]
    /// Key into `ReferenceCountedACLCache`; -1 is OPEN_ACL_UNSAFE without a cache entry.
    public var acl: Int64
    public var stat: StatPersisted
    /// Child names (not paths). A Set for O(1) membership; every output sorts it.
    public var children: Set<String>

    public init(data: [UInt8], acl: Int64, stat: StatPersisted, children: Set<String> = []) {
        self.data = data; self.acl = acl; self.stat = stat; self.children = children
    }

    /// The client-visible stat (`DataNode.copyStat`).
    public var clientStat: Stat { stat.stat(dataLength: data.count, numChildren: children.count) }

    /// Children sorted by name: the deterministic order getChildren and snapshots use.
    public var sortedChildren: [String] { children.sorted() }
}
