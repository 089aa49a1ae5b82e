import FaultlineCore
import FaultlineStorage

/// redis.conf on the node's disk (config.c): CONFIG REWRITE writes it, the next start reads it.
extension RedisNode {
    /// CONFIG REWRITE: the running configuration, `replicaof` included, replaces redis.conf
    /// synchronously (temporary file, fsync, rename, directory fsync, as 7.0 does) before the
    /// reply. Sentinel depends on it: without it a promoted replica that restarts would
    /// follow its old primary again.
    func configRewrite(_ ctx: NodeContext<RedisMessage>) -> RESPValue {
        guard let dir = dataDir else { return .error("ERR The server is running without a config file") }
        let file = RedisConfFile(config: config, replicaOf: masterLink.map { .init(host: $0.host, port: $0.port) })
        do {
            let conf = try CheckpointFile.open(disk: dir.disk, path: dir.confPath, temporaryPath: dir.confTemporaryPath, framing: .raw)
            try conf.writeNow(Array(file.rendered().utf8))
        } catch {
            ctx.probe("redis.config-rewrite-failed")
            ctx.note("CONFIG REWRITE failed: \(error)")
            return .error("ERR Rewriting config file: \(error)")
        }
        ctx.probe(file.replicaOf == nil ? "redis.config-rewritten-as-primary" : "redis.config-rewritten-as-replica")
        return .simpleString("OK")
    }

    /// loadServerConfig: the redis.conf on the node's disk (the one the cluster was
    /// provisioned with, or what a CONFIG REWRITE left) decides the settings and the
    /// `replicaof` of this start; without one the node starts as it was built. Real Redis exits on a config file it cannot read; the model notes the fatal
    /// error and keeps the settings it was built with (as it does for a DB it cannot load).
    func loadConfigFileAtBoot(_ ctx: NodeContext<RedisMessage>) {
        guard let dir = dataDir, dir.disk.exists(dir.confPath) else { return }
        do {
            let conf = try CheckpointFile.open(disk: dir.disk, path: dir.confPath, temporaryPath: dir.confTemporaryPath, framing: .raw)
            let file = try RedisConfFile.parse(conf.text ?? "", path: dir.confPath)
            config = file.config
            configuredMaster = file.replicaOf.map { ($0.host, $0.port) }
            ctx.probe(configuredMaster == nil ? "redis.config-file-primary-at-boot" : "redis.config-file-replica-at-boot")
        } catch {
            ctx.probe("redis.config-file-error")
            ctx.note("*** FATAL CONFIG FILE ERROR *** \(error)")
        }
    }
}
