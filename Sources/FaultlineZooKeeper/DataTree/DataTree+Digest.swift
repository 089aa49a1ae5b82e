/// `DigestCalculator` (digest version 2): a node's digest is the CRC-32 of its path, its data
/// and 60 bytes of stat; the tree digest is the wrapping sum over all nodes outside
/// `/zookeeper/`. Followers compare it with the leader's to catch divergence; snapshots
/// record it in their trailer.
public enum DigestCalculator {
    public static let digestVersion: Int32 = 2

    /// The digest of one node, 0 for the built-in `/zookeeper/` subtree.
    public static func digest(path: String, node: DataNode) -> Int64 {
        if path.hasPrefix("/zookeeper/") { return 0 }
        // "/" and "" are aliases in the real tree; the digest always uses "".
        let name = path == "/" ? "" : path
        var crc = CRC32()
        crc.update(Array(name.utf8))
        crc.update(node.data)
        var b: [UInt8] = []
        b.reserveCapacity(60)
        let s = node.stat
        for v in [s.czxid, s.mzxid, s.pzxid, s.ctime, s.mtime] { appendBigEndian(&b, v) }
        for v in [s.version, s.cversion, s.aversion] { appendBigEndian(&b, v) }
        appendBigEndian(&b, s.ephemeralOwner)
        assert(b.count == 60)
        crc.update(b)
        return Int64(crc.value)
    }

    private static func appendBigEndian<T: FixedWidthInteger>(_ b: inout [UInt8], _ v: T) {
        var x = v.bigEndian
        withUnsafeBytes(of: &x) { b.append(contentsOf: $0) }
    }
}

/// `DataTree.ZxidDigest`: the tree digest as of one zxid.
public struct ZxidDigest: Hashable, Sendable {
    public var zxid: Zxid
    public var digestVersion: Int32
    public var digest: Int64
    public init(zxid: Zxid, digestVersion: Int32, digest: Int64) {
        self.zxid = zxid; self.digestVersion = digestVersion; self.digest = digest
    }
}

extension DataTree {
    /// A stable digest of the content, for comparing servers: the real tree digest.
    public func digest() -> UInt64 { UInt64(bitPattern: treeDigest) }

    /// Recomputes the digest from scratch (tests and invariants compare it with the running one).
    public func recomputedDigest() -> Int64 {
        var sum: Int64 = 0
        for path in nodes.keys.sorted() { sum &+= DigestCalculator.digest(path: path, node: nodes[path]!) }
        return sum
    }
}
