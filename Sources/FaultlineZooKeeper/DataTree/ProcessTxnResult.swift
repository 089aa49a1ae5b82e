/// `DataTree.ProcessTxnResult`: what applying one txn did, which the server turns into the
/// client's reply (FinalRequestProcessor) and into watch notifications.
public struct ProcessTxnResult: Hashable, Sendable {
    public var clientId: Int64
    public var cxid: Int32
    public var zxid: Zxid
    public var type: Int32
    /// `.ok`, or the error of an error txn / the first failing sub-txn of a multi.
    public var err: KeeperErrorCode
    /// The path the txn named (the final name for a sequential create).
    public var path: String?
    /// The node's stat after a create or setData.
    public var stat: Stat?
    /// One result per sub-txn of a multi (nil for other txns).
    public var multiResult: [ProcessTxnResult]?
    /// The one-shot watches this txn fired, in firing order (sessions ascending per trigger).
    public var watchEvents: [WatchedEvent]

    public init(clientId: Int64, cxid: Int32, zxid: Zxid, type: Int32, err: KeeperErrorCode = .ok,
                path: String? = nil, stat: Stat? = nil, multiResult: [ProcessTxnResult]? = nil,
                watchEvents: [WatchedEvent] = []) {
        self.clientId = clientId; self.cxid = cxid; self.zxid = zxid; self.type = type; self.err = err
        self.path = path; self.stat = stat; self.multiResult = multiResult; self.watchEvents = watchEvents
    }
}
