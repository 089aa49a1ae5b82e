/// The payload of a SNAP sync: after the SNAP packet the leader streams
/// `ZKDatabase.serializeSnapshot` (session map and data tree, as in a snapshot file but with
/// no file header, seals or digest trailer) followed by the string "BenWasHere"; the learner
/// refuses the stream without that signature ("Missing signature").
public enum SnapSync {
    public static let signature = "BenWasHere"

    /// What `LearnerHandler` writes for a follower that needs the whole database.
    public static func encode(tree: DataTree, sessions: [Int64: Int32]) -> [UInt8] {
        var w = JuteWriter(capacity: 4096)
        SnapshotFile.writeBody(tree: tree, sessions: sessions, to: &w)
        w.writeString(signature)
        return w.bytes
    }

    /// What `Learner.syncWithLeader` reads; the tree's lastProcessedZxid becomes the SNAP
    /// packet's zxid, as `setlastProcessedZxid(qp.getZxid())` does.
    public static func decode(_ bytes: [UInt8], zxid: Zxid) throws(ZKFileError) -> (tree: DataTree, sessions: [Int64: Int32]) {
        let name = "SNAP payload"
        var r = JuteReader(bytes)
        do {
            let (sessions, pending) = try SnapshotFile.readBody(&r, fileName: name)
            let sig = try r.readString("signature")
            guard sig == signature else { throw ZKFileError(file: name, "Missing signature. Got \(sig ?? "null")") }
            guard r.atEnd else { throw ZKFileError(file: name, "\(r.remaining) bytes after the signature") }
            return (try pending.build(lastProcessedZxid: zxid, fileName: name), sessions)
        } catch let e as ZKFileError {
            throw e
        } catch {
            throw ZKFileError(file: name, "\(error)")
        }
    }
}
