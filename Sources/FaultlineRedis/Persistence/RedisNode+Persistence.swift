import FaultlineCore
import FaultlineStorage

/// AOF and RDB snapshots (aof.c, rdb.c) on the node's simulated disk.
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

    /// loadDataFromDisk: the AOF if appendonly, else dump.rdb, else nothing. A replica that
    /// loads an RDB holding replication info takes its replid and offset and caches itself
    /// as its master (replicationCacheMasterUsingMyself), so it can PSYNC from where the file
    /// left off. A primary leaves out keys already expired; a replica keeps them for its
    /// primary to expire.
    func loadDataAtBoot(_ ctx: NodeContext<RedisMessage>) {
        guard let dir = dataDir else { return }
        let now = unixMs(ctx)
        do {
            if config.appendonly {
                let empty = RedisKeyspace()
                let (file, result) = try AppendOnlyFile.open(disk: dir.disk, directory: dir.directory,
                                                               config: AppendOnlyFileConfig(appendfsync: storageFsync),
                                                               initialBase: aofRewriteBase(empty, ctx))
                aof = file
                if let base = result.rdbBase {
                    // An RDB preamble loads every key, expired or not (RDBFLAGS_AOF_PREAMBLE).
                    let path = DiskPath.join(file.aofDirectory, file.manifest.base?.name ?? "base")
                    for e in try RDBFile.decode(base, path: path).entries { load(e) }
                }
                for cmd in result.commands { RedisCommands.applyPropagated(cmd, to: &keyspace, nowMs: now) }
                for w in result.warnings { ctx.note(w) }
                if let p = result.initialization { startIO(p, .aof, ctx) }
            }
            rdb = try CheckpointFile.open(disk: dir.disk, path: dir.rdbPath, temporaryPath: dir.rdbTemporaryPath, framing: .raw)
            if !config.appendonly, let bytes = rdb!.content {
                let file = try RDBFile.decode(bytes, path: dir.rdbPath)
                let isPrimary = configuredMaster == nil
                for e in file.entries where !(isPrimary && e.expireAtMs.map { $0 < now } == true) { load(e) }
                if !isPrimary, let r = file.replication, r.streamDB != -1 {
                    replid = r.replid
                    masterReplOffset = r.offset
                    cachedMasterUsable = true
                    ctx.probe("redis.rdb-replication-info-restored")
                }
            }
        } catch {
            ctx.probe("redis.load-error")
            ctx.note("Fatal error loading the DB: \(error). Exiting.")
        }
        ctx.probe(keyspace.count > 0 ? "redis.loaded-from-disk" : "redis.started-empty")
        ctx.note("DB loaded from \(config.appendonly ? "append only file" : "disk"): \(keyspace.count) keys")
    }

    func load(_ e: RDBFile.Entry) {
        keyspace.set(e.key, e.value)
        if let when = e.expireAtMs { keyspace.setExpire(e.key, when) }
    }

    /// What an AOF rewrite of `dataset` writes as the base: an RDB without replication info
    /// (rewriteAppendOnlyFileRio saves the preamble with no rdbSaveInfo), or RESP commands
    /// under `aof-use-rdb-preamble no`.
    func aofRewriteBase(_ dataset: RedisKeyspace, _ ctx: NodeContext<RedisMessage>) -> AOFBase {
        guard config.aofUseRDBPreamble else { return .commands(dataset.rewriteCommands(nowMs: unixMs(ctx))) }
        var file = RDBFile(keyspace: dataset, replication: nil, savedAtUnixSeconds: unixMs(ctx) / 1000)
        file.aofBase = true
        return .rdb(file.encoded())
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
                    startIO(try aof.beginRewrite(aofRewriteBase(keyspace, ctx)), .aof, ctx)
                    ctx.probe("redis.aof-rewrite")
                }
            }
            let elapsed = (ctx.now - lastSave).milliseconds / 1000
            if !snapshotInProgress, config.save.contains(where: { dirtySinceSave >= $0.changes && elapsed >= $0.seconds }) {
                saveRDB(RDBFile(keyspace: keyspace, replication: rdbSaveInfo(), savedAtUnixSeconds: unixMs(ctx) / 1000), ctx)
            }
            _ = dir
        } catch {
            ioError(error, ctx)
        }
    }

    /// BGSAVE: the dataset at the fork, as an RDB written to temp-<pid>.rdb, fsynced and
    /// renamed over dump.rdb.
    func saveRDB(_ file: RDBFile, _ ctx: NodeContext<RedisMessage>) {
        guard let rdb else { return }
        do {
            startIO(try rdb.write(file.encoded()), .snapshot, ctx)
            snapshotInProgress = true
            dirtySinceSave = 0; lastSave = ctx.now
            ctx.probe("redis.bgsave")
        } catch {
            ioError(error, ctx)
        }
    }

    /// rdbPopulateSaveInfo: a primary with a backlog, or a replica with a master (or a
    /// cached one), saves its replid and offset; anyone else saves none.
    func rdbSaveInfo() -> RDBFile.ReplicationInfo? {
        if masterLink == nil { return backlog == nil ? nil : RDBFile.ReplicationInfo(replid: replid, offset: masterReplOffset) }
        if masterLink?.state == .connected || cachedMasterUsable { return RDBFile.ReplicationInfo(replid: replid, offset: masterReplOffset) }
        return nil
    }

    /// readSyncBulkPayload (disk-based load, repl-diskless-load disabled by default): the
    /// received RDB becomes dump.rdb whatever `save` says (rdb-del-sync-files is no), with
    /// the primary's replid and offset in it; a BGSAVE still running is killed first. With
    /// the AOF on, it is rewritten from the new dataset.
    func persistAfterFullSync(_ payload: RDBPayload, _ ctx: NodeContext<RedisMessage>) {
        guard let rdb else { return }
        if snapshotInProgress {
            pendingIO.removeAll { $0.owner == .snapshot }
            rdb.abandon()
            snapshotInProgress = false
        }
        do {
            startIO(try rdb.write(payload.rdb), .snapshot, ctx)
            snapshotInProgress = true
        } catch {
            ioError(error, ctx)
        }
        if let aof, !aof.rewriteInProgress {
            do { startIO(try aof.beginRewrite(aofRewriteBase(keyspace, ctx)), .aof, ctx) } catch { ioError(error, ctx) }
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
            case .snapshot: step = try rdb!.complete(p)
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
