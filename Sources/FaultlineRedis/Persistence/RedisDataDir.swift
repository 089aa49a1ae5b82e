import FaultlineCore
import FaultlineStorage

/// A node's `dir`: the simulated disk its AOF (Redis 7's multi-part `appendonlydir`) and
/// its RDB snapshot (`dump.rdb`) live on. It outlives the process: a crash discards the actor and calls
/// `crash()`, which drops what was never fsynced, torn writes included when the disk's
/// fault model says so. The engines on it (FaultlineStorage's `AppendOnlyFile`, and a
/// `CheckpointFile` holding the RDB) are opened by each incarnation of the node at boot.
public final class RedisDataDir {
    public let disk: SimDisk
    /// Redis's `dir`: the disk's root, so under `run --data-dir` it is DIR/<node>/ itself.
    public let directory = ""
    /// `dbfilename` (default dump.rdb), in `dir`.
    public var rdbPath: String { DiskPath.join(directory, "dump.rdb") }
    /// Where a save writes before the rename: rdbSave's `temp-<pid>.rdb`, with the pid of the
    /// BGSAVE child, which the model does not have.
    public var rdbTemporaryPath: String { DiskPath.join(directory, "temp-0.rdb") }
    /// The node's redis.conf, which CONFIG REWRITE replaces. Real deployments keep it
    /// wherever redis-server was pointed at (often /etc/redis); the model keeps it on the
    /// node's own disk, next to its data, so it survives a crash as the real one does.
    public var confPath: String { DiskPath.join(directory, "redis.conf") }
    /// rewriteConfigOverwriteFile writes a mkstemp file `redis.conf.XXXXXX` beside it,
    /// fsyncs it and renames it over; the model gives that file a fixed name.
    public var confTemporaryPath: String { DiskPath.join(directory, "redis.conf.tmp") }

    public init(disk: SimDisk) { self.disk = disk }
    /// A healthy disk drawing its latencies from the stream `disk/<name>` of `seed`.
    public convenience init(seed: UInt64, name: String, faults: SimDisk.Faults = .none) {
        self.init(disk: SimDisk(random: SeededRandom(seed: seed, stream: "disk/" + name), faults: faults))
    }

    /// Provisioning: puts the redis.conf a deployment starts from (the node's settings and,
    /// on a replica, its `replicaof`) on the disk before the run, durable and untouched by
    /// the disk's fault model, which applies from the first boot on. redis.conf holds whole
    /// seconds, as Redis does: a setting with a fraction of a second would not survive it.
    public func install(_ conf: RedisConfFile) {
        assert((try? RedisConfFile.parse(conf.rendered(), path: confPath)) == conf, "the settings fit redis.conf")
        let faults = disk.faults
        disk.faults = .none
        defer { disk.faults = faults }
        do {
            let file = try CheckpointFile.open(disk: disk, path: confPath, temporaryPath: confTemporaryPath, framing: .raw)
            try file.writeNow(Array(conf.rendered(header: "# redis.conf as the cluster was provisioned").utf8))
        } catch {
            preconditionFailure("a fault-free disk takes redis.conf: \(error)")
        }
    }

    /// The process died: unsynced data is gone.
    public func crash() { disk.crash() }
}
