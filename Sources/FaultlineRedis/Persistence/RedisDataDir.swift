import FaultlineCore

/// A node's data directory: what survives the process (appendonly.aof and dump.rdb).
///
/// It lives outside the actor, so a crash that discards the actor keeps it; `crash()` then
/// drops what never reached the disk, as the kernel's page cache would. The AOF is RESP
/// commands in effect form (what `CommandResult.propagate` gives). `appendfsync` decides when
/// written commands become durable: `always` before the reply, `everysec` on the next
/// background fsync, `no` when the kernel writes back (`pageCacheWriteback`, 30 s).
///
/// This is the model's own minimal disk until the `storage` branch's AOF engine and snapshot
/// store land; the node talks to it only through `append`, `fsync`, `saveSnapshot`, `load`.
public final class RedisDataDir {
    /// Commands in the AOF that reached the disk.
    public private(set) var aofDurable: [[[UInt8]]] = []
    /// Commands written to the AOF but still in the page cache.
    public private(set) var aofPageCache: [[[UInt8]]] = []
    /// The last snapshot (dump.rdb) that was written and fsynced.
    public private(set) var snapshot: [[[UInt8]]]?
    /// Bound on the AOF: a rewrite (BGREWRITEAOF) replaces it with the dataset's commands.
    public let aofCommandsMax = 100_000
    public init() {}

    /// write(2) of commands to the AOF.
    public func append(_ commands: [[[UInt8]]]) { aofPageCache += commands }
    /// fsync(2) of the AOF.
    public func fsync() { aofDurable += aofPageCache; aofPageCache.removeAll() }
    /// A snapshot was saved (BGSAVE's rename of temp-<pid>.rdb after its fsync).
    public func saveSnapshot(_ commands: [[[UInt8]]]) { snapshot = commands }
    /// AOF rewrite: the file is replaced by the commands that rebuild the dataset.
    public func rewriteAOF(_ commands: [[[UInt8]]]) { aofDurable = commands; aofPageCache.removeAll() }
    /// The process died: the page cache's part of the AOF is gone.
    public func crash() { aofPageCache.removeAll() }
    /// Every byte is gone (a new machine, a wiped volume).
    public func wipe() { aofDurable = []; aofPageCache = []; snapshot = nil }

    /// What a booting node loads: the AOF when appendonly is on (Redis prefers it), else the
    /// snapshot, else nothing.
    public func load(appendonly: Bool) -> [[[UInt8]]] {
        if appendonly { return aofDurable + aofPageCache }
        return snapshot ?? []
    }
}
