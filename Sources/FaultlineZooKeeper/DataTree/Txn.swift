/// The payload of a PROPOSAL and of a txn log entry: the records of
/// `org.apache.zookeeper.txn` (CreateTxn, DeleteTxn, SetDataTxn, ErrorTxn, MultiTxn ...).
///
/// A txn is deterministic: applying it to the same tree gives the same result on every
/// server. All checks were done by the leader's `RequestPreparer`; a failed check is
/// `.error(code)`, which changes nothing but still takes its zxid.
public indirect enum Txn: Hashable, Sendable {
    /// `CreateTxn`. `parentCVersion` is the parent's cversion after this create (-1 in a V0
    /// record: the tree then bumps whatever it has).
    case create(path: String, data: [UInt8], acl: [ACL], ephemeral: Bool, parentCVersion: Int32)
    /// `CreateContainerTxn` (read from real logs; the model does not create containers).
    case createContainer(path: String, data: [UInt8], acl: [ACL], parentCVersion: Int32)
    /// `CreateTTLTxn` (read from real logs).
    case createTTL(path: String, data: [UInt8], acl: [ACL], parentCVersion: Int32, ttl: Int64)
    case delete(path: String)
    /// `SetDataTxn`: `version` is the node's new version (old + 1), not the expected one.
    case setData(path: String, data: [UInt8], version: Int32)
    /// `SetACLTxn` (read from real logs; `version` is the new aversion).
    case setACL(path: String, acl: [ACL], version: Int32)
    /// `CheckVersionTxn` inside a multi: `version` is the checked version + 1.
    case check(path: String, version: Int32)
    /// `CreateSessionTxn`: the negotiated session timeout.
    case createSession(timeoutMs: Int32)
    /// `CloseSessionTxn`: the ephemerals the leader saw for the session (sorted here),
    /// which every server deletes. `nil` for a pre-3.6 record without the path list.
    case closeSession(pathsToDelete: [String]?)
    case error(KeeperErrorCode)
    /// `MultiTxn`: sub-txns each with its own type. On failure the sub-txns before the
    /// failing op keep their types, the failing one is `.error(code)` and the rest are
    /// `.error(.runtimeInconsistency)`.
    case multi([Txn])

    /// The `OpCode` this txn is recorded under (a multi sub-txn's `Txn.type`).
    public var opCode: OpCode {
        switch self {
        case .create: return .create
        case .createContainer: return .createContainer
        case .createTTL: return .createTTL
        case .delete: return .delete
        case .setData: return .setData
        case .setACL: return .setACL
        case .check: return .check
        case .createSession: return .createSession
        case .closeSession: return .closeSession
        case .error: return .error
        case .multi: return .multi
        }
    }
}
