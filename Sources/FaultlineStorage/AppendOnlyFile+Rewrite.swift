import FaultlineCore

extension AppendOnlyFile {
    /// A rewrite (BGREWRITEAOF) in progress: which step it waits for and what it creates.
    struct RewriteState {
        var stage: Int
        let temporaryBase: String
        let newBase: AOFManifest.Entry
        let newIncremental: AOFManifest.Entry
        let previous: AOFManifest
        /// Appends go to the old and the new incremental file until the new manifest is durable.
        let switching: Bool
        var temporaryManifest: String = ""
    }

    /// True between `beginRewrite` and its final `.done`.
    public var rewriteInProgress: Bool { rewrite != nil }

    /// Starts compacting the AOF (BGREWRITEAOF): the base (the dataset as commands, with a
    /// SELECT before each database's commands, or as an RDB) is written verbatim to a
    /// temporary base file in `dir`, and a new incremental file is started. Steps, each after
    /// its fsyncs complete:
    /// 1. temp base and new incremental fsynced, AOF directory synced;
    /// 2. temp base renamed to `appendonly.aof.<n>.base.aof` (`.base.rdb` for an RDB), a
    ///    temporary manifest written
    ///    and fsynced, directory synced;
    /// 3. manifest renamed over `appendonly.aof.manifest`, directory synced; the old base
    ///    and incremental files are then deleted.
    /// Until step 3 every append also goes to the old incremental file, so whichever
    /// manifest a crash leaves, it names every acknowledged command.
    public func beginRewrite(commands: [[[UInt8]]]) throws(StorageError) -> PendingSync {
        try beginRewrite(.commands(commands))
    }

    public func beginRewrite(_ base: AOFBase) throws(StorageError) -> PendingSync {
        guard rewrite == nil else { throw .invalidArgument("Background append only file rewriting already in progress") }
        let baseSeq = (manifest.base?.seq ?? 0) + 1
        let incrSeq = (manifest.incrementals.last?.seq ?? 0) + 1
        var bytes: [UInt8] = [], isRDB = false
        switch base {
        case .commands(let commands): for c in commands { RESP.encodeCommand(c, into: &bytes) }
        case .rdb(let rdb): bytes = rdb; isRDB = true
        }
        let newBase = AOFManifest.Entry(name: AOFManifest.baseName(config.appendfilename, seq: baseSeq, rdb: isRDB), seq: baseSeq)
        let newIncr = AOFManifest.Entry(name: AOFManifest.incrName(config.appendfilename, seq: incrSeq), seq: incrSeq)
        let tempBase = DiskPath.join(directory, "temp-rewriteaof-bg-\(baseSeq).aof")
        let baseFile = try createEmpty(tempBase)
        var tickets: [SyncTicket] = []
        do {
            if !bytes.isEmpty { try disk.append(baseFile, bytes) }
            tickets.append(try disk.requestSync(baseFile))
        } catch {
            disk.close(baseFile)
            throw error
        }
        disk.close(baseFile)
        let incrPath = DiskPath.join(aofDirectory, newIncr.name)
        let incrFile = try createEmpty(incrPath)
        tickets.append(try disk.requestSync(incrFile))
        tickets.append(try disk.requestDirectorySync(aofDirectory))
        let switching = !targets.isEmpty
        targets.append(Target(path: incrPath, file: incrFile, selectedDb: -1))
        rewrite = RewriteState(stage: 1, temporaryBase: tempBase, newBase: newBase, newIncremental: newIncr,
                               previous: manifest, switching: switching)
        return nextRewriteSync(tickets, stage: 1)
    }

    func createEmpty(_ path: String) throws(StorageError) -> DiskFile {
        let file = try disk.open(path, create: true)
        try disk.truncate(file, to: 0)
        return file
    }

    func nextRewriteSync(_ tickets: [SyncTicket], stage: Int) -> PendingSync {
        let id = nextSyncID
        nextSyncID += 1
        rewrite!.stage = stage
        return PendingSync(id: id, tickets: tickets, mark: appendedCount, stage: stage)
    }

    func completeRewriteStage(_ pending: PendingSync) throws(StorageError) -> SyncStep {
        guard let r = rewrite, r.stage == pending.stage else {
            throw .invalidArgument("no AOF rewrite waits for step \(pending.stage)")
        }
        switch disk.completeAll(pending) {
        case .durable: break
        case .lost: throw .staleHandle
        case .failed:
            try abortRewrite()
            throw .syncFailed(path: aofDirectory)
        }
        switch r.stage {
        case 1:
            try disk.rename(r.temporaryBase, to: DiskPath.join(aofDirectory, r.newBase.name))
            let next = AOFManifest(base: r.newBase, incrementals: [r.newIncremental])
            let tempManifest = DiskPath.join(aofDirectory, "temp-" + config.appendfilename + ".manifest")
            let file = try createEmpty(tempManifest)
            try disk.append(file, Array(next.text.utf8))
            let tickets = [try disk.requestSync(file), try disk.requestDirectorySync(aofDirectory)]
            disk.close(file)
            rewrite!.temporaryManifest = tempManifest
            return .next(nextRewriteSync(tickets, stage: 2))
        case 2:
            try disk.rename(r.temporaryManifest, to: manifestPath)
            return .next(nextRewriteSync([try disk.requestDirectorySync(aofDirectory)], stage: 3))
        default:
            finishRewrite(r)
            return .done
        }
    }

    /// The new manifest is durable: retire the old files (Redis's history files).
    func finishRewrite(_ r: RewriteState) {
        manifest = AOFManifest(base: r.newBase, incrementals: [r.newIncremental])
        if r.switching {
            let old = targets.removeFirst()
            disk.close(old.file)
        }
        var retired: [AOFManifest.Entry] = r.previous.incrementals + r.previous.history
        if let b = r.previous.base { retired.append(b) }
        for e in retired where e.name != r.newBase.name && e.name != r.newIncremental.name {
            try? disk.remove(DiskPath.join(aofDirectory, e.name))
        }
        rewrite = nil
        if !manifestDurable {
            manifestDurable = true
            durableCount = max(durableCount, heldCount)
            heldCount = 0
        }
        checkInvariants()
    }

    /// A failed fsync during a rewrite: drop what it created; the old files stay in charge.
    func abortRewrite() throws(StorageError) {
        guard let r = rewrite else { return }
        rewrite = nil
        if let k = targets.lastIndex(where: { $0.path.hasSuffix(r.newIncremental.name) }), r.switching {
            disk.close(targets[k].file)
            targets.remove(at: k)
            try? disk.remove(DiskPath.join(aofDirectory, r.newIncremental.name))
        }
        try? disk.remove(r.temporaryBase)
    }
}
