/// A ZooKeeper transaction id: the leader's epoch in the high 32 bits, a counter in the low 32.
///
/// Every write the leader proposes gets the next zxid, failed writes included (they become
/// error txns), so zxids have no gaps within an epoch.
public typealias Zxid = Int64

/// Building and splitting zxids the way `ZxidUtils` does.
public enum ZxidUtils {
    /// The zxid `epoch << 32 | counter`.
    @inlinable public static func make(epoch: Int64, counter: Int64) -> Zxid {
        precondition(epoch >= 0 && epoch <= Int64(UInt32.max), "epoch out of range")
        precondition(counter >= 0 && counter <= Int64(UInt32.max), "counter out of range")
        return (epoch << 32) | counter
    }
    @inlinable public static func epoch(of zxid: Zxid) -> Int64 { zxid >> 32 }
    @inlinable public static func counter(of zxid: Zxid) -> Int64 { zxid & 0xffff_ffff }
    /// `0x1_0000_0003` style rendering, as the server logs and file names show zxids.
    public static func hex(_ zxid: Zxid) -> String { String(UInt64(bitPattern: zxid), radix: 16) }
}

/// The request and transaction type codes of `ZooDefs.OpCode`, with their real numbers: they
/// appear in `TxnHeader.type` on disk and in the multi sub-txn records.
public enum OpCode: Int32, Hashable, Sendable, CaseIterable {
    case notification = 0, create = 1, delete = 2, exists = 3, getData = 4, setData = 5
    case getACL = 6, setACL = 7, getChildren = 8, sync = 9, ping = 11, getChildren2 = 12
    case check = 13, multi = 14, create2 = 15, reconfig = 16, checkWatches = 17
    case removeWatches = 18, createContainer = 19, deleteContainer = 20, createTTL = 21
    case multiRead = 22, auth = 100, setWatches = 101, sasl = 102, getEphemerals = 103
    case getAllChildrenNumber = 104, setWatches2 = 105, addWatch = 106, whoAmI = 107
    case createSession = -10, closeSession = -11, error = -1
}
