import FaultlineCore

/// One server's dataDir: the `acceptedEpoch` and `currentEpoch` files, the txn log and the
/// last snapshot. It lives outside the actor, so it survives a crash; `crash()` drops what
/// was appended but never fsynced, as a page cache would.
///
/// Stands in for the storage branch's SimDisk + zk-datatree's on-disk log until they land;
/// the durability rules are the same: an entry is durable only once an fsync that started
/// after it was appended has completed.
public final class ZKDataDir {
    public struct LogEntry: Hashable, Sendable {
        public var header: TxnHeader
        public var txn: Txn
        public var zxid: Zxid { header.zxid }
    }
    public struct Snapshot: Sendable {
        public var zxid: Zxid
        public var tree: DataTree
        public var sessions: [SessionTouch]
        /// Position in the applied-txn chain the snapshot stands for (observers only).
        public var chainCount: Int
        public var chainHash: UInt64
    }

    /// QuorumPeer writes these with an atomic rename and fsync: durable at once.
    public private(set) var acceptedEpoch: Int64 = 0
    public private(set) var currentEpoch: Int64 = 0
    public private(set) var log: [LogEntry] = []
    /// Entries of `log` that are on stable storage.
    public private(set) var durableCount = 0
    public private(set) var snapshot: Snapshot?
    /// Bumped whenever the log is rewritten (TRUNC, SNAP): fsyncs started before are stale.
    public private(set) var generation = 0

    public init() {}

    public var lastLoggedZxid: Zxid { log.last?.zxid ?? snapshot?.zxid ?? 0 }

    public func writeAcceptedEpoch(_ e: Int64) { precondition(e >= acceptedEpoch, "acceptedEpoch only grows"); acceptedEpoch = e }
    public func writeCurrentEpoch(_ e: Int64) { precondition(e >= currentEpoch, "currentEpoch only grows"); currentEpoch = e }

    /// FileTxnLog.append: in the page cache until the next fsync.
    public func append(_ e: LogEntry) {
        precondition(e.zxid > lastLoggedZxid, "txn log zxids increase: \(ZxidUtils.hex(e.zxid)) after \(ZxidUtils.hex(lastLoggedZxid))")
        log.append(e)
    }

    /// An fsync that covered the first `count` entries of generation `gen` completed.
    public func fsyncCompleted(generation gen: Int, count: Int) {
        guard gen == generation else { return }
        durableCount = max(durableCount, min(count, log.count))
    }

    /// FileTxnSnapLog.truncateLog: drops every entry after `zxid`, on disk at once.
    public func truncate(after zxid: Zxid) {
        log.removeAll { $0.zxid > zxid }
        durableCount = min(durableCount, log.count)
        generation += 1
    }

    /// A snapshot taken by SNAP sync replaces the log (synced before NEWLEADER is acked).
    public func install(_ snap: Snapshot) {
        snapshot = snap
        log.removeAll()
        durableCount = 0
        generation += 1
    }

    /// The process died: unsynced appends are gone.
    public func crash() {
        if log.count > durableCount { log.removeLast(log.count - durableCount) }
        generation += 1
    }

    public func checkInvariants() {
        precondition(durableCount <= log.count)
        for i in log.indices.dropFirst() { precondition(log[i - 1].zxid < log[i].zxid, "log out of order") }
        precondition(currentEpoch <= acceptedEpoch, "currentEpoch \(currentEpoch) ahead of acceptedEpoch \(acceptedEpoch)")
    }
}
