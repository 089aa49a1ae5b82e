import FaultlineCore

extension AppendOnlyFile {
    /// Opens the AOF under Redis's `dir` = `directory` and loads it the way Redis 7.0 does
    /// at startup: read the manifest, replay the base file and then each incremental file.
    /// A short read is accepted only in the last file, and only with `aof-load-truncated
    /// yes` (the file is then cut to its last complete command); anything else that is not
    /// RESP is fatal ("Bad file format reading the append only file"), as in Redis.
    /// Without a manifest the AOF is fresh: its first base (`initialBase`, an empty dataset),
    /// incremental file and manifest are created, and `AOFLoadResult.initialization` must be
    /// driven to `.done`. A base that is an RDB is handed back whole in `rdbBase`.
    public static func open(disk: D, directory: String, config: AppendOnlyFileConfig = AppendOnlyFileConfig(),
                            initialBase: AOFBase = .commands([]))
        throws(StorageError) -> (AppendOnlyFile, AOFLoadResult) {
        let aof = AppendOnlyFile(disk: disk, directory: directory, config: config)
        try disk.makeDirectory(aof.aofDirectory)
        try aof.removeTemporaryFiles()
        var result = AOFLoadResult()
        guard disk.exists(aof.manifestPath) else {
            aof.manifestDurable = false
            result.initialization = try aof.beginRewrite(initialBase)
            return (aof, result)
        }
        let manifestFile = try disk.open(aof.manifestPath, create: false)
        let manifestBytes = try disk.readAll(manifestFile)
        disk.close(manifestFile)
        aof.manifest = try AOFManifest.parse(manifestBytes, path: aof.manifestPath)
        var parts: [AOFManifest.Entry] = []
        if let b = aof.manifest.base { parts.append(b) }
        parts.append(contentsOf: aof.manifest.incrementals)
        for (k, part) in parts.enumerated() {
            try aof.load(part, isLast: k == parts.count - 1, isBase: part == aof.manifest.base, into: &result)
        }
        if let last = aof.manifest.incrementals.last {
            let path = DiskPath.join(aof.aofDirectory, last.name)
            aof.targets = [Target(path: path, file: try disk.open(path, create: false), selectedDb: -1)]
        } else {
            // A base without incremental files: start one, as Redis does, through a new manifest.
            aof.manifestDurable = false
            result.initialization = try aof.beginRewrite(result.rdbBase.map { .rdb($0) } ?? .commands(result.commands))
        }
        aof.checkInvariants()
        return (aof, result)
    }

    func load(_ part: AOFManifest.Entry, isLast: Bool, isBase: Bool, into result: inout AOFLoadResult) throws(StorageError) {
        let path = DiskPath.join(aofDirectory, part.name)
        guard disk.exists(path) else {
            throw .corrupt(path: path, position: 0, reason: "the AOF file named by \(manifestPath) doesn't exist")
        }
        let file = try disk.open(path, create: false)
        defer { disk.close(file) }
        let bytes = try disk.readAll(file)
        // loadSingleAppendOnlyFile: a base starting with "REDIS" is an RDB preamble.
        if isBase && bytes.starts(with: Array("REDIS".utf8)) {
            result.rdbBase = bytes
            return
        }
        let (commands, end) = RESP.parseCommands(bytes)
        result.commands.append(contentsOf: commands)
        switch end {
        case .complete:
            break
        case .badFormat(let position, let expected):
            throw .corrupt(path: path, position: position, reason: "Bad file format reading the append only file: expected \(expected)")
        case .truncated(let validUpTo):
            guard isLast else {
                throw .corrupt(path: path, position: validUpTo, reason: "the truncated file is not the last file")
            }
            guard config.aofLoadTruncated else {
                throw .corrupt(path: path, position: validUpTo,
                               reason: "Unexpected end of file reading the append only file (aof-load-truncated is no)")
            }
            try disk.truncate(file, to: validUpTo)
            result.bytesTruncated += bytes.count - validUpTo
            result.warnings.append("!!! Warning: short read while loading the AOF file \(part.name)!!!")
            result.warnings.append("AOF \(part.name) loaded anyway because aof-load-truncated is enabled")
        }
    }

    /// Leftovers of a rewrite a crash interrupted: never named by a manifest, safe to drop.
    func removeTemporaryFiles() throws(StorageError) {
        try disk.makeDirectory(directory)
        for name in try disk.list(directory) where name.hasPrefix("temp-rewriteaof-") {
            try disk.remove(DiskPath.join(directory, name))
        }
        for name in try disk.list(aofDirectory) where name.hasPrefix("temp-") {
            try disk.remove(DiskPath.join(aofDirectory, name))
        }
    }
}
