import FaultlineCore
import FaultlineHistory

/// Watcher.Event.KeeperState as the application sees it.
public enum KeeperState: String, Sendable { case syncConnected = "SyncConnected", disconnected = "Disconnected", expired = "Expired" }

/// What an operation's history entry says (Jepsen's :f, key and value).
public struct HistoryTag: Sendable {
    public var f: String, key: String?, value: Value
    public init(f: String, key: String? = nil, value: Value = .null) { self.f = f; self.key = key; self.value = value }
}

/// The application running on a client: a recipe, a workload. It acts through the client.
public protocol ZooKeeperClientProgram: AnyObject {
    func stateChanged(_ state: KeeperState, _ client: ZooKeeperClient)
    /// A request finished: the reply's error code and body (connectionLoss when the connection broke).
    func completed(tag: Int, err: KeeperErrorCode, body: ReplyBody, _ client: ZooKeeperClient)
    func watchTriggered(_ event: WatchedEvent, _ client: ZooKeeperClient)
    func timerFired(tag: Int, _ client: ZooKeeperClient)
}

/// Client histories, shared by every client of a run (written with true times, read by checkers).
public final class HistoryRecorder {
    public private(set) var history = History()
    public init() {}
    public func append(_ op: Operation) { history.append(op) }
}

/// ClientCnxn: one session, one server at a time, failover through the connect string.
///
/// It connects with a ConnectRequest (lastZxidSeen, timeout, sessionId), pings when idle for
/// readTimeout/2 (readTimeout = 2/3 of the negotiated timeout), declares the connection lost
/// when nothing arrived for readTimeout (Disconnected; pending requests fail with
/// CONNECTIONLOSS), and tries the next server after a random delay of up to 1 s. The session
/// ends only when a server answers a reconnect with timeout 0 (Expired).
///
/// Watches are kept as ZKWatchManager keeps them (data, exist and child paths, registered
/// when the read that set them succeeds, dropped when they fire), and every reconnect sends
/// them again in a SetWatches before any queued request, so a failover keeps them.
public final class ZooKeeperClient: SimActor {
    public typealias Message = ZKMessage
    enum Phase { case idle, connecting, connected, expired }

    public let servers: [NodeID]
    public let sessionTimeoutRequested: SimDuration
    public let program: ZooKeeperClientProgram
    let recorder: HistoryRecorder?
    let processBase: Int
    public private(set) var sessionId: Int64 = 0
    public private(set) var negotiatedTimeout: SimDuration = .zero
    public private(set) var lastZxidSeen: Zxid = 0
    public private(set) var keeperState: KeeperState = .disconnected
    var phase: Phase = .idle
    var serverOrder: [NodeID] = []
    var serverIndex = 0
    public private(set) var currentServer: NodeID?
    var lastRecv = LocalTime(nanoseconds: 0), lastSend = LocalTime(nanoseconds: 0)
    var xid: Int32 = 1
    var tickToken = 0
    struct Outstanding { var xid: Int32; var request: ZKRequest; var tag: Int; var history: HistoryTag? }
    var pending: [Outstanding] = []
    var outgoing: [Outstanding] = []
    /// Indeterminate ops make a Jepsen process retire: the next op uses a fresh process id.
    var processGeneration = 0
    var ctxRef: NodeContext<ZKMessage>?
    /// Bound on requests queued or in flight (the app must not flood one session).
    public static let outstandingMax = 1000
    /// The `zookeeper.disableAutoWatchReset` client property (default false): when true, a
    /// reconnect sends no SetWatches and a disconnect forgets every watch.
    public var disableAutoWatchReset = false
    /// ZKWatchManager's tables: paths of getData watches (and exists watches on nodes that
    /// existed), of exists watches on missing nodes, and of getChildren watches.
    public private(set) var dataWatches: Set<String> = []
    public private(set) var existWatches: Set<String> = []
    public private(set) var childWatches: Set<String> = []

    public init(servers: [NodeID], sessionTimeout: SimDuration, program: ZooKeeperClientProgram,
                recorder: HistoryRecorder?, process: Int) {
        precondition(!servers.isEmpty, "a connect string names at least one server")
        self.servers = servers; self.sessionTimeoutRequested = sessionTimeout; self.program = program
        self.recorder = recorder; self.processBase = process
    }

    public var node: NodeID? { ctxRef?.node }
    public var process: Int { processBase + 1000 * processGeneration }
    public var isConnected: Bool { phase == .connected }
    var ctx: NodeContext<ZKMessage> { ctxRef! }

    public func handle(_ event: ActorEvent<ZKMessage>, _ ctx: NodeContext<ZKMessage>) {
        ctxRef = ctx
        switch event {
        case .boot:
            // The connect string is shuffled (StaticHostProvider).
            serverOrder = servers
            ctx.random.shuffle(&serverOrder)
            ctx.setConnectTimeout(connectTimeout)
            startConnect(delay: .zero)
        case .message(let m, let from):
            guard from == currentServer else { return }
            receive(m)
        case .timer(_, let m):
            if case .clientTick(let t) = m, t == tickToken { tick() }
            if case .programTimer(let tag) = m { program.timerFired(tag: tag, self) }
        case .disconnected(let peer):
            if peer == currentServer { connectionLost("connection closed by server") }
        }
    }

    // MARK: API for programs

    /// Queues a request (sent at once when connected, else when the connection is back).
    /// `history` records invoke now and ok / fail / info at completion.
    public func submit(_ request: ZKRequest, tag: Int, history: HistoryTag? = nil) {
        guard phase != .expired else { program.completed(tag: tag, err: .sessionExpired, body: .none, self); return }
        guard pending.count + outgoing.count < ZooKeeperClient.outstandingMax else {
            program.completed(tag: tag, err: .systemError, body: .none, self); return
        }
        let o = Outstanding(xid: xid, request: request, tag: tag, history: history)
        xid += 1
        if let h = history { record(.invoke, h) }
        if phase == .connected { send(o) } else { outgoing.append(o) }
    }

    public func setTimer(after d: SimDuration, tag: Int) { ctx.setTimer(after: d, .programTimer(tag)) }
    /// A new ZooKeeper handle after Expired: a fresh session.
    public func startNewSession() {
        sessionId = 0
        clearWatches()
        phase = .idle
        startConnect(delay: .zero)
    }
    public var random: SeededRandom { get { ctx.random } set { ctx.random = newValue } }
    public var historyTime: SimTime { ctx.historyTime }
    public var clientNode: NodeID { ctx.node }
    public var clientName: String { ctx.name }

    func record(_ type: OpType, _ h: HistoryTag, value: Value? = nil) {
        recorder?.append(Operation(process: process, type: type, f: h.f, key: h.key, value: value ?? h.value,
                                   time: ctx.historyTime.nanoseconds, node: ctx.name))
        if type == .info { processGeneration += 1 }
    }

    // MARK: connection

    func startConnect(delay: SimDuration) {
        phase = .connecting
        tickToken += 1
        ctx.setTimer(after: delay, .clientTick(tickToken))
        pendingConnectSend = true
    }
    var pendingConnectSend = false

    var readTimeout: SimDuration { (negotiatedTimeout > .zero ? negotiatedTimeout : sessionTimeoutRequested) * 2 / 3 }
    var connectTimeout: SimDuration { sessionTimeoutRequested / Int64(servers.count) }
    var tickInterval: SimDuration { max(readTimeout / 10, .milliseconds(1)) }

    func sendConnect() {
        pendingConnectSend = false
        let s = serverOrder[serverIndex % serverOrder.count]
        serverIndex += 1
        currentServer = s
        lastRecv = ctx.now; lastSend = ctx.now
        let req = ConnectRequest(lastZxidSeen: lastZxidSeen, timeOut: Int32(sessionTimeoutRequested.milliseconds), sessionId: sessionId)
        ctx.send(.connect(req), to: s)
    }

    func tick() {
        guard phase == .connecting || phase == .connected else { return }
        if pendingConnectSend { sendConnect() }
        let idleRecv = ctx.now - lastRecv
        if phase == .connecting {
            if idleRecv > connectTimeout { connectionLost("connect timed out") ; return }
        } else {
            if idleRecv > readTimeout {
                ctx.probe("client.sessionTimedOut")
                connectionLost("Client session timed out, have not heard from server in \(idleRecv.milliseconds)ms")
                return
            }
            if ctx.now - lastSend >= readTimeout / 2 || ctx.now - lastSend > .seconds(10) {
                lastSend = ctx.now
                ctx.send(.clientPing, to: currentServer!)
            }
        }
        ctx.setTimer(after: tickInterval, .clientTick(tickToken))
    }

    func send(_ o: Outstanding) {
        precondition(phase == .connected && currentServer != nil, "requests go out only on a live connection")
        pending.append(o)
        lastSend = ctx.now
        ctx.send(.clientRequest(xid: o.xid, o.request), to: currentServer!)
    }

    func receive(_ m: ZKMessage) {
        lastRecv = ctx.now
        switch m {
        case .connectResponse(let r):
            guard phase == .connecting else { return }
            if r.timeOut <= 0 {
                ctx.probe("client.expired")
                phase = .expired
                keeperState = .expired
                clearWatches()
                failAll(.sessionExpired)
                if let s = currentServer { ctx.disconnect(from: s) }
                currentServer = nil
                program.stateChanged(.expired, self)
                return
            }
            sessionId = r.sessionId
            negotiatedTimeout = .milliseconds(Int64(r.timeOut))
            phase = .connected
            keeperState = .syncConnected
            let queued = outgoing
            outgoing = []
            // ClientCnxn.primeConnection: SetWatches goes ahead of every queued request.
            if !disableAutoWatchReset {
                let w = SetWatches(relativeZxid: lastZxidSeen, dataWatches: dataWatches.sorted(),
                                   existWatches: existWatches.sorted(), childWatches: childWatches.sorted())
                if !w.isEmpty {
                    ctx.probe("client.setWatches")
                    send(Outstanding(xid: SetWatches.xid, request: .setWatches(w), tag: -1, history: nil))
                }
            }
            for o in queued { send(o) }
            program.stateChanged(.syncConnected, self)
        case .reply(let h, let body):
            if h.zxid > lastZxidSeen { lastZxidSeen = h.zxid }
            if h.xid == -2 { return }
            guard let first = pending.first, first.xid == h.xid else {
                // ClientCnxn: "Xid out of order. Got Xid .. expected Xid .." is an IOException.
                ctx.probe("client.xidOutOfOrder")
                connectionLost("Xid out of order. Got Xid \(h.xid) expected \(pending.first.map { String($0.xid) } ?? "none")")
                return
            }
            pending.removeFirst()
            if first.xid == SetWatches.xid { return }
            registerWatch(first.request, h.err)
            if let tag = first.history { record(completionType(h.err, tag), tag, value: completionValue(h.err, body, tag)) }
            program.completed(tag: first.tag, err: h.err, body: body, self)
        case .watcherEvent(let e):
            forgetFiredWatch(e)
            program.watchTriggered(e, self)
        default:
            break
        }
    }

    func completionType(_ err: KeeperErrorCode, _ tag: HistoryTag) -> OpType {
        switch err {
        case .ok: return .ok
        case .connectionLoss, .operationTimeout: return .info
        default: return .fail
        }
    }

    func completionValue(_ err: KeeperErrorCode, _ body: ReplyBody, _ tag: HistoryTag) -> Value {
        if tag.f == "read", err == .ok, case .data(let d, _) = body { let t = String(decoding: d, as: UTF8.self); return Int64(t).map { .int($0) } ?? .string(t) }
        return tag.value
    }

    /// ClientCnxn.cleanup after a connection loss: every pending and queued request fails
    /// with CONNECTIONLOSS, the app sees Disconnected, and the next server is tried.
    func connectionLost(_ why: String) {
        ctx.note("client: \(why)")
        if let s = currentServer { ctx.disconnect(from: s) }
        currentServer = nil
        let wasConnected = phase == .connected
        // Not connected any more before any callback runs: a program that resubmits from
        // its completion handler queues the request for the next connection.
        if phase != .expired { phase = .connecting }
        keeperState = .disconnected
        if disableAutoWatchReset { clearWatches() }
        failAll(.connectionLoss)
        if wasConnected { program.stateChanged(.disconnected, self) }
        guard phase != .expired else { return }
        // ClientCnxn sleeps up to 1 s before reconnecting.
        startConnect(delay: .milliseconds(Int64(ctx.random.int(in: 0...999))))
    }

    func failAll(_ err: KeeperErrorCode) {
        // Sent requests may have been applied (info); queued ones never left (fail).
        let sent = pending, queued = outgoing
        pending = []; outgoing = []
        for o in sent where o.xid != SetWatches.xid {
            if let h = o.history { record(.info, h) }
            program.completed(tag: o.tag, err: err, body: .none, self)
        }
        for o in queued {
            if let h = o.history { record(.fail, h) }
            program.completed(tag: o.tag, err: err, body: .none, self)
        }
    }

    // MARK: watches (ZKWatchManager)

    /// The WatchRegistration of a finished read: getData and getChildren register on success;
    /// exists registers a data watch when the node was there, an exist watch on NoNode.
    func registerWatch(_ request: ZKRequest, _ err: KeeperErrorCode) {
        switch request {
        case .getData(let path, true) where err == .ok: dataWatches.insert(path)
        case .exists(let path, true) where err == .ok: dataWatches.insert(path)
        case .exists(let path, true) where err == .noNode: existWatches.insert(path)
        case .getChildren(let path, true) where err == .ok: childWatches.insert(path)
        default: break
        }
    }

    /// ZKWatchManager.materialize: a fired watch is gone (one-shot) from the tables it was in.
    func forgetFiredWatch(_ e: WatchedEvent) {
        switch e.type {
        case .nodeCreated, .nodeDataChanged:
            dataWatches.remove(e.path); existWatches.remove(e.path)
        case .nodeChildrenChanged:
            childWatches.remove(e.path)
        case .nodeDeleted:
            dataWatches.remove(e.path); existWatches.remove(e.path); childWatches.remove(e.path)
        case .none:
            break
        }
    }

    func clearWatches() {
        dataWatches.removeAll(); existWatches.removeAll(); childWatches.removeAll()
    }

    public func checkInvariants() {
        precondition(pending.count + outgoing.count <= ZooKeeperClient.outstandingMax)
        if phase == .connected { precondition(sessionId != 0 && currentServer != nil) }
    }
}
