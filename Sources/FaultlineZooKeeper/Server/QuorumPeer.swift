import FaultlineCore
import FaultlineStorage

/// Who is in the ensemble: every server's myid and node, and which of them vote.
/// Shared by all servers (it is the `server.N=` lines of zoo.cfg, read by every peer).
public struct QuorumVerifier: Sendable {
    public var settings: ZooKeeperSettings
    /// myid -> node, for participants (voters) and observers.
    public var serverNodes: [(myid: Int64, node: NodeID, observer: Bool)]

    public var voters: [Int64] { serverNodes.filter { !$0.observer }.map(\.myid) }
    public func node(of sid: Int64) -> NodeID? { serverNodes.first { $0.myid == sid }?.node }
    public func sid(of node: NodeID) -> Int64? { serverNodes.first { $0.node == node }?.myid }
    public func isVoter(_ sid: Int64) -> Bool { serverNodes.contains { $0.myid == sid && !$0.observer } }
    /// QuorumMaj.containsQuorum: more than half of the voters (observers never count).
    public func containsQuorum<S: Sequence>(_ sids: S) -> Bool where S.Element == Int64 {
        var n = 0
        var seen: [Int64] = []
        for s in sids where isVoter(s) && !seen.contains(s) { seen.append(s); n += 1 }
        return n * 2 > voters.count
    }
}

/// A ZooKeeper server process: QuorumPeer's main loop as a state machine. It is LOOKING
/// (FastLeaderElection), LEADING (Leader + LearnerHandlers), FOLLOWING (Follower) or
/// OBSERVING (Observer), and serves clients once synced with an established leader.
///
/// Everything it must not forget lives in `dataDir` (epochs, txn log, snapshot); the rest
/// is rebuilt at `.boot` by replaying the log into the tree, as ZKDatabase.loadDataBase does.
public final class QuorumPeer: SimActor {
    public typealias Message = ZKMessage

    public let myid: Int64
    public let isObserver: Bool
    public let quorum: QuorumVerifier
    public let dataDir: ZKDataDir
    var settings: ZooKeeperSettings { quorum.settings }

    public internal(set) var state: ServerState = .looking
    /// The vote this peer settled on in its last election (getCurrentVote).
    public internal(set) var currentVote: Vote
    public internal(set) var tree = DataTree()
    /// ZKDatabase.sessionsWithTimeouts: replicated by createSession / closeSession txns.
    public internal(set) var sessionsWithTimeouts: [Int64: Int32] = [:]

    // Observer-facing record of what this server applied: a rolling hash over the
    // (zxid, txn) sequence, so observers compare servers in O(1).
    public internal(set) var appliedCount = 0
    public internal(set) var appliedHash: UInt64 = 0
    /// The hash after each applied txn, from position `appliedChainBase` on (a SNAP starts
    /// the chain at the snapshot's position): lets observers check prefixes entry by entry.
    public internal(set) var appliedChain: [UInt64] = []
    public internal(set) var appliedChainBase = 0
    /// True when this server serves clients: an established leader, or a learner after UPTODATE.
    public internal(set) var isServing = false
    /// TRUNC / SNAP / DIFF syncs this process received (tests read these).
    public internal(set) var syncModesReceived: [String] = []

    var election = ElectionState()
    var leader: LeaderState?
    var learner: LearnerState?
    var server = ServerSideState()
    /// Bumped at every role change: ticks of an older role are stale.
    var roleToken = 0
    /// Entries of the log covered by a completed flush (fsync, or a write with forceSync=no).
    var flushedCount = 0
    var flushInFlight = false
    var flushPending: PendingSync?

    public init(myid: Int64, quorum: QuorumVerifier, dataDir: ZKDataDir) {
        self.myid = myid
        self.quorum = quorum
        self.dataDir = dataDir
        self.isObserver = !quorum.isVoter(myid)
        currentVote = Vote(leader: myid, zxid: 0, electionEpoch: 0, peerEpoch: 0)
    }

    public var acceptedEpoch: Int64 { dataDir.acceptedEpoch }
    public var currentEpoch: Int64 { dataDir.currentEpoch }
    public var lastLoggedZxid: Zxid { dataDir.lastLoggedZxid }
    /// The epoch this peer leads, once it chose one.
    public var leaderEpoch: Int64? { leader?.epoch }
    /// True for a leader whose NEWLEADER a quorum acknowledged.
    public var isEstablishedLeader: Bool { state == .leading && leader?.phase == .broadcast }
    /// The sid this learner follows.
    public var followedLeader: Int64? { learner?.leaderSid }

    /// `zookeeper.cnxTimeout` (5000 ms): QuorumCnxManager's connect timeout for the election
    /// connections. The model's servers share one connection per pair, so it bounds every
    /// connect a server makes (Learner.connectToLeader allows initLimit ticks, longer).
    static let cnxTimeout = SimDuration.milliseconds(5000)

    /// Why this process refused to start (its files did not load); it then handles nothing.
    public internal(set) var halted: String?

    public func handle(_ event: ActorEvent<ZKMessage>, _ ctx: NodeContext<ZKMessage>) {
        if halted != nil { return }
        switch event {
        case .boot:
            loadDataBase()
            if let problem = dataDir.storageError {
                // The real server exits at startup when its dataDir does not load (a CRC
                // failure, "No snapshot found, but there are log entries"): it stays down.
                halted = problem
                ctx.probe("peer.refusesToStart")
                ctx.note("unable to load database on disk: \(problem)")
                return
            }
            ctx.setConnectTimeout(QuorumPeer.cnxTimeout)
            lookForLeader(ctx)
        case .message(let m, let from):
            receive(m, from: from, ctx)
        case .timer(_, let m):
            timer(m, ctx)
        case .disconnected(let peer):
            disconnected(peer, ctx)
        }
    }

    func receive(_ m: ZKMessage, from: NodeID, _ ctx: NodeContext<ZKMessage>) {
        switch m {
        case .notification(let n):
            receiveNotification(n, from: from, ctx)
        case .followerInfo, .observerInfo, .ackEpoch, .ack, .request, .revalidate, .ping:
            if let sid = quorum.sid(of: from) {
                if state == .leading { leaderReceive(m, from: sid, ctx) }
                else if case .ping = m, state != .leading { learnerReceive(m, from: from, ctx) }
                else if case .revalidate = m { learnerReceive(m, from: from, ctx) }
                else {
                    // No Leader is running: the quorum port refuses, and the learner retries
                    // (connectToLeader). The election connection is another socket in the
                    // real server, so this one is left alone.
                    ctx.probe("peer.learnerPacketWhileNotLeading")
                }
            }
        case .leaderInfo, .diff, .trunc, .snap, .newLeader, .upToDate, .proposal, .commit, .inform, .syncReply:
            learnerReceive(m, from: from, ctx)
        case .connect, .clientRequest, .clientPing:
            clientReceive(m, from: from, ctx)
        case .connectResponse, .reply, .watcherEvent:
            break
        case .electionTimeout, .finalizeWait, .peerTick, .fsyncDone, .clientTick, .programTimer:
            preconditionFailure("timer message on the wire")
        }
    }

    func timer(_ m: ZKMessage, _ ctx: NodeContext<ZKMessage>) {
        switch m {
        case .electionTimeout(let round): electionTimeout(round, ctx)
        case .finalizeWait(let round): finalizeElection(round, ctx)
        case .peerTick(let token):
            guard token == roleToken else { return }
            if state == .leading { leaderTick(ctx) } else if state == .following || state == .observing { learnerTick(ctx) }
        case .fsyncDone(let gen, let count): flushCompleted(generation: gen, count: count, ctx)
        default: break
        }
    }

    func disconnected(_ peer: NodeID, _ ctx: NodeContext<ZKMessage>) {
        if server.connections[peer] != nil { clientGone(peer); return }
        guard let sid = quorum.sid(of: peer) else { return }
        if state == .leading { leaderLostLearner(sid, ctx) }
        else if let l = learner, l.leaderSid == sid { learnerLostLeader("connection to leader closed", ctx) }
    }

    // MARK: database

    /// ZKDatabase.loadDataBase: the snapshot, then every logged txn, whether committed or not
    /// (the leader's TRUNC removes what was not).
    func loadDataBase() {
        let db = dataDir.load()
        tree = db.tree
        sessionsWithTimeouts = db.sessions
        // The applied chain: the snapshot's position, then one step per replayed txn.
        appliedCount = dataDir.snapshot?.chainCount ?? 0
        appliedHash = dataDir.snapshot?.chainHash ?? 0
        appliedChainBase = appliedCount
        appliedChain = []
        for e in dataDir.log {
            appliedCount += 1
            appliedHash = QuorumPeer.chain(appliedHash, e.header, e.txn)
            appliedChain.append(appliedHash)
        }
        flushedCount = dataDir.durableCount
        flushInFlight = false
        flushPending = nil
        dataDir.checkInvariants()
    }

    /// ZKDatabase.fastForwardDataBase, run when a server stops serving: every logged txn
    /// beyond the tree is applied, so the vote carries the last *logged* zxid.
    func fastForwardDataBase() {
        for e in dataDir.log where e.zxid > tree.lastProcessedZxid { applyToDatabase(e.header, e.txn) }
    }

    /// Applies a txn to the tree and the session table and extends the applied chain.
    @discardableResult
    func applyToDatabase(_ header: TxnHeader, _ txn: Txn) -> ProcessTxnResult {
        precondition(header.zxid > tree.lastProcessedZxid || appliedCount == 0 && header.zxid > 0, "txns apply in zxid order")
        let r = tree.processTxn(header, txn)
        switch txn {
        case .createSession(let t): sessionsWithTimeouts[header.clientId] = t
        case .closeSession: sessionsWithTimeouts[header.clientId] = nil
        default: break
        }
        appliedCount += 1
        appliedHash = QuorumPeer.chain(appliedHash, header, txn)
        appliedChain.append(appliedHash)
        return r
    }

    static func chain(_ h0: UInt64, _ header: TxnHeader, _ txn: Txn) -> UInt64 {
        var h = TraceHasher(seed: h0)
        h.combine(header.zxid); h.combine(header.clientId); h.combine(Int(header.cxid))
        txn.zabDigest(into: &h)
        return h.value
    }

    var sessionList: [SessionTouch] {
        sessionsWithTimeouts.keys.sorted().map { SessionTouch(sessionId: $0, timeoutMs: sessionsWithTimeouts[$0]!) }
    }

    // MARK: the txn log's group commit (SyncRequestProcessor)

    func logAppend(_ header: TxnHeader, _ txn: Txn, _ ctx: NodeContext<ZKMessage>) {
        dataDir.append(ZKDataDir.LogEntry(header: header, txn: txn))
        startFlushIfNeeded(ctx)
    }

    func startFlushIfNeeded(_ ctx: NodeContext<ZKMessage>) {
        guard !flushInFlight, dataDir.log.count > flushedCount else { return }
        flushInFlight = true
        // forceSync=no: the write returns without an fsync; the data stays in the page cache.
        flushPending = settings.forceSync ? dataDir.commit() : nil
        ctx.afterIO(flushPending?.latency ?? .zero, .fsyncDone(generation: dataDir.generation, count: dataDir.log.count))
    }

    func flushCompleted(generation gen: Int, count: Int, _ ctx: NodeContext<ZKMessage>) {
        flushInFlight = false
        let pending = flushPending
        flushPending = nil
        if gen == dataDir.generation {
            if settings.forceSync && !dataDir.completeCommit(pending, generation: gen, count: count) {
                ctx.probe("txnlog.fsyncFailed")
                startFlushIfNeeded(ctx)
                return
            }
            let before = flushedCount
            flushedCount = max(flushedCount, min(count, dataDir.log.count))
            if flushedCount > before {
                let flushed = dataDir.log[before..<flushedCount].map(\.zxid)
                if state == .leading { leaderFlushed(flushed, ctx) } else { learnerFlushed(flushed, ctx) }
            }
        } else {
            flushedCount = min(flushedCount, dataDir.log.count)
        }
        startFlushIfNeeded(ctx)
    }

    // MARK: roles

    func setRole(_ s: ServerState, _ ctx: NodeContext<ZKMessage>) {
        if s != state { ctx.note("\(state) -> \(s)") }
        if isServing && s != state || s == .looking { stopServing(ctx) }
        state = s
        roleToken += 1
    }

    /// A tick for the current role, every tickTime/2 (Leader.lead's loop runs at that rate).
    func scheduleTick(_ ctx: NodeContext<ZKMessage>) {
        // A learner still connecting also needs its retry moment (every 100 ms).
        let d = state != .leading && learner?.phase == .connecting ? min(settings.tickTime / 2, QuorumPeer.connectRetryDelay) : settings.tickTime / 2
        ctx.setTimer(after: d, .peerTick(incarnation: roleToken))
    }

    public func checkInvariants() {
        dataDir.checkInvariants()
        tree.checkInvariants()
        precondition(flushedCount <= dataDir.log.count, "flushed beyond the log")
        if isServing { precondition(state != .looking, "a LOOKING peer never serves") }
        if let l = leader { l.checkInvariants() }
    }
}
