/// A client request as the server's request pipeline sees it (the decoded `CreateRequest`,
/// `DeleteRequest`, `SetDataRequest` ... records). Writes go through the leader's
/// `RequestPreparer` and become a `Txn`; reads are answered by the local `DataTree`.
public enum ZKRequest: Hashable, Sendable {
    case create(path: String, data: [UInt8], acl: [ACL], mode: CreateMode)
    /// `version` -1 matches any version.
    case delete(path: String, version: Int32)
    case setData(path: String, data: [UInt8], version: Int32)
    /// `CheckVersionRequest`: valid only inside a multi (alone it is refused with Unimplemented).
    case check(path: String, version: Int32)
    case getData(path: String, watch: Bool)
    case exists(path: String, watch: Bool)
    case getChildren(path: String, watch: Bool)
    /// One transaction: all the ops apply or none does. Ops are create, delete, setData, check.
    case multi([ZKRequest])
    /// Goes through the leader (so a follower catches up to it) but changes nothing.
    case sync(path: String)
    case createSession(timeoutMs: Int32)
    case closeSession
    /// SetWatches (OpCode 101, xid -8): a reconnecting client's outstanding watches, served
    /// locally like a read (FinalRequestProcessor → DataTree.setWatches).
    case setWatches(SetWatches)

    /// The `OpCode` of the request (create requests are `create`; `create2` replies are a
    /// client-side concern).
    public var opCode: OpCode {
        switch self {
        case .create: return .create
        case .delete: return .delete
        case .setData: return .setData
        case .check: return .check
        case .getData: return .getData
        case .exists: return .exists
        case .getChildren: return .getChildren
        case .multi: return .multi
        case .sync: return .sync
        case .createSession: return .createSession
        case .closeSession: return .closeSession
        case .setWatches: return .setWatches
        }
    }

    /// Whether the request becomes a txn (forwarded to the leader, proposed, logged).
    public var isWrite: Bool {
        switch self {
        case .create, .delete, .setData, .check, .multi, .createSession, .closeSession: return true
        case .getData, .exists, .getChildren, .sync, .setWatches: return false
        }
    }

    /// The path the request names, if it names one.
    public var path: String? {
        switch self {
        case .create(let p, _, _, _), .delete(let p, _), .setData(let p, _, _), .check(let p, _),
             .getData(let p, _), .exists(let p, _), .getChildren(let p, _), .sync(let p):
            return p
        case .multi, .createSession, .closeSession, .setWatches: return nil
        }
    }
}
