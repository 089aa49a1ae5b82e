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
