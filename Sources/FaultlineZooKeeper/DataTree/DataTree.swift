/// The in-memory znode tree of one server (`DataTree`): nodes by path, the ephemerals of
/// each session, the ACL cache, two watch tables and the running tree digest.
///
/// It changes only by `processTxn`, in zxid order, so every server that applied the same
/// committed txns holds the same tree (compare with `digest()`). Like the real tree it starts
/// with `/zookeeper`, `/zookeeper/quota` and `/zookeeper/config`.
public struct DataTree: Sendable {
    /// The built-in subtree that digests skip and clients may not delete.
    public static let procZookeeper = "/zookeeper"
    public static let quotaZookeeper = "/zookeeper/quota"
    public static let configZookeeper = "/zookeeper/config"

    /// Nodes by full path; the root is "/" (the real tree's alias "" is used on disk only).
    public internal(set) var nodes: [String: DataNode] = [:]
    /// Paths of ephemeral nodes per owning session.
    public internal(set) var ephemeralsBySession: [Int64: Set<String>] = [:]
    public internal(set) var aclCache = ReferenceCountedACLCache()
    public internal(set) var dataWatches = WatchManager()
    public internal(set) var childWatches = WatchManager()
    /// The highest zxid applied (a whole multi counts once, after all its sub-txns).
    public internal(set) var lastProcessedZxid: Zxid = 0
    /// `NodeHashMapImpl`'s AdHash: the wrapping sum of every node's CRC-32 digest.
    public internal(set) var treeDigest: Int64 = 0
    /// The digest after `lastProcessedZxid` (what a snapshot's trailer records).
    public internal(set) var lastProcessedZxidDigest: ZxidDigest?

    public init() {
        insertNode("/", DataNode(data: [], acl: ReferenceCountedACLCache.openUnsafeACLId, stat: StatPersisted()))
        nodes["/"]!.children.insert("zookeeper")
        insertNode(Self.procZookeeper, DataNode(data: [], acl: -1, stat: StatPersisted(), children: ["quota", "config"]))
        insertNode(Self.quotaZookeeper, DataNode(data: [], acl: -1, stat: StatPersisted()))
        insertNode(Self.configZookeeper, DataNode(data: [], acl: -1, stat: StatPersisted()))
        // As the real tree does: /zookeeper/config is world-readable only (ZOOKEEPER-2014),
        // set through setACL with version -1, so its aversion is -1 and the cache holds one entry.
        _ = try? setACL(Self.configZookeeper, acl: ACL.readACLUnsafe, version: -1)
    }

    /// An empty tree with no nodes at all, for loading a snapshot into.
    init(empty: Void) {}

    public var nodeCount: Int { nodes.count }

    /// Splits "/a/b" into ("/a", "b") and "/a" into ("/", "a"); nil for "/" or a bad path.
    public static func parentAndChild(_ path: String) -> (parent: String, child: String)? {
        guard path.count > 1, let slash = path.lastIndex(of: "/") else { return nil }
        let child = String(path[path.index(after: slash)...])
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        return (parent, child)
    }

    /// The path a child gets under `parent`.
    public static func childPath(_ parent: String, _ child: String) -> String {
        parent == "/" ? "/" + child : parent + "/" + child
    }

    // MARK: node map with digest upkeep (NodeHashMapImpl)

    mutating func insertNode(_ path: String, _ node: DataNode) {
        if let old = nodes[path] { treeDigest &-= DigestCalculator.digest(path: path, node: old) }
        nodes[path] = node
        treeDigest &+= DigestCalculator.digest(path: path, node: node)
    }

    mutating func removeNode(_ path: String) -> DataNode? {
        guard let old = nodes.removeValue(forKey: path) else { return nil }
        treeDigest &-= DigestCalculator.digest(path: path, node: old)
        return old
    }

    /// Changes a node in place, keeping the digest right (`preChange` / `postChange`).
    /// Mutates through the dictionary's in-place accessor, so a parent's children set is
    /// not copied on every create (which would make a large directory quadratic).
    mutating func changeNode(_ path: String, _ body: (inout DataNode) -> Void) {
        precondition(nodes[path] != nil, "changeNode on missing \(path)")
        treeDigest &-= DigestCalculator.digest(path: path, node: nodes[path]!)
        body(&nodes[path]!)
        treeDigest &+= DigestCalculator.digest(path: path, node: nodes[path]!)
    }

    // MARK: the mutations processTxn uses (DataTree.createNode / deleteNode / setData / setACL)

    mutating func createNode(_ path: String, data: [UInt8], acl: [ACL], ephemeralOwner: Int64,
                             parentCVersion: Int32, zxid: Zxid, time: Int64,
                             events: inout [WatchedEvent]) throws(KeeperErrorCode) -> Stat {
        guard let (parentPath, childName) = Self.parentAndChild(path), let exists = nodes[parentPath]?.children.contains(childName) else {
            throw .noNode
        }
        if exists { throw .nodeExists }
        let aclKey = aclCache.convertAcls(acl)
        changeNode(parentPath) { p in
            let cversion = parentCVersion == -1 ? p.stat.cversion + 1 : parentCVersion
            if cversion > p.stat.cversion {
                p.stat.cversion = cversion
                p.stat.pzxid = zxid
            }
            p.children.insert(childName)
        }
        let child = DataNode(data: data, acl: aclKey, stat: StatPersisted(createdAt: zxid, time: time, ephemeralOwner: ephemeralOwner))
        insertNode(path, child)
        if ephemeralOwner != 0 && EphemeralType.of(ephemeralOwner) == .normal {
            ephemeralsBySession[ephemeralOwner, default: []].insert(path)
        }
        fire(&events, dataWatches.triggerWatch(path), .nodeCreated, path)
        fire(&events, childWatches.triggerWatch(parentPath), .nodeChildrenChanged, parentPath)
        return child.clientStat
    }

    mutating func deleteNode(_ path: String, zxid: Zxid, events: inout [WatchedEvent]) throws(KeeperErrorCode) {
        guard let (parentPath, childName) = Self.parentAndChild(path), nodes[parentPath] != nil else {
            throw .noNode
        }
        changeNode(parentPath) { p in
            p.children.remove(childName)
            if zxid > p.stat.pzxid { p.stat.pzxid = zxid }
        }
        guard let node = removeNode(path) else { throw .noNode }
        aclCache.removeUsage(node.acl)
        let owner = node.stat.ephemeralOwner
        if owner != 0 && EphemeralType.of(owner) == .normal {
            ephemeralsBySession[owner]?.remove(path)
            if ephemeralsBySession[owner]?.isEmpty == true { ephemeralsBySession[owner] = nil }
        }
        // A session watching both data and children of the path hears NodeDeleted once.
        let dataWatchers = dataWatches.triggerWatch(path)
        fire(&events, dataWatchers, .nodeDeleted, path)
        let childWatchers = childWatches.triggerWatch(path).filter { !dataWatchers.contains($0) }
        fire(&events, childWatchers, .nodeDeleted, path)
        fire(&events, childWatches.triggerWatch(parentPath), .nodeChildrenChanged, parentPath)
    }

    mutating func setData(_ path: String, data: [UInt8], version: Int32, zxid: Zxid, time: Int64,
                          events: inout [WatchedEvent]) throws(KeeperErrorCode) -> Stat {
        guard nodes[path] != nil else { throw .noNode }
        changeNode(path) { n in
            n.data = data
            n.stat.mtime = time
            n.stat.mzxid = zxid
            n.stat.version = version
        }
        fire(&events, dataWatches.triggerWatch(path), .nodeDataChanged, path)
        return nodes[path]!.clientStat
    }

    @discardableResult
    mutating func setACL(_ path: String, acl: [ACL], version: Int32) throws(KeeperErrorCode) -> Stat {
        guard let oldACL = nodes[path]?.acl else { throw .noNode }
        aclCache.removeUsage(oldACL)
        let key = aclCache.convertAcls(acl)
        changeNode(path) { n in
            n.stat.aversion = version
            n.acl = key
        }
        return nodes[path]!.clientStat
    }

    /// `setCversionPzxid`: the replay fix-up for a create that finds its node already there
    /// (a fuzzy snapshot caught it), so the parent still ends with the txn's cversion.
    mutating func setCversionPzxid(_ path: String, newCversion: Int32, zxid: Zxid) throws(KeeperErrorCode) {
        guard let node = nodes[path] else { throw .noNode }
        let cversion = newCversion == -1 ? node.stat.cversion + 1 : newCversion
        if cversion > node.stat.cversion {
            changeNode(path) { n in
                n.stat.cversion = cversion
                n.stat.pzxid = zxid
            }
        }
    }

    private func fire(_ events: inout [WatchedEvent], _ sessions: [Int64], _ type: WatchEventType, _ path: String) {
        for session in sessions { events.append(WatchedEvent(session: session, type: type, path: path)) }
    }
}
