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
