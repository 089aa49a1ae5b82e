/// A write turned into what the leader proposes: the header (with the zxid it takes) and the
/// txn, plus the error the client will get if the checks failed.
public struct PreparedTxn: Hashable, Sendable {
    public var header: TxnHeader
    public var txn: Txn
    /// The KeeperException the prep stage hit (for a multi: the first failing op's), or nil.
    public var error: KeeperErrorCode?
    /// The tree digest once this txn applies, which 3.8 appends to the log entry and the
    /// PROPOSAL (`TxnDigest`); nil for an error txn, as the real leader leaves it out.
    public var digest: TxnDigest?

    /// The log entry for this txn.
    public var logEntry: TxnLogEntry { TxnLogEntry(header: header, txn: txn, digest: digest) }
}

/// The leader's `PrepRequestProcessor`: checks each write against the tree plus the
/// outstanding changes of writes proposed before it, and produces the txn. A failed check
/// becomes an error txn under its own zxid, so failed writes consume zxids as in real
/// ZooKeeper. Call `applied(zxid:)` as txns are applied (FinalRequestProcessor) and `reset()`
/// when leadership ends.
public struct RequestPreparer: Sendable {
    /// A bound on changes in flight; the real server throttles at globalOutstandingLimit
    /// (1000 requests) long before this.
    public static let outstandingChangesMax = 100_000

    public private(set) var outstandingChanges: [ChangeRecord] = []
    private var outstandingChangesForPath: [String: ChangeRecord] = [:]
    private var nextSerial: Int64 = 0

    public init() {}

    public var outstandingCount: Int { outstandingChanges.count }

    /// Prepares one request with the zxid the leader assigns it. Returns nil for requests
    /// that make no txn (reads, sync); the caller then must not consume the zxid.
    /// `sessionCheck` is the SessionTracker's verdict on the session (sessionExpired,
    /// sessionMoved ...), `.ok` when it is live and owned here.
    public mutating func prepare(_ request: ZKRequest, sessionId: Int64, cxid: Int32, zxid: Zxid, time: Int64,
                                 tree: DataTree, sessionCheck: KeeperErrorCode = .ok) -> PreparedTxn? {
        guard request.isWrite else { return nil }
        precondition(outstandingChanges.count < Self.outstandingChangesMax, "outstanding changes over bound")
        precondition(outstandingChanges.last.map { $0.zxid <= zxid } ?? true, "zxids must increase")
        var header = TxnHeader(clientId: sessionId, cxid: cxid, zxid: zxid, time: time, type: request.opCode)
        if case let .multi(ops) = request {
            return prepareMulti(ops, header: header, tree: tree, sessionCheck: sessionCheck)
        }
        do throws(KeeperErrorCode) {
            let txn = try prepareOne(request, header: header, tree: tree, sessionCheck: sessionCheck)
            return PreparedTxn(header: header, txn: txn, error: nil, digest: currentDigest(tree))
        } catch {
            header.type = OpCode.error.rawValue
            return PreparedTxn(header: header, txn: .error(error), error: error)
        }
    }

    /// Drops the change records of txns up to `zxid`, now reflected in the tree.
    public mutating func applied(zxid: Zxid) {
        var dropped = 0
        while dropped < outstandingChanges.count && outstandingChanges[dropped].zxid <= zxid {
            let record = outstandingChanges[dropped]
            if outstandingChangesForPath[record.path]?.serial == record.serial {
                outstandingChangesForPath[record.path] = nil
            }
            dropped += 1
        }
        outstandingChanges.removeFirst(dropped)
    }

    /// Forgets all outstanding changes (the leader stepped down; a new one starts clean).
    public mutating func reset() {
        outstandingChanges.removeAll()
        outstandingChangesForPath.removeAll()
    }

    public func checkInvariants() {
        for i in outstandingChanges.indices.dropFirst() {
            precondition(outstandingChanges[i - 1].zxid <= outstandingChanges[i].zxid, "outstanding changes out of order")
        }
        for (path, record) in outstandingChangesForPath {
            precondition(record.path == path, "change record under the wrong path")
            precondition(outstandingChanges.contains { $0.serial == record.serial }, "per-path record not outstanding")
        }
    }

    // MARK: one op (pRequest2Txn)

    private mutating func prepareOne(_ request: ZKRequest, header: TxnHeader, tree: DataTree,
                                     sessionCheck: KeeperErrorCode, inMulti: Bool = false) throws(KeeperErrorCode) -> Txn {
        switch request {
        case let .create(path, data, acl, mode):
            if sessionCheck != .ok { throw sessionCheck }
            return try prepareCreate(path: path, data: data, acl: acl, mode: mode, header: header, tree: tree)
        case let .delete(path, version):
            if sessionCheck != .ok { throw sessionCheck }
            let parentPath = try parentPathAndValidate(path)
            var parent = try recordForPath(parentPath, tree)
            try checkACL(parent.acl, ACL.Perms.delete)
            let node = try recordForPath(path, tree)
            _ = try checkAndIncVersion(node.stat!.version, version)
            if node.childCount > 0 { throw .notEmpty }
            parent = parent.duplicate(zxid: header.zxid, serial: takeSerial())
            parent.childCount -= 1
            parent.stat!.pzxid = header.zxid
            addChangeRecord(parent, tree)
            addChangeRecord(ChangeRecord(serial: takeSerial(), zxid: header.zxid, path: path, stat: nil, childCount: -1, acl: [], data: []), tree)
            return .delete(path: path)
        case let .setData(path, data, version):
            if sessionCheck != .ok { throw sessionCheck }
            if PathUtils.validatePath(path) != nil { throw .badArguments }
            var node = try recordForPath(path, tree)
            try checkACL(node.acl, ACL.Perms.write)
            let newVersion = try checkAndIncVersion(node.stat!.version, version)
            node = node.duplicate(zxid: header.zxid, serial: takeSerial())
            node.stat!.version = newVersion
            node.stat!.mtime = header.time
            node.stat!.mzxid = header.zxid
            node.data = data
            addChangeRecord(node, tree)
            return .setData(path: path, data: data, version: newVersion)
        case let .check(path, version):
            // 3.8 clients send check only inside a multi; a top-level CheckVersionTxn would
            // make a log the real server cannot load ("Unsupported Txn"), so refuse it.
            guard inMulti else { throw .unimplemented }
            if sessionCheck != .ok { throw sessionCheck }
            if PathUtils.validatePath(path) != nil { throw .badArguments }
            let node = try recordForPath(path, tree)
            try checkACL(node.acl, ACL.Perms.read)
            return .check(path: path, version: try checkAndIncVersion(node.stat!.version, version))
        case let .createSession(timeoutMs):
            return .createSession(timeoutMs: timeoutMs)
        case .closeSession:
            return .closeSession(pathsToDelete: prepareCloseSession(sessionId: header.clientId, header: header, tree: tree))
        case .multi, .getData, .exists, .getChildren, .sync, .setWatches:
            preconditionFailure("not a single write: \(request.opCode)")
        }
    }

    private mutating func prepareCreate(path requested: String, data: [UInt8], acl: [ACL], mode: CreateMode,
                                        header: TxnHeader, tree: DataTree) throws(KeeperErrorCode) -> Txn {
        guard requested.contains("/"), !requested.utf8.contains(0), let slash = requested.lastIndex(of: "/") else {
            throw .badArguments
        }
        let parentPath = slash == requested.startIndex ? "/" : String(requested[..<slash])
        let fixedACL = try fixupACL(acl)
        let parent = try recordForPath(parentPath, tree)
        try checkACL(parent.acl, ACL.Perms.create)
        let parentCVersion = parent.stat!.cversion
        let path = mode.isSequential ? requested + PathUtils.sequenceSuffix(parentCVersion) : requested
        if PathUtils.validatePath(path) != nil { throw .badArguments }
        if (try? recordForPath(path, tree)) != nil { throw .nodeExists }
        if EphemeralType.of(parent.stat!.ephemeralOwner) == .normal { throw .noChildrenForEphemerals }
        let newCversion = parentCVersion &+ 1
        let owner = mode.isEphemeral ? header.clientId : 0
        var parentNext = parent.duplicate(zxid: header.zxid, serial: takeSerial())
        parentNext.childCount += 1
        parentNext.stat!.cversion = newCversion
        parentNext.stat!.pzxid = header.zxid
        addChangeRecord(parentNext, tree)
        addChangeRecord(ChangeRecord(serial: takeSerial(), zxid: header.zxid, path: path,
                                     stat: StatPersisted(createdAt: header.zxid, time: header.time, ephemeralOwner: owner),
                                     childCount: 0, acl: fixedACL, data: data), tree)
        return .create(path: path, data: data, acl: fixedACL, ephemeral: mode.isEphemeral, parentCVersion: newCversion)
    }

    /// The session's ephemerals as the tree plus the outstanding changes will have them,
    /// each recorded as deleted by this txn. Sorted (the real server's HashSet order is not).
    private mutating func prepareCloseSession(sessionId: Int64, header: TxnHeader, tree: DataTree) -> [String] {
        var paths = Set(tree.ephemerals(of: sessionId))
        for change in outstandingChanges {
            if change.stat == nil {
                paths.remove(change.path)
            } else if change.stat!.ephemeralOwner == sessionId {
                paths.insert(change.path)
            }
        }
        let sorted = paths.sorted()
        for path in sorted {
            if let (parentPath, _) = DataTree.parentAndChild(path), var parent = try? recordForPath(parentPath, tree) {
                parent = parent.duplicate(zxid: header.zxid, serial: takeSerial())
                parent.stat!.pzxid = header.zxid
                addChangeRecord(parent, tree)
            }
            addChangeRecord(ChangeRecord(serial: takeSerial(), zxid: header.zxid, path: path, stat: nil, childCount: 0, acl: [], data: []), tree)
        }
        return sorted
    }

    // MARK: multi

    private mutating func prepareMulti(_ ops: [ZKRequest], header: TxnHeader, tree: DataTree,
                                       sessionCheck: KeeperErrorCode) -> PreparedTxn {
        let pending = pendingChanges(ops)
        var txns: [Txn] = []
        var failure: KeeperErrorCode?
        for op in ops {
            if failure != nil {
                txns.append(.error(.runtimeInconsistency))
                continue
            }
            do throws(KeeperErrorCode) {
                switch op {
                case .create, .delete, .setData, .check: break
                default: throw .unimplemented
                }
                txns.append(try prepareOne(op, header: header, tree: tree, sessionCheck: sessionCheck, inMulti: true))
            } catch {
                failure = error
                txns.append(.error(error))
                rollbackPendingChanges(zxid: header.zxid, pending)
            }
        }
        return PreparedTxn(header: header, txn: .multi(txns), error: failure, digest: currentDigest(tree))
    }

    /// The outstanding records of every path a multi touches (and their parents), taken before
    /// it runs, so a failed multi can restore them.
    private func pendingChanges(_ ops: [ZKRequest]) -> [ChangeRecord] {
        var found: [String: ChangeRecord] = [:]
        for op in ops {
            guard let path = op.path else { continue }
            if let c = outstandingChangesForPath[path] { found[path] = c }
            guard let (parent, _) = DataTree.parentAndChild(path), !path.utf8.contains(0) else { continue }
            if let c = outstandingChangesForPath[parent] { found[parent] = c }
        }
        return found.keys.sorted().map { found[$0]! }
    }

    /// Undoes the records a failed multi added (all carry its zxid, at the tail) and puts
    /// back the per-path records it had shadowed (`rollbackPendingChanges`).
    private mutating func rollbackPendingChanges(zxid: Zxid, _ pending: [ChangeRecord]) {
        while let last = outstandingChanges.last, last.zxid == zxid {
            outstandingChanges.removeLast()
            outstandingChangesForPath[last.path] = nil
        }
        guard let firstZxid = outstandingChanges.first?.zxid else { return }
        for record in pending where record.zxid >= firstZxid {
            outstandingChangesForPath[record.path] = record
        }
    }

    // MARK: helpers

    private mutating func takeSerial() -> Int64 {
        nextSerial += 1
        return nextSerial
    }

    /// Records a change and its precalculated digests: the tree digest moves by the
    /// difference between this path's previous node digest and its new one.
    private mutating func addChangeRecord(_ change: ChangeRecord, _ tree: DataTree) {
        var record = change
        let previous = (try? recordForPath(record.path, tree))?.nodeDigest ?? 0
        if let stat = record.stat {
            record.nodeDigest = DigestCalculator.digest(path: record.path, node: DataNode(data: record.data, acl: 0, stat: stat))
        } else {
            record.nodeDigest = 0
        }
        record.treeDigest = currentDigest(tree).treeDigest &- previous &+ record.nodeDigest
        outstandingChanges.append(record)
        outstandingChangesForPath[record.path] = record
    }

    /// `getCurrentTreeDigest`: the digest after the last outstanding change, or the tree's.
    private func currentDigest(_ tree: DataTree) -> TxnDigest {
        TxnDigest(treeDigest: outstandingChanges.last?.treeDigest ?? tree.treeDigest)
    }

    /// The latest view of a path: its outstanding record, else the tree's node.
    private func recordForPath(_ path: String, _ tree: DataTree) throws(KeeperErrorCode) -> ChangeRecord {
        if let change = outstandingChangesForPath[path] {
            if change.stat == nil { throw .noNode }
            return change
        }
        guard let node = tree.nodes[path] else { throw .noNode }
        return ChangeRecord(serial: 0, zxid: -1, path: path, stat: node.stat, childCount: node.children.count,
                            acl: tree.aclCache.convertLong(node.acl) ?? [], data: node.data,
                            nodeDigest: DigestCalculator.digest(path: path, node: node), treeDigest: 0)
    }

    private func parentPathAndValidate(_ path: String) throws(KeeperErrorCode) -> String {
        guard let (parent, _) = DataTree.parentAndChild(path), !path.utf8.contains(0),
              !Self.isSpecialPath(path) else { throw .badArguments }
        return parent
    }

    static func isSpecialPath(_ path: String) -> Bool {
        path == "/" || path == DataTree.procZookeeper || path == DataTree.quotaZookeeper || path == DataTree.configZookeeper
    }

    /// -1 matches any version; the result is the version after the write.
    private func checkAndIncVersion(_ current: Int32, _ expected: Int32) throws(KeeperErrorCode) -> Int32 {
        if expected != -1 && expected != current { throw .badVersion }
        return current &+ 1
    }

    /// The model's clients carry no credentials, so only world:anyone entries can grant.
    private func checkACL(_ acl: [ACL], _ perm: Int32) throws(KeeperErrorCode) {
        if acl.isEmpty { return }
        for entry in acl where entry.id == .anyoneIdUnsafe && entry.perms & perm != 0 { return }
        throw .noAuth
    }

    /// `fixupACL`: an empty list is invalid, duplicates go, `auth` needs credentials the
    /// model's clients lack, and world accepts only `anyone`.
    private func fixupACL(_ acl: [ACL]) throws(KeeperErrorCode) -> [ACL] {
        var result: [ACL] = []
        for entry in acl where !result.contains(entry) { result.append(entry) }
        if result.isEmpty { throw .invalidACL }
        for entry in result {
            switch entry.id.scheme {
            case "world": if entry.id.id != "anyone" { throw .invalidACL }
            case "digest", "ip", "sasl", "x509": break
            default: throw .invalidACL
            }
        }
        return result
    }
}
