import FaultlineCore

/// AOF and snapshots (aof.c, rdb.c) over the node's `RedisDataDir`.
///
/// appendfsync `always` fsyncs before the reply leaves (flushAppendOnlyFile runs in
/// beforeSleep, ahead of the writes to clients); `everysec` fsyncs once a second in the
/// background; `no` leaves it to the kernel's writeback (`kernelWritebackInterval`). The
/// `save` points take a snapshot when enough changes and seconds have passed.
extension RedisNode {
    /// The kernel's dirty-page writeback for `appendfsync no` (dirty_expire_centisecs 3000).
    static let kernelWritebackInterval = SimDuration.seconds(30)

    /// loadDataFromDisk: the AOF if appendonly, else dump.rdb, else an empty dataset.
    func loadDataAtBoot(_ ctx: NodeContext<RedisMessage>) {
        guard let dir = dataDir else { return }
        let commands = dir.load(appendonly: config.appendonly)
        let now = unixMs(ctx)
        for cmd in commands { RedisCommands.applyPropagated(cmd, to: &keyspace, nowMs: now) }
        if !commands.isEmpty { ctx.probe("redis.loaded-from-disk") } else { ctx.probe("redis.started-empty") }
        ctx.note("DB loaded from \(config.appendonly ? "append only file" : "disk"): \(keyspace.count) keys")
    }

    func appendToAOF(_ commands: [[[UInt8]]], _ ctx: NodeContext<RedisMessage>) {
        guard config.appendonly, let dir = dataDir else { return }
        dir.append(commands)
        if config.appendfsync == .always { dir.fsync() }
        if dir.aofDurable.count + dir.aofPageCache.count > dir.aofCommandsMax {
            // BGREWRITEAOF when the file outgrows its bound (auto-aof-rewrite).
            dir.fsync()
            dir.rewriteAOF(keyspace.rewriteCommands(nowMs: unixMs(ctx)))
            ctx.probe("redis.aof-rewrite")
        }
    }

    /// The once-a-second persistence duties of serverCron.
    func persistenceCron(_ ctx: NodeContext<RedisMessage>) {
        guard let dir = dataDir else { return }
        if config.appendonly {
            let interval: SimDuration? = config.appendfsync == .everysec ? .seconds(1)
                : config.appendfsync == .no ? RedisNode.kernelWritebackInterval : nil
            if let interval, ctx.now - lastFsync >= interval {
                dir.fsync(); lastFsync = ctx.now
            }
        }
        let elapsed = (ctx.now - lastSave).milliseconds / 1000
        if config.save.contains(where: { dirtySinceSave >= $0.changes && elapsed >= $0.seconds }) {
            dir.saveSnapshot(keyspace.rewriteCommands(nowMs: unixMs(ctx)))
            dirtySinceSave = 0; lastSave = ctx.now
            ctx.probe("redis.bgsave")
        }
    }

    /// After a full sync the replica's dataset is the primary's: the received RDB is its
    /// dump.rdb (repl-diskless-load is off by default), and an AOF is rewritten from it.
    func persistAfterFullSync(_ commands: [[[UInt8]]], _ ctx: NodeContext<RedisMessage>) {
        guard let dir = dataDir else { return }
        if !config.save.isEmpty { dir.saveSnapshot(commands) }
        if config.appendonly { dir.rewriteAOF(commands) }
        dirtySinceSave = 0; lastSave = ctx.now
    }
}
