extension DataTree {
    /// Applies one committed txn (`DataTree.processTxn`). Never fails as a whole: a txn that
    /// cannot apply (only possible while replaying over a fuzzy snapshot) reports its error
    /// in `err`, as the real tree does.
    public mutating func processTxn(_ header: TxnHeader, _ txn: Txn) -> ProcessTxnResult {
        var events: [WatchedEvent] = []
        var rc = apply(header, txn, events: &events)
        if rc.zxid > lastProcessedZxid { lastProcessedZxid = rc.zxid }
        lastProcessedZxidDigest = ZxidDigest(zxid: rc.zxid, digestVersion: DigestCalculator.digestVersion, digest: treeDigest)
        rc.watchEvents = events
        return rc
    }

    private mutating func apply(_ header: TxnHeader, _ txn: Txn, events: inout [WatchedEvent]) -> ProcessTxnResult {
        var rc = ProcessTxnResult(clientId: header.clientId, cxid: header.cxid, zxid: header.zxid, type: header.type)
        do throws(KeeperErrorCode) {
            switch txn {
            case let .create(path, data, acl, ephemeral, parentCVersion):
                rc.path = path
                rc.stat = try createNode(path, data: data, acl: acl, ephemeralOwner: ephemeral ? header.clientId : 0,
                                         parentCVersion: parentCVersion, zxid: header.zxid, time: header.time, events: &events)
            case let .createContainer(path, data, acl, parentCVersion):
                rc.path = path
                rc.stat = try createNode(path, data: data, acl: acl, ephemeralOwner: EphemeralType.containerEphemeralOwner,
                                         parentCVersion: parentCVersion, zxid: header.zxid, time: header.time, events: &events)
            case let .createTTL(path, data, acl, parentCVersion, _):
                // TTL owners need extended types; with them off the real server cannot
                // produce this txn, so replay it as a persistent node.
                rc.path = path
                rc.stat = try createNode(path, data: data, acl: acl, ephemeralOwner: 0,
                                         parentCVersion: parentCVersion, zxid: header.zxid, time: header.time, events: &events)
            case let .delete(path):
                rc.path = path
                try deleteNode(path, zxid: header.zxid, events: &events)
            case let .setData(path, data, version):
                rc.path = path
                rc.stat = try setData(path, data: data, version: version, zxid: header.zxid, time: header.time, events: &events)
            case let .setACL(path, acl, version):
                rc.path = path
                rc.stat = try setACL(path, acl: acl, version: version)
            case let .check(path, _):
                rc.path = path
            case .createSession:
                break
            case let .closeSession(pathsToDelete):
                killSession(header.clientId, zxid: header.zxid, pathsInTxn: pathsToDelete, events: &events)
            case let .error(code):
                rc.err = code
            case let .multi(txns):
                rc.multiResult = applyMulti(header, txns, events: &events)
                rc.err = rc.multiResult!.first { $0.err != .ok }?.err ?? .ok
            }
        } catch {
            rc.err = error
        }
        if header.type == OpCode.create.rawValue, rc.err == .nodeExists, case let .create(path, _, _, _, pcv) = txn,
           let (parent, _) = Self.parentAndChild(path) {
            do throws(KeeperErrorCode) { try setCversionPzxid(parent, newCversion: pcv, zxid: header.zxid) } catch { rc.err = error }
        }
        return rc
    }

    /// A multi applies all its sub-txns under the one zxid. If any sub-txn is an error the
    /// prep stage already failed the whole multi: the sub-txns before it report OK (and
    /// change nothing), the later ones RuntimeInconsistency.
    private mutating func applyMulti(_ header: TxnHeader, _ txns: [Txn], events: inout [WatchedEvent]) -> [ProcessTxnResult] {
        let failed = txns.contains { if case .error = $0 { return true } else { return false } }
        var postFailed = false
        var results: [ProcessTxnResult] = []
        for var sub in txns {
            if case .error = sub { postFailed = true }
            if failed, sub.opCode != .error {
                sub = .error(postFailed ? .runtimeInconsistency : .ok)
            }
            let subHeader = TxnHeader(clientId: header.clientId, cxid: header.cxid, zxid: header.zxid,
                                      time: header.time, type: sub.opCode.rawValue)
            results.append(apply(subHeader, sub, events: &events))
        }
        return results
    }

    /// Removes a closed or expired session's ephemerals: the txn's list, then any the tree
    /// still holds for it (`killSession`). Missing nodes are skipped, as on a replay.
    private mutating func killSession(_ session: Int64, zxid: Zxid, pathsInTxn: [String]?, events: inout [WatchedEvent]) {
        var local = ephemeralsBySession.removeValue(forKey: session) ?? []
        for path in pathsInTxn ?? [] {
            do throws(KeeperErrorCode) { try deleteNode(path, zxid: zxid, events: &events) } catch {}
            local.remove(path)
        }
        for path in local.sorted() {
            do throws(KeeperErrorCode) { try deleteNode(path, zxid: zxid, events: &events) } catch {}
        }
        ephemeralsBySession[session] = nil
    }
}
