import FaultlineCore

/// QuorumPeer.ServerState.
public enum ServerState: Int, Hashable, Sendable, CustomStringConvertible {
    case looking = 0, following = 1, leading = 2, observing = 3
    public var description: String { ["LOOKING", "FOLLOWING", "LEADING", "OBSERVING"][rawValue] }
}

/// A vote as FastLeaderElection keeps it: the proposed leader's sid, its last zxid and its
/// epoch, and the round (electionEpoch = the sender's logicalclock) it was cast in.
public struct Vote: Hashable, Sendable, CustomStringConvertible {
    public var leader: Int64
    public var zxid: Zxid
    public var electionEpoch: Int64
    public var peerEpoch: Int64
    public var state: ServerState
    public init(leader: Int64, zxid: Zxid, electionEpoch: Int64, peerEpoch: Int64, state: ServerState = .looking) {
        self.leader = leader; self.zxid = zxid; self.electionEpoch = electionEpoch; self.peerEpoch = peerEpoch; self.state = state
    }
    /// Vote.equals: a LOOKING vote agrees on leader, zxid, round and peer epoch; votes of
    /// peers out of the election (FOLLOWING / LEADING) only on leader and peer epoch, since
    /// they joined at different times (ZOOKEEPER-1732).
    func sameProposal(_ o: Vote) -> Bool {
        if state == .looking || o.state == .looking {
            return leader == o.leader && zxid == o.zxid && electionEpoch == o.electionEpoch && peerEpoch == o.peerEpoch
        }
        return leader == o.leader && peerEpoch == o.peerEpoch
    }
    public var description: String { "(\(leader), \(zxidHex(zxid)), e\(electionEpoch), pe\(peerEpoch))" }
}

/// FastLeaderElection.Notification: a vote plus who sent it and in which state.
public struct Notification: Hashable, Sendable {
    public var leader: Int64, zxid: Zxid, electionEpoch: Int64, state: ServerState, sid: Int64, peerEpoch: Int64
    var vote: Vote { Vote(leader: leader, zxid: zxid, electionEpoch: electionEpoch, peerEpoch: peerEpoch, state: state) }
}

/// A session the learner saw traffic for since its last PING (LearnerSessionTracker's touch table).
public struct SessionTouch: Hashable, Sendable { public var sessionId: Int64; public var timeoutMs: Int32 }

/// ConnectRequest / ConnectResponse of the client protocol.
public struct ConnectRequest: Hashable, Sendable {
    public var protocolVersion: Int32 = 0
    public var lastZxidSeen: Zxid
    public var timeOut: Int32
    public var sessionId: Int64
}
public struct ConnectResponse: Hashable, Sendable {
    public var protocolVersion: Int32 = 0
    /// 0 means the session expired (the client then sees Expired).
    public var timeOut: Int32
    public var sessionId: Int64
}

/// ReplyHeader plus the response record.
public struct ReplyHeader: Hashable, Sendable {
    public var xid: Int32, zxid: Zxid, err: KeeperErrorCode
}
public enum ReplyBody: Hashable, Sendable {
    case none
    case path(String)
    case stat(Stat)
    case data([UInt8], Stat)
    case children([String])
}

/// Every message between the simulated processes: the real packet types of FLE, the
/// learner protocol (Leader.java constants) and the client protocol, plus local timers.
public enum ZKMessage: SimMessage {
    // FastLeaderElection over QuorumCnxManager.
    case notification(Notification)
    // Learner protocol (QuorumPacket types).
    case followerInfo(sid: Int64, acceptedEpochZxid: Zxid)          // FOLLOWERINFO 11
    case observerInfo(sid: Int64, acceptedEpochZxid: Zxid)          // OBSERVERINFO 16
    case leaderInfo(newEpochZxid: Zxid)                             // LEADERINFO 17
    case ackEpoch(currentEpoch: Int64, lastLoggedZxid: Zxid)        // ACKEPOCH 18
    case diff(zxid: Zxid)                                           // DIFF 13
    case trunc(zxid: Zxid)                                          // TRUNC 14
    case snap(zxid: Zxid, tree: DataTree, sessions: [SessionTouch], chainCount: Int, chainHash: UInt64) // SNAP 15
    case newLeader(zxid: Zxid)                                      // NEWLEADER 10
    case upToDate                                                   // UPTODATE 12
    case proposal(TxnHeader, Txn)                                   // PROPOSAL 2
    case ack(zxid: Zxid)                                            // ACK 3
    case commit(zxid: Zxid)                                         // COMMIT 4
    case inform(TxnHeader, Txn)                                     // INFORM 8 (to observers)
    case ping(zxid: Zxid, touches: [SessionTouch])                  // PING 5
    case request(sessionId: Int64, cxid: Int32, ZKRequest)          // REQUEST 1 (learner forwards a write)
    case revalidate(sessionId: Int64, timeoutMs: Int32, valid: Bool) // REVALIDATE 6
    case syncReply(sessionId: Int64, cxid: Int32)                   // SYNC 7
    // Client protocol.
    case connect(ConnectRequest)
    case connectResponse(ConnectResponse)
    case clientRequest(xid: Int32, ZKRequest)
    case clientPing                                                 // xid -2, OpCode.ping 11
    case reply(ReplyHeader, ReplyBody)
    case watcherEvent(WatchedEvent)                                 // xid -1
    // Local timers (never on the wire).
    case electionTimeout(round: Int64)
    case finalizeWait(round: Int64)
    case peerTick(incarnation: Int)
    case fsyncDone(generation: Int, count: Int)
    case clientTick(Int)
    case programTimer(Int)

    public func digest(into h: inout TraceHasher) {
        switch self {
        case .notification(let n):
            h.combine(1 as Int); h.combine(n.leader); h.combine(n.zxid); h.combine(n.electionEpoch)
            h.combine(n.state.rawValue); h.combine(n.sid); h.combine(n.peerEpoch)
        case .followerInfo(let s, let z): h.combine(11 as Int); h.combine(s); h.combine(z)
        case .observerInfo(let s, let z): h.combine(16 as Int); h.combine(s); h.combine(z)
        case .leaderInfo(let z): h.combine(17 as Int); h.combine(z)
        case .ackEpoch(let e, let z): h.combine(18 as Int); h.combine(e); h.combine(z)
        case .diff(let z): h.combine(13 as Int); h.combine(z)
        case .trunc(let z): h.combine(14 as Int); h.combine(z)
        case .snap(let z, let t, let s, _, _): h.combine(15 as Int); h.combine(z); h.combine(t.nodeCount); h.combine(s.count)
        case .newLeader(let z): h.combine(10 as Int); h.combine(z)
        case .upToDate: h.combine(12 as Int)
        case .proposal(let hd, let t): h.combine(2 as Int); h.combine(hd.zxid); h.combine(hd.clientId); t.zabDigest(into: &h)
        case .ack(let z): h.combine(3 as Int); h.combine(z)
        case .commit(let z): h.combine(4 as Int); h.combine(z)
        case .inform(let hd, let t): h.combine(8 as Int); h.combine(hd.zxid); t.zabDigest(into: &h)
        case .ping(let z, let t): h.combine(5 as Int); h.combine(z); for x in t { h.combine(x.sessionId) }
        case .request(let s, let c, let r): h.combine(1001 as Int); h.combine(s); h.combine(Int(c)); h.combine(Int(r.opCode.rawValue))
        case .revalidate(let s, let t, let v): h.combine(6 as Int); h.combine(s); h.combine(Int(t)); h.combine(v)
        case .syncReply(let s, let c): h.combine(7 as Int); h.combine(s); h.combine(Int(c))
        case .connect(let c): h.combine(2001 as Int); h.combine(c.sessionId); h.combine(c.lastZxidSeen); h.combine(Int(c.timeOut))
        case .connectResponse(let c): h.combine(2002 as Int); h.combine(c.sessionId); h.combine(Int(c.timeOut))
        case .clientRequest(let x, let r): h.combine(2003 as Int); h.combine(Int(x)); h.combine(Int(r.opCode.rawValue))
        case .clientPing: h.combine(2004 as Int)
        case .reply(let r, _): h.combine(2005 as Int); h.combine(Int(r.xid)); h.combine(r.zxid); h.combine(Int(r.err.rawValue))
        case .watcherEvent(let e): h.combine(2006 as Int); h.combine(Int(e.type.rawValue)); h.combine(e.path)
        case .electionTimeout(let r): h.combine(3001 as Int); h.combine(r)
        case .finalizeWait(let r): h.combine(3002 as Int); h.combine(r)
        case .peerTick(let i): h.combine(3003 as Int); h.combine(i)
        case .fsyncDone(let g, let c): h.combine(3004 as Int); h.combine(g); h.combine(c)
        case .clientTick(let i): h.combine(3005 as Int); h.combine(i)
        case .programTimer(let i): h.combine(3006 as Int); h.combine(i)
        }
    }
}
