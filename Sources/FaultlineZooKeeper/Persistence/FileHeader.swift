/// `org.apache.zookeeper.server.persistence.FileHeader`: the 16 bytes that open every txn
/// log and snapshot file: a magic number, the format version (2) and the database id.
public struct FileHeader: Hashable, Sendable {
    /// "ZKLG" as a big-endian int (`FileTxnLog.TXNLOG_MAGIC`).
    public static let txnLogMagic: Int32 = 0x5A4B_4C47
    /// "ZKSN" (`FileSnap.SNAP_MAGIC`).
    public static let snapMagic: Int32 = 0x5A4B_534E
    /// `FileTxnLog.VERSION` / `FileSnap.VERSION`; also the `version-2` directory name.
    public static let version: Int32 = 2
    public static let byteCount = 16

    public var magic: Int32
    public var version: Int32
    /// 0 in txn logs, -1 in snapshots (the constants FileTxnLog and FileSnap write).
    public var dbid: Int64

    public init(magic: Int32, version: Int32 = FileHeader.version, dbid: Int64 = 0) {
        self.magic = magic; self.version = version; self.dbid = dbid
    }

    public func write(to w: inout JuteWriter) {
        w.writeInt(magic); w.writeInt(version); w.writeLong(dbid)
    }

    public static func read(_ r: inout JuteReader) throws(JuteError) -> FileHeader {
        FileHeader(magic: try r.readInt("fileheader.magic"), version: try r.readInt("fileheader.version"),
                   dbid: try r.readLong("fileheader.dbid"))
    }
}

/// File names of the real data directory (`Util.makeLogName` / `makeSnapshotName`): the
/// prefix, a dot and the zxid in lower-case hex without padding, under `version-2/`.
public enum ZKFileNames {
    public static let versionDirectory = "version-2"
    public static let logPrefix = "log"
    public static let snapshotPrefix = "snapshot"

    public static func logName(_ zxid: Zxid) -> String { "\(logPrefix).\(ZxidUtils.hex(zxid))" }
    public static func snapshotName(_ zxid: Zxid) -> String { "\(snapshotPrefix).\(ZxidUtils.hex(zxid))" }

    /// `Util.getZxidFromName`: the zxid of `log.1a` or `snapshot.1a`, nil if the name is not
    /// one (other files in the directory are ignored, as the server ignores them).
    public static func zxid(fromName name: String, prefix: String) -> Zxid? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == prefix, let z = UInt64(parts[1], radix: 16) else { return nil }
        return Zxid(bitPattern: z)
    }
}
