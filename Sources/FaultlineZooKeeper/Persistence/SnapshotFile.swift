/// A snapshot in the real `FileSnap` format (uncompressed, `zookeeper.snapshot.compression.method`
/// unset):
///
///     FileHeader(ZKSN, 2, dbid)
///     int session count, then per session: long id, int timeout      (SerializeUtils)
///     int ACL map size, then per entry: long key, vector<ACL>          (ReferenceCountedACLCache)
///     per node, parents first: ustring path ("" for the root), buffer data, long acl,
///         StatPersisted                                               (DataTree.serializeNode)
///     ustring "/"                                                     (end of nodes)
///     long Adler-32 of everything so far, ustring "/"                 (SnapStream.sealStream)
///     long zxid, int digestVersion, long digest                       (DataTree.ZxidDigest;
///                                                                      version 1: ustring hex)
///     long Adler-32 of everything so far, ustring "/"                 (second seal)
///
/// The file is named after the last zxid applied when the snapshot *started*; since the real
/// server keeps applying txns while it writes (a fuzzy snapshot), the content may be ahead
/// of the name, and replaying the log from that zxid on top is idempotent enough to fix it.
public struct SnapshotFile: Sendable {
    public var header: FileHeader
    /// Session id to negotiated timeout (ms).
    public var sessions: [Int64: Int32]
    public var tree: DataTree
    /// The digest trailer as read (nil if the file has none, as pre-3.6 snapshots).
    public var zxidDigest: ZxidDigest?

    /// `dbid` is -1 in every snapshot the real FileSnap writes (its `dbId` constant).
    public init(tree: DataTree, sessions: [Int64: Int32], dbid: Int64 = -1) {
        header = FileHeader(magic: FileHeader.snapMagic, dbid: dbid)
        self.sessions = sessions
        self.tree = tree
        zxidDigest = tree.lastProcessedZxidDigest
    }

    /// Serialises the snapshot (`FileSnap.serialize` with digests enabled, the 3.8 default).
    public func encode() -> [UInt8] {
        var w = JuteWriter(capacity: 4096)
        header.write(to: &w)
        Self.writeBody(tree: tree, sessions: sessions, to: &w)
        Self.seal(&w)
        let digest = zxidDigest ?? ZxidDigest(zxid: 0, digestVersion: DigestCalculator.digestVersion, digest: 0)
        w.writeLong(digest.zxid)
        w.writeInt(digest.digestVersion)
        w.writeLong(digest.digest)
        Self.seal(&w)
        return w.bytes
    }

    /// `SerializeUtils.serializeSnapshot`: the session map, then `DataTree.serialize` (ACL
    /// cache, nodes parents first, the "/" end marker). Snapshot files and SNAP sync share it.
    static func writeBody(tree: DataTree, sessions: [Int64: Int32], to w: inout JuteWriter) {
        w.writeInt(Int32(sessions.count))
        for id in sessions.keys.sorted() {
            w.writeLong(id)
            w.writeInt(sessions[id]!)
        }
        let acls = tree.aclCache.sortedEntries
        w.writeInt(Int32(acls.count))
        for entry in acls {
            w.writeLong(entry.key)
            TxnRecords.write(entry.acls, to: &w)
        }
        writeNode(tree, "/", to: &w)
        w.writeString("/")
    }

    private static func writeNode(_ tree: DataTree, _ path: String, to w: inout JuteWriter) {
        guard let node = tree.nodes[path] else { return }
        w.writeString(path == "/" ? "" : path)
        w.writeBuffer(node.data)
        w.writeLong(node.acl)
        write(node.stat, to: &w)
        for child in node.sortedChildren { writeNode(tree, DataTree.childPath(path, child), to: &w) }
    }

    /// `SerializeUtils.deserializeSnapshot` + `DataTree.deserialize`: reads what `writeBody` wrote.
    static func readBody(_ r: inout JuteReader, fileName: String) throws -> (sessions: [Int64: Int32], tree: PendingTree) {
        var sessions: [Int64: Int32] = [:]
        let count = try r.readInt("count")
        guard count >= 0 else { throw ZKFileError(file: fileName, "negative session count \(count)") }
        for _ in 0..<count {
            let id = try r.readLong("id")
            sessions[id] = try r.readInt("timeout")
        }
        let aclCount = try r.readInt("map")
        guard aclCount >= 0 else { throw ZKFileError(file: fileName, "negative ACL map size \(aclCount)") }
        var acls: [(key: Int64, acls: [ACL])] = []
        for _ in 0..<aclCount {
            let key = try r.readLong("long")
            acls.append((key, try TxnRecords.readACL(&r, "acls")))
        }
        var loaded: [(path: String, node: DataNode)] = []
        while true {
            let at = r.offset
            guard let path = try r.readString("path") else {
                throw ZKFileError(file: fileName, "null node path at byte \(at)")
            }
            if path == "/" { break }
            let data = try r.readBuffer("node.data") ?? []
            let acl = try r.readLong("node.acl")
            let stat = try readStat(&r)
            loaded.append((path.isEmpty ? "/" : path, DataNode(data: data, acl: acl, stat: stat)))
        }
        return (sessions, PendingTree(nodes: loaded, acls: acls))
    }

    /// Nodes and ACL entries read but not yet assembled into a tree.
    struct PendingTree {
        var nodes: [(path: String, node: DataNode)]
        var acls: [(key: Int64, acls: [ACL])]
        func build(lastProcessedZxid: Zxid, fileName: String) throws(ZKFileError) -> DataTree {
            try DataTree(snapshotNodes: nodes, acls: acls, lastProcessedZxid: lastProcessedZxid, fileName: fileName)
        }
    }

    static func write(_ s: StatPersisted, to w: inout JuteWriter) {
        w.writeLong(s.czxid); w.writeLong(s.mzxid); w.writeLong(s.ctime); w.writeLong(s.mtime)
        w.writeInt(s.version); w.writeInt(s.cversion); w.writeInt(s.aversion)
        w.writeLong(s.ephemeralOwner); w.writeLong(s.pzxid)
    }

    static func readStat(_ r: inout JuteReader) throws(JuteError) -> StatPersisted {
        var s = StatPersisted()
        s.czxid = try r.readLong("statpersisted.czxid"); s.mzxid = try r.readLong("statpersisted.mzxid")
        s.ctime = try r.readLong("statpersisted.ctime"); s.mtime = try r.readLong("statpersisted.mtime")
        s.version = try r.readInt("statpersisted.version"); s.cversion = try r.readInt("statpersisted.cversion")
        s.aversion = try r.readInt("statpersisted.aversion")
        s.ephemeralOwner = try r.readLong("statpersisted.ephemeralOwner"); s.pzxid = try r.readLong("statpersisted.pzxid")
        return s
    }

    /// `SnapStream.sealStream`: the running Adler-32, then "/".
    static func seal(_ w: inout JuteWriter) {
        w.writeLong(Int64(Adler32.checksum(w.bytes[...])))
        w.writeString("/")
    }

    /// `SnapStream.isValidSnapshot` for an uncompressed file: at least 10 bytes, ending in
    /// the "/" of a seal. The server skips snapshots that fail this and tries older ones.
    public static func looksComplete(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 10 && Array(bytes.suffix(5)) == [0, 0, 0, 1, 0x2F]
    }

    /// Reads a snapshot the way `FileSnap.deserialize` does, checking both seals. The tree's
    /// `lastProcessedZxid` becomes `snapshotZxid` (the file name's), as the server sets it.
    public static func decode(_ bytes: [UInt8], snapshotZxid: Zxid, fileName: String = "snapshot") throws(ZKFileError) -> SnapshotFile {
        var r = JuteReader(bytes)
        do {
            let header = try FileHeader.read(&r)
            guard header.magic == FileHeader.snapMagic else {
                throw ZKFileError(file: fileName, "mismatching magic headers 0x\(String(UInt32(bitPattern: header.magic), radix: 16)) != ZKSN (0x5a4b534e)")
            }
            let (sessions, pending) = try readBody(&r, fileName: fileName)
            try checkSeal(&r, bytes, fileName)
            var digest: ZxidDigest?
            if !r.atEnd {
                let zxid = try r.readLong("zxid")
                let version = try r.readInt("digestVersion")
                let value: Int64
                if version < 2 {
                    // Version 1 (3.6.0) wrote the digest as a hex string.
                    let text = try r.readString("digest") ?? "0"
                    guard let v = UInt64(text, radix: 16) else { throw ZKFileError(file: fileName, "digest \"\(text)\" is not hex") }
                    value = Int64(bitPattern: v)
                } else {
                    value = try r.readLong("digest")
                }
                digest = ZxidDigest(zxid: zxid, digestVersion: version, digest: value)
                try checkSeal(&r, bytes, fileName)
            }
            guard r.atEnd else { throw ZKFileError(file: fileName, "\(r.remaining) bytes after the last seal") }
            let tree = try pending.build(lastProcessedZxid: snapshotZxid, fileName: fileName)
            var snap = SnapshotFile(tree: tree, sessions: sessions, dbid: header.dbid)
            snap.header = header
            snap.zxidDigest = digest
            return snap
        } catch let error as ZKFileError {
            throw error
        } catch {
            throw ZKFileError(file: fileName, "\(error)")
        }
    }

    private static func checkSeal(_ r: inout JuteReader, _ bytes: [UInt8], _ fileName: String) throws(ZKFileError) {
        let expected = Int64(Adler32.checksum(bytes[..<r.position]))
        let at = r.offset
        let val: Int64
        let path: String?
        do throws(JuteError) {
            val = try r.readLong("val")
            path = try r.readString("path")
        } catch {
            throw ZKFileError(file: fileName, "truncated seal at byte \(at): \(error)")
        }
        guard val == expected, path == "/" else {
            throw ZKFileError(file: fileName, "CRC corruption at byte \(at): sealed 0x\(String(UInt64(bitPattern: val), radix: 16)), computed 0x\(String(expected, radix: 16))")
        }
    }
}
