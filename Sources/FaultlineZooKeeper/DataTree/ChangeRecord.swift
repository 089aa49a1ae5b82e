/// `ZooKeeperServer.ChangeRecord`: what a proposed but not yet applied txn will make of one
/// path. The leader validates the next write against these, so two creates of one path in
/// flight cannot both succeed and sequential names never repeat.
public struct ChangeRecord: Hashable, Sendable {
    /// Identity, so a record is removed from the per-path index only if it is still the latest.
    var serial: Int64
    public var zxid: Zxid
    public var path: String
    /// nil: the path will not exist (deleted).
    public var stat: StatPersisted?
    public var childCount: Int
    public var acl: [ACL]
    public var data: [UInt8]
    /// `PrecalculatedDigest`: this path's node digest as the record leaves it (0 if deleted)
    /// and the whole tree's digest once this change and all before it are applied.
    public var nodeDigest: Int64 = 0
    public var treeDigest: Int64 = 0

    /// A copy for the next txn on the same path (`duplicate(zxid)`).
    func duplicate(zxid: Zxid, serial: Int64) -> ChangeRecord {
        var c = self
        c.zxid = zxid
        c.serial = serial
        return c
    }
}
