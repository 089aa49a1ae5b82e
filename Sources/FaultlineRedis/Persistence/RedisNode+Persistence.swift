import FaultlineCore
import FaultlineStorage

/// AOF and snapshots (aof.c, rdb.c) through FaultlineStorage's engines.
///
/// appendfsync `always`: the reply to a write leaves only once its fsync completed
/// (Redis fsyncs in beforeSleep, before writing replies). `everysec`: a background fsync
/// once a second. `no`: never requested by Redis; the kernel's writeback is modelled as an
/// fsync every `kernelWritebackInterval`. The `save` points take a snapshot when enough
/// changes and seconds have passed. An I/O error is a finding (probe and note), as Redis
/// would log it and refuse writes; the fault model only injects them when asked to.
extension RedisNode {
    /// The kernel's dirty-page writeback for `appendfsync no` (dirty_expire_centisecs 3000).
    static let kernelWritebackInterval = SimDuration.seconds(30)

    var storageFsync: FaultlineStorage.AppendFsync {
        switch config.appendfsync {
        case .always: return .always
        case .everysec: return .everysec
        case .no: return .no
        }
    }

    /// loadDataFromDisk: the AOF if appendonly, else the newest snapshot, else nothing.
    func loadDataAtBoot(_ ctx: NodeContext<RedisMessage>) {
        guard let dir = dataDir else { return }
        let now = unixMs(ctx)
        do {
            if config.appendonly {
                let (file, result) = try AppendOnlyFile.open(disk: dir.disk, directory: dir.directory,
                                                               config: AppendOnlyFileConfig(appendfsync: storageFsync))
                aof = file
                for cmd in result.commands { RedisCommands.applyPropagated(cmd, to: &keyspace, nowMs: now) }
                for w in result.warnings { ctx.note(w) }
                if let p = result.initialization { startIO(p, .aof, ctx) }
            }
            snapshots = try SnapshotStore.open(disk: dir.disk, directory: dir.snapshotDirectory)
            if !config.appendonly, let snap = try snapshots!.loadNewest().snapshot {
                for v in try RESPReader.parseAll(snap.payload) {
                    guard case .array(let items?) = v else { continue }
                    let argv = items.compactMap { item -> [UInt8]? in if case .bulkString(let b?) = item { return b } else { return nil } }
                    RedisCommands.applyPropagated(argv, to: &keyspace, nowMs: now)
                }
            }
        } catch {
            ctx.probe("redis.load-error")
            ctx.note("Fatal error loading the DB: \(error). Exiting.")
        }
        ctx.probe(keyspace.count > 0 ? "redis.loaded-from-disk" : "redis.started-empty")
        ctx.note("DB loaded from \(config.appendonly ? "append only file" : "disk"): \(keyspace.count) keys")
    }

    /// Appends to the AOF; returns the mark a reply must wait for under `always`.
    @discardableResult
    func appendToAOF(_ commands: [[[UInt8]]], _ ctx: NodeContext<RedisMessage>) -> UInt64? {
        guard config.appendonly, let aof else { return nil }
        var mark: UInt64 = 0
        do {
            for cmd in commands { mark = try aof.append(cmd) }
            if config.appendfsync == .always, aof.shouldSync(now: ctx.historyTime), let p = try aof.requestSync(now: ctx.historyTime) {
                startIO(p, .aof, ctx)
            }
        } catch {
            ioError(error, ctx)
            return nil
        }
        return config.appendfsync == .always ? mark : nil
    }

    /// The once-a-second persistence duties of serverCron.
    func persistenceCron(_ ctx: NodeContext<RedisMessage>) {
        guard let dir = dataDir else { return }
        do {
            if let aof, !aof.rewriteInProgress {
                let writeback = config.appendfsync == .no && ctx.now - lastFsync >= RedisNode.kernelWritebackInterval
                if aof.shouldSync(now: ctx.historyTime) || writeback, let p = try aof.requestSync(now: ctx.historyTime) {
                    lastFsync = ctx.now
                    startIO(p, .aof, ctx)
                }
                if aof.appendedCount > RedisNode.aofRewriteCommandsMax {
                    startIO(try aof.beginRewrite(commands: keyspace.rewriteCommands(nowMs: unixMs(ctx))), .aof, ctx)
                    ctx.probe("redis.aof-rewrite")
                }
            }
            let elapsed = (ctx.now - lastSave).milliseconds / 1000
            if !snapshotInProgress, config.save.contains(where: { dirtySinceSave >= $0.changes && elapsed >= $0.seconds }) {
                saveSnapshot(keyspace.rewriteCommands(nowMs: unixMs(ctx)), ctx)
            }
            _ = dir
        } catch {
            ioError(error, ctx)
        }
    }

    /// BGSAVE: the dataset as RESP commands, saved atomically (temp file, fsync, rename).
    func saveSnapshot(_ commands: [[[UInt8]]], _ ctx: NodeContext<RedisMessage>) {
        guard let snapshots else { return }
        var payload: [UInt8] = []
        for c in commands { RESP.encodeCommand(c, into: &payload) }
        snapshotSequence += 1
        do {
            startIO(try snapshots.save(Snapshot(index: snapshotSequence, payload: payload)), .snapshot, ctx)
            snapshotInProgress = true
            dirtySinceSave = 0; lastSave = ctx.now
            ctx.probe("redis.bgsave")
        } catch {
            ioError(error, ctx)
        }
    }

    /// After a full sync the replica's dataset is the primary's: the received RDB becomes its
    /// snapshot (repl-diskless-load is off by default) and an AOF is rewritten from it.
    func persistAfterFullSync(_ commands: [[[UInt8]]], _ ctx: NodeContext<RedisMessage>) {
        guard dataDir != nil else { return }
        if !config.save.isEmpty && !snapshotInProgress { saveSnapshot(commands, ctx) }
        if let aof, !aof.rewriteInProgress {
            do { startIO(try aof.beginRewrite(commands: commands), .aof, ctx) } catch { ioError(error, ctx) }
        }
        dirtySinceSave = 0; lastSave = ctx.now
    }

    // MARK: I/O completions

    enum IOOwner { case aof, snapshot }

    func startIO(_ p: PendingSync, _ owner: IOOwner, _ ctx: NodeContext<RedisMessage>) {
        nextIOID += 1
        pendingIO.append((nextIOID, p, owner))
        precondition(pendingIO.count <= 10_000, "I/O in flight is bounded")
        ctx.afterIO(p.latency, .timer(.ioDone(nextIOID)))
    }

    func ioDone(_ id: UInt64, _ ctx: NodeContext<RedisMessage>) {
        guard let i = pendingIO.firstIndex(where: { $0.id == id }) else { return }
        let (_, p, owner) = pendingIO.remove(at: i)
        do {
            let step: SyncStep
            switch owner {
            case .aof: step = try aof!.complete(p)
            case .snapshot: step = try snapshots!.complete(p)
            }
            if case .next(let q) = step { startIO(q, owner, ctx) }
            else if owner == .snapshot { snapshotInProgress = false }
        } catch {
            if owner == .snapshot { snapshotInProgress = false }
            ioError(error, ctx)
        }
        if owner == .aof { releaseDurableReplies(ctx) }
    }

    /// Sends the replies whose writes are now durable (appendfsync always), in order.
    func releaseDurableReplies(_ ctx: NodeContext<RedisMessage>) {
        let durable = aof?.durableCount ?? UInt64.max
        while let first = heldReplies.first, first.mark <= durable {
            heldReplies.removeFirst()
            ctx.send(.reply(first.reply), to: first.client)
        }
    }

    func ioError(_ error: StorageError, _ ctx: NodeContext<RedisMessage>) {
        ctx.probe("redis.io-error")
        ctx.note("Error writing to disk: \(error)")
    }

    /// Bound on commands appended before an AOF rewrite (auto-aof-rewrite-percentage's role).
    static let aofRewriteCommandsMax: UInt64 = 100_000
}
