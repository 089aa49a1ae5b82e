/// `org.apache.zookeeper.txn.TxnHeader`: who asked (session and its cxid), the zxid the
/// leader assigned, the leader's wall-clock time in ms, and the `OpCode` of the txn.
public struct TxnHeader: Hashable, Sendable {
    /// The session id of the client that sent the request.
    public var clientId: Int64
    /// The client's request counter (`xid` in the request header).
    public var cxid: Int32
    public var zxid: Zxid
    /// Milliseconds since the epoch, taken by the leader: it becomes ctime/mtime.
    public var time: Int64
    /// The `OpCode` raw value (kept raw so any real log decodes, even with a code we lack).
    public var type: Int32

    public init(clientId: Int64, cxid: Int32, zxid: Zxid, time: Int64, type: Int32) {
        self.clientId = clientId; self.cxid = cxid; self.zxid = zxid; self.time = time; self.type = type
    }

    public init(clientId: Int64, cxid: Int32, zxid: Zxid, time: Int64, type: OpCode) {
        self.init(clientId: clientId, cxid: cxid, zxid: zxid, time: time, type: type.rawValue)
    }

    public var opCode: OpCode? { OpCode(rawValue: type) }
}
