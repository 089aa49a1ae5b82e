/// How a message reads in traces, reports and violation explanations: the real packet or
/// record name and the fields a ZooKeeper operator would look for (zxids in hex, paths,
/// error names), never Swift's debug dump.
extension ZKMessage {
    public var summary: String {
        switch self {
        case .notification(let n):
            return "Notification(leader=\(n.leader) zxid=\(zxidHex(n.zxid)) round=\(n.electionEpoch) \(n.state) sid=\(n.sid) peerEpoch=\(n.peerEpoch))"
        case .followerInfo(let sid, let z): return "FOLLOWERINFO sid=\(sid) acceptedEpoch=\(zxidHex(z))"
        case .observerInfo(let sid, let z): return "OBSERVERINFO sid=\(sid) acceptedEpoch=\(zxidHex(z))"
        case .leaderInfo(let z): return "LEADERINFO newEpoch=\(zxidHex(z))"
        case .ackEpoch(let e, let z): return "ACKEPOCH currentEpoch=\(e) lastLoggedZxid=\(zxidHex(z))"
        case .diff(let z): return "DIFF zxid=\(zxidHex(z))"
        case .trunc(let z): return "TRUNC zxid=\(zxidHex(z))"
        case .snap(let z, let tree, let sessions, _, _): return "SNAP zxid=\(zxidHex(z)) (\(tree.nodeCount) znodes, \(sessions.count) sessions)"
        case .newLeader(let z): return "NEWLEADER zxid=\(zxidHex(z))"
        case .upToDate: return "UPTODATE"
        case .proposal(let hd, let t): return "PROPOSAL zxid=\(zxidHex(hd.zxid)) \(t.summary)"
        case .ack(let z): return "ACK zxid=\(zxidHex(z))"
        case .commit(let z): return "COMMIT zxid=\(zxidHex(z))"
        case .inform(let hd, let t): return "INFORM zxid=\(zxidHex(hd.zxid)) \(t.summary)"
        case .ping(let z, let touches): return "PING zxid=\(zxidHex(z))" + (touches.isEmpty ? "" : " (\(touches.count) sessions touched)")
        case .request(let s, let cxid, let r): return "REQUEST session=0x\(String(UInt64(bitPattern: s), radix: 16)) cxid=\(cxid) \(r.summary)"
        case .revalidate(let s, let t, let valid):
            return "REVALIDATE session=0x\(String(UInt64(bitPattern: s), radix: 16)) timeout=\(t)ms \(valid ? "valid" : "expired")"
        case .syncReply(let s, let cxid): return "SYNC session=0x\(String(UInt64(bitPattern: s), radix: 16)) cxid=\(cxid)"
        case .connect(let c):
            return "ConnectRequest session=0x\(String(UInt64(bitPattern: c.sessionId), radix: 16)) lastZxidSeen=\(zxidHex(c.lastZxidSeen)) timeOut=\(c.timeOut)"
        case .connectResponse(let c):
            return "ConnectResponse session=0x\(String(UInt64(bitPattern: c.sessionId), radix: 16)) timeOut=\(c.timeOut)" + (c.timeOut == 0 ? " (expired)" : "")
        case .clientRequest(let xid, let r): return "xid=\(xid) \(r.summary)"
        case .clientPing: return "ping"
        case .reply(let h, let body): return "reply xid=\(h.xid) zxid=\(zxidHex(h.zxid)) \(h.err)" + body.summary
        case .watcherEvent(let e): return "WatchedEvent \(e.type.javaName) \(e.path)"
        case .electionTimeout(let r): return "timer: notification timeout (round \(r))"
        case .finalizeWait(let r): return "timer: finalizeWait (round \(r))"
        case .peerTick(let i): return "timer: tick (incarnation \(i))"
        case .fsyncDone(let g, let c): return "fsync done: \(c) txns (generation \(g))"
        case .clientTick(let i): return "timer: client tick \(i)"
        case .programTimer(let i): return "timer: program \(i)"
        }
    }
}

extension ZKRequest {
    /// The request as a client call would read: `setData /k version=3 (4 bytes)`.
    public var summary: String {
        switch self {
        case .create(let p, let d, _, let mode): return "create \(p) \(mode.javaName) (\(d.count) bytes)"
        case .delete(let p, let v): return "delete \(p) version=\(v)"
        case .setData(let p, let d, let v): return "setData \(p) version=\(v) (\(d.count) bytes)"
        case .check(let p, let v): return "check \(p) version=\(v)"
        case .getData(let p, let w): return "getData \(p)" + (w ? " watch" : "")
        case .exists(let p, let w): return "exists \(p)" + (w ? " watch" : "")
        case .getChildren(let p, let w): return "getChildren \(p)" + (w ? " watch" : "")
        case .multi(let ops): return "multi [" + ops.map(\.summary).joined(separator: "; ") + "]"
        case .sync(let p): return "sync \(p)"
        case .createSession(let t): return "createSession timeout=\(t)ms"
        case .closeSession: return "closeSession"
        case .setWatches(let w):
            return "setWatches relativeZxid=\(zxidHex(w.relativeZxid)) data=\(w.dataWatches) exist=\(w.existWatches) child=\(w.childWatches)"
        }
    }
}

extension Txn {
    /// The txn type and, where it has one, its path: `setData /k`, `error NoNode`.
    var summary: String {
        switch self {
        case .create(let p, _, _, let eph, _): return "create \(p)" + (eph ? " ephemeral" : "")
        case .createContainer(let p, _, _, _), .createTTL(let p, _, _, _, _), .delete(let p),
             .setData(let p, _, _), .setACL(let p, _, _), .check(let p, _):
            return "\(opCode) \(p)"
        case .createSession(let t): return "createSession timeout=\(t)ms"
        case .closeSession(let paths): return "closeSession" + ((paths ?? []).isEmpty ? "" : " deleting \(paths ?? [])")
        case .error(let code): return "error \(code)"
        case .multi(let txns): return "multi [" + txns.map(\.summary).joined(separator: "; ") + "]"
        }
    }
}

extension ReplyBody {
    /// The response record after the reply header, with a leading space (or nothing).
    var summary: String {
        switch self {
        case .none: return ""
        case .path(let p): return " path=\(p)"
        case .stat(let s): return " stat(version=\(s.version) mzxid=\(zxidHex(s.mzxid)))"
        case .data(let d, let s): return " data (\(d.count) bytes) stat(version=\(s.version) mzxid=\(zxidHex(s.mzxid)))"
        case .children(let c): return " children=\(c)"
        }
    }
}

extension WatchEventType {
    /// `Watcher.Event.EventType`'s name.
    var javaName: String {
        switch self {
        case .none: return "None"
        case .nodeCreated: return "NodeCreated"
        case .nodeDeleted: return "NodeDeleted"
        case .nodeDataChanged: return "NodeDataChanged"
        case .nodeChildrenChanged: return "NodeChildrenChanged"
        }
    }
}

extension CreateMode {
    /// `CreateMode`'s constant name.
    var javaName: String {
        switch self {
        case .persistent: return "PERSISTENT"
        case .ephemeral: return "EPHEMERAL"
        case .persistentSequential: return "PERSISTENT_SEQUENTIAL"
        case .ephemeralSequential: return "EPHEMERAL_SEQUENTIAL"
        }
    }
}
