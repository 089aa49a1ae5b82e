/// A znode's `Stat` as clients see it: the persisted fields plus `dataLength` and
/// `numChildren`, which the server derives when it copies the stat out.
public struct Stat: Hashable, Sendable {
    /// The zxid of the create.
    public var czxid: Zxid
    /// The zxid of the last setData (equal to `czxid` until the first one).
    public var mzxid: Zxid
    /// Leader's wall-clock ms at create / last setData (from the txn header).
    public var ctime: Int64
    public var mtime: Int64
    /// Number of setData calls; the conditional-write version.
    public var version: Int32
    /// Number of changes to the children: creates plus deletes. The server stores only the
    /// creates (`StatPersisted.cversion`, which names sequential nodes) and reports
    /// `2 * creates - numChildren`, since every create but the surviving children's was
    /// matched by a delete (`DataNode.copyStat`).
    public var cversion: Int32
    /// Number of setACL calls.
    public var aversion: Int32
    /// The owning session of an ephemeral node, 0 for a persistent one.
    public var ephemeralOwner: Int64
    public var dataLength: Int32
    public var numChildren: Int32
    /// The zxid of the last change to the children (create or delete of a child).
    public var pzxid: Zxid

    public init(czxid: Zxid = 0, mzxid: Zxid = 0, ctime: Int64 = 0, mtime: Int64 = 0, version: Int32 = 0,
                cversion: Int32 = 0, aversion: Int32 = 0, ephemeralOwner: Int64 = 0,
                dataLength: Int32 = 0, numChildren: Int32 = 0, pzxid: Zxid = 0) {
        self.czxid = czxid; self.mzxid = mzxid; self.ctime = ctime; self.mtime = mtime
        self.version = version; self.cversion = cversion; self.aversion = aversion
        self.ephemeralOwner = ephemeralOwner; self.dataLength = dataLength
        self.numChildren = numChildren; self.pzxid = pzxid
    }
}

/// `StatPersisted`: what the server stores per znode (and writes in snapshots). The derived
/// `dataLength` and `numChildren` are not stored.
public struct StatPersisted: Hashable, Sendable {
    public var czxid: Zxid = 0
    public var mzxid: Zxid = 0
    public var ctime: Int64 = 0
    public var mtime: Int64 = 0
    public var version: Int32 = 0
    public var cversion: Int32 = 0
    public var aversion: Int32 = 0
    public var ephemeralOwner: Int64 = 0
    public var pzxid: Zxid = 0

    public init() {}

    // Note: `cversion` here counts child creates only; delete leaves it alone.

    /// `DataTree.createStat`: a fresh node's stat, all three zxids equal to the create's.
    public init(createdAt zxid: Zxid, time: Int64, ephemeralOwner: Int64) {
        czxid = zxid; mzxid = zxid; pzxid = zxid; ctime = time; mtime = time
        self.ephemeralOwner = ephemeralOwner
    }

    /// The client-visible stat for a node with this much data and this many children
    /// (`DataNode.copyStat`): cversion becomes creates + deletes, and a container's marker
    /// owner reads as 0.
    public func stat(dataLength: Int, numChildren: Int) -> Stat {
        let owner = EphemeralType.of(ephemeralOwner) == .normal ? ephemeralOwner : 0
        return Stat(czxid: czxid, mzxid: mzxid, ctime: ctime, mtime: mtime, version: version,
                    cversion: cversion &* 2 &- Int32(numChildren), aversion: aversion, ephemeralOwner: owner,
                    dataLength: Int32(dataLength), numChildren: Int32(numChildren), pzxid: pzxid)
    }
}
