/// `TxnDigest`: the tree digest after a txn, which 3.6+ servers append to each log entry when
/// `zookeeper.digest.enabled` (default true) so replicas can detect divergence.
public struct TxnDigest: Hashable, Sendable {
    public var version: Int32
    public var treeDigest: Int64
    public init(version: Int32 = DigestCalculator.digestVersion, treeDigest: Int64) {
        self.version = version; self.treeDigest = treeDigest
    }
}

/// One txn log entry's content (`TxnLogEntry`): header, record and optional digest.
public struct TxnLogEntry: Hashable, Sendable {
    public var header: TxnHeader
    public var txn: Txn
    public var digest: TxnDigest?
    public init(header: TxnHeader, txn: Txn, digest: TxnDigest? = nil) {
        self.header = header; self.txn = txn; self.digest = digest
    }
}

/// Jute encodings of the `org.apache.zookeeper.txn` records (`Util.marshallTxnEntry` and
/// `SerializeUtils.deserializeTxn`).
public enum TxnRecords {
    public static func write(_ h: TxnHeader, to w: inout JuteWriter) {
        w.writeLong(h.clientId); w.writeInt(h.cxid); w.writeLong(h.zxid); w.writeLong(h.time); w.writeInt(h.type)
    }

    public static func readHeader(_ r: inout JuteReader) throws(JuteError) -> TxnHeader {
        TxnHeader(clientId: try r.readLong("TxnHeader.clientId"), cxid: try r.readInt("TxnHeader.cxid"),
                  zxid: try r.readLong("TxnHeader.zxid"), time: try r.readLong("TxnHeader.time"),
                  type: try r.readInt("TxnHeader.type"))
    }

    public static func write(_ acl: [ACL], to w: inout JuteWriter) {
        w.writeInt(Int32(acl.count))
        for a in acl { w.writeInt(a.perms); w.writeString(a.id.scheme); w.writeString(a.id.id) }
    }

    public static func readACL(_ r: inout JuteReader, _ field: String) throws(JuteError) -> [ACL] {
        guard let n = try r.readCount(field) else { return [] }
        var acl: [ACL] = []
        for _ in 0..<n {
            let perms = try r.readInt("\(field).perms")
            let scheme = try r.readString("\(field).id.scheme") ?? ""
            let id = try r.readString("\(field).id.id") ?? ""
            acl.append(ACL(perms: perms, id: ZKId(scheme: scheme, id: id)))
        }
        return acl
    }

    /// The record bytes of a txn (no header), as it appears after the header or inside a
    /// multi's `Txn.data`.
    public static func write(_ txn: Txn, to w: inout JuteWriter) {
        switch txn {
        case let .create(path, data, acl, ephemeral, pcv):
            w.writeString(path); w.writeBuffer(data); write(acl, to: &w); w.writeBool(ephemeral); w.writeInt(pcv)
        case let .createContainer(path, data, acl, pcv):
            w.writeString(path); w.writeBuffer(data); write(acl, to: &w); w.writeInt(pcv)
        case let .createTTL(path, data, acl, pcv, ttl):
            w.writeString(path); w.writeBuffer(data); write(acl, to: &w); w.writeInt(pcv); w.writeLong(ttl)
        case let .delete(path):
            w.writeString(path)
        case let .setData(path, data, version):
            w.writeString(path); w.writeBuffer(data); w.writeInt(version)
        case let .setACL(path, acl, version):
            w.writeString(path); write(acl, to: &w); w.writeInt(version)
        case let .check(path, version):
            w.writeString(path); w.writeInt(version)
        case let .createSession(timeout):
            w.writeInt(timeout)
        case let .closeSession(paths):
            // A nil list (pre-3.6 record) has no body at all.
            guard let paths else { return }
            w.writeInt(Int32(paths.count))
            for p in paths { w.writeString(p) }
        case let .error(code):
            w.writeInt(code.rawValue)
        case let .multi(txns):
            w.writeInt(Int32(txns.count))
            for sub in txns {
                var inner = JuteWriter()
                write(sub, to: &inner)
                w.writeInt(sub.opCode.rawValue)
                w.writeBuffer(inner.bytes)
            }
        }
    }

    /// Decodes the record that follows a header of type `type`. `r` must hold exactly the
    /// record (and optionally a trailing digest, which the caller reads).
    public static func readTxn(type: Int32, _ r: inout JuteReader) throws(JuteError) -> Txn {
        guard let op = OpCode(rawValue: type) else {
            throw JuteError(kind: .badValue("unsupported txn type \(type)"), field: "TxnHeader.type", offset: r.offset)
        }
        switch op {
        case .createSession:
            return .createSession(timeoutMs: try r.readInt("CreateSessionTxn.timeOut"))
        case .closeSession:
            if r.atEnd { return .closeSession(pathsToDelete: nil) }
            let n = try r.readCount("CloseSessionTxn.paths2Delete") ?? 0
            var paths: [String] = []
            for _ in 0..<n { paths.append(try r.readString("CloseSessionTxn.paths2Delete[]") ?? "") }
            return .closeSession(pathsToDelete: paths)
        case .create, .create2:
            let path = try r.readString("CreateTxn.path") ?? ""
            let data = try r.readBuffer("CreateTxn.data") ?? []
            let acl = try readACL(&r, "CreateTxn.acl")
            let ephemeral = try r.readBool("CreateTxn.ephemeral")
            // A V0 record (pre-3.3) stops here; -1 tells the tree to bump the cversion itself.
            let pcv: Int32 = r.atEnd ? -1 : try r.readInt("CreateTxn.parentCVersion")
            return .create(path: path, data: data, acl: acl, ephemeral: ephemeral, parentCVersion: pcv)
        case .createContainer:
            return .createContainer(path: try r.readString("CreateContainerTxn.path") ?? "",
                                    data: try r.readBuffer("CreateContainerTxn.data") ?? [],
                                    acl: try readACL(&r, "CreateContainerTxn.acl"),
                                    parentCVersion: try r.readInt("CreateContainerTxn.parentCVersion"))
        case .createTTL:
            return .createTTL(path: try r.readString("CreateTTLTxn.path") ?? "",
                              data: try r.readBuffer("CreateTTLTxn.data") ?? [],
                              acl: try readACL(&r, "CreateTTLTxn.acl"),
                              parentCVersion: try r.readInt("CreateTTLTxn.parentCVersion"),
                              ttl: try r.readLong("CreateTTLTxn.ttl"))
        case .delete, .deleteContainer:
            return .delete(path: try r.readString("DeleteTxn.path") ?? "")
        case .setData, .reconfig:
            return .setData(path: try r.readString("SetDataTxn.path") ?? "",
                            data: try r.readBuffer("SetDataTxn.data") ?? [],
                            version: try r.readInt("SetDataTxn.version"))
        case .setACL:
            return .setACL(path: try r.readString("SetACLTxn.path") ?? "", acl: try readACL(&r, "SetACLTxn.acl"),
                           version: try r.readInt("SetACLTxn.version"))
        case .check:
            return .check(path: try r.readString("CheckVersionTxn.path") ?? "", version: try r.readInt("CheckVersionTxn.version"))
        case .error:
            let at = r.offset
            let raw = try r.readInt("ErrorTxn.err")
            guard let code = KeeperErrorCode(rawValue: raw) else {
                throw JuteError(kind: .badValue("unknown error code \(raw)"), field: "ErrorTxn.err", offset: at)
            }
            return .error(code)
        case .multi:
            let n = try r.readCount("MultiTxn.txns") ?? 0
            var txns: [Txn] = []
            for _ in 0..<n {
                let subType = try r.readInt("MultiTxn.txns[].type")
                let data = try r.readBuffer("MultiTxn.txns[].data") ?? []
                var sub = JuteReader(data)
                txns.append(try readTxn(type: subType, &sub))
            }
            return .multi(txns)
        default:
            throw JuteError(kind: .badValue("\(op) is not a txn type"), field: "TxnHeader.type", offset: r.offset)
        }
    }

    /// `Util.marshallTxnEntry`: header, record, then the digest if there is one.
    public static func marshal(_ entry: TxnLogEntry) -> [UInt8] {
        var w = JuteWriter()
        write(entry.header, to: &w)
        write(entry.txn, to: &w)
        if let d = entry.digest { w.writeInt(d.version); w.writeLong(d.treeDigest) }
        return w.bytes
    }

    /// `SerializeUtils.deserializeTxn`: header, the record its type names, and a digest if
    /// bytes remain. The same bytes travel in a PROPOSAL's `QuorumPacket.data`.
    public static func unmarshal(_ bytes: ArraySlice<UInt8>) throws(JuteError) -> TxnLogEntry {
        var r = JuteReader(bytes)
        let header = try readHeader(&r)
        let txn = try readTxn(type: header.type, &r)
        var digest: TxnDigest?
        if !r.atEnd {
            digest = TxnDigest(version: try r.readInt("TxnDigest.version"), treeDigest: try r.readLong("TxnDigest.treeDigest"))
        }
        guard r.atEnd else {
            throw JuteError(kind: .badValue("\(r.remaining) bytes after the record"), field: "txnEntry", offset: r.offset)
        }
        return TxnLogEntry(header: header, txn: txn, digest: digest)
    }
}

