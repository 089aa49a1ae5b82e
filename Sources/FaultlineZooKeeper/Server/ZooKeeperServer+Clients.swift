import FaultlineCore

/// The client-facing side of a server (ZooKeeperServer, NIOServerCnxn, FinalRequestProcessor):
/// sessions connect and revalidate, reads are served from the local tree, writes and syncs
/// go to the leader, replies go out when the txn commits here.
extension QuorumPeer {
    func clientReceive(_ m: ZKMessage, from client: NodeID, _ ctx: NodeContext<ZKMessage>) {
        switch m {
        case .connect(let req):
            clientConnect(req, from: client, ctx)
        case .clientPing:
            guard let s = server.connections[client], s != 0 else { return }
            touchSession(s, ctx)
            ctx.send(.reply(ReplyHeader(xid: -2, zxid: tree.lastProcessedZxid, err: .ok), .none), to: client)
        case .clientRequest(let xid, let request):
            guard let s = server.connections[client], s != 0 else { ctx.disconnect(from: client); return }
            touchSession(s, ctx)
            clientRequest(session: s, xid: xid, request, ctx)
        default:
            break
        }
    }

    /// ZooKeeperServer.processConnectRequest.
    func clientConnect(_ req: ConnectRequest, from client: NodeID, _ ctx: NodeContext<ZKMessage>) {
        guard isServing else { ctx.probe("server.notRunning"); ctx.disconnect(from: client); return }
        if req.lastZxidSeen > tree.lastProcessedZxid {
            // "Refusing session request for client as it has seen zxid ... our last zxid is ..."
            ctx.probe("server.refuseClientAhead")
            ctx.disconnect(from: client)
            return
        }
        let minT = settings.minSessionTimeoutEffective.milliseconds, maxT = settings.maxSessionTimeoutEffective.milliseconds
        let timeout = Int32(min(max(Int64(req.timeOut), minT), maxT))
        if req.sessionId == 0 {
            let id = nextSessionId(ctx)
            server.connections[client] = id
            server.sessionHome[id] = client
            server.pending[id] = [PendingRequest(xid: 0, request: .createSession(timeoutMs: timeout), submitted: true)]
            submit(sessionId: id, cxid: 0, .createSession(timeoutMs: timeout), ctx)
        } else if state == .leading {
            let valid = leader!.sessionTracker.touch(req.sessionId, timeoutMs: timeout, now: ctx.now, tickTime: settings.tickTime)
            attachSession(req.sessionId, client: client, valid: valid, timeoutMs: sessionsWithTimeouts[req.sessionId] ?? timeout, ctx)
        } else {
            // Learner.validateSession: ask the leader with REVALIDATE.
            server.revalidating[req.sessionId] = (client, sessionsWithTimeouts[req.sessionId] ?? timeout)
            ctx.send(.revalidate(sessionId: req.sessionId, timeoutMs: timeout, valid: false), to: learner!.leaderNode)
        }
    }

    func finishRevalidate(_ sessionId: Int64, valid: Bool, _ ctx: NodeContext<ZKMessage>) {
        guard let r = server.revalidating.removeValue(forKey: sessionId) else { return }
        attachSession(sessionId, client: r.client, valid: valid, timeoutMs: r.timeoutMs, ctx)
    }

    func attachSession(_ id: Int64, client: NodeID, valid: Bool, timeoutMs: Int32, _ ctx: NodeContext<ZKMessage>) {
        guard valid else {
            ctx.probe("server.sessionExpiredOnReconnect")
            // The client reads this before the close; it closes the socket itself.
            ctx.send(.connectResponse(ConnectResponse(timeOut: 0, sessionId: 0)), to: client)
            return
        }
        if let old = server.sessionHome[id], old != client { server.connections[old] = nil }
        server.connections[client] = id
        server.sessionHome[id] = client
        ctx.send(.connectResponse(ConnectResponse(timeOut: timeoutMs, sessionId: id)), to: client)
    }

    /// SessionTrackerImpl.initializeNextSession: time in the middle bits, myid in the top byte.
    func nextSessionId(_ ctx: NodeContext<ZKMessage>) -> Int64 {
        if server.nextSessionId == 0 {
            let t = (UInt64(bitPattern: ctx.now.milliseconds) << 24) >> 8
            server.nextSessionId = Int64(bitPattern: t | (UInt64(bitPattern: myid) << 56))
        }
        server.nextSessionId += 1
        return server.nextSessionId
    }

    func touchSession(_ id: Int64, _ ctx: NodeContext<ZKMessage>) {
        if state == .leading, leader != nil {
            _ = leader!.sessionTracker.touch(id, timeoutMs: sessionsWithTimeouts[id] ?? 0, now: ctx.now, tickTime: settings.tickTime)
        } else {
            server.touches[id] = sessionsWithTimeouts[id] ?? 0
        }
    }

    func clientRequest(session s: Int64, xid: Int32, _ request: ZKRequest, _ ctx: NodeContext<ZKMessage>) {
        guard let client = server.sessionHome[s] else { return }
        var queue = server.pending[s] ?? []
        guard queue.count < ServerSideState.pendingPerSessionMax else { ctx.disconnect(from: client); return }
        if request.isWrite || isSync(request) {
            queue.append(PendingRequest(xid: xid, request: request, submitted: true))
            server.pending[s] = queue
            submit(sessionId: s, cxid: xid, request, ctx)
        } else if queue.isEmpty {
            serveRead(session: s, xid: xid, request, to: client, ctx)
        } else {
            queue.append(PendingRequest(xid: xid, request: request, submitted: false))
            server.pending[s] = queue
        }
    }

    func isSync(_ r: ZKRequest) -> Bool { if case .sync = r { return true } else { return false } }

    /// Writes go to the leader's PrepRequestProcessor (a learner forwards them as REQUEST).
    func submit(sessionId: Int64, cxid: Int32, _ request: ZKRequest, _ ctx: NodeContext<ZKMessage>) {
        if state == .leading { submitRequest(sessionId: sessionId, cxid: cxid, request, fromLearner: nil, ctx) }
        else if let l = learner { ctx.send(.request(sessionId: sessionId, cxid: cxid, request), to: l.leaderNode) }
    }

    /// The leader's request pipeline: SYNC waits for the outstanding proposals; everything
    /// else is prepared against the outstanding state and proposed (errors too).
    func submitRequest(sessionId: Int64, cxid: Int32, _ request: ZKRequest, fromLearner: Int64?, _ ctx: NodeContext<ZKMessage>) {
        guard var l = leader, l.phase == .broadcast else { return }
        if case .sync = request {
            if l.outstanding.isEmpty {
                if let sid = fromLearner, let h = l.handlers[sid] { ctx.send(.syncReply(sessionId: sessionId, cxid: cxid), to: h.node) }
                else { completeSync(sessionId: sessionId, cxid: cxid, ctx) }
            } else {
                l.pendingSyncs.append((fromLearner, sessionId, cxid, l.outstanding.last!.header.zxid))
                leader = l
            }
            return
        }
        if case .createSession(let t) = request {
            leader!.sessionTracker.addSession(sessionId, timeoutMs: t, now: ctx.now, tickTime: settings.tickTime)
        }
        prepareAndPropose(request, sessionId: sessionId, cxid: cxid, ctx)
        if case .closeSession = request { leader?.sessionTracker.setClosing(sessionId) }
    }

    /// FinalRequestProcessor for a committed txn: apply, fire watches, answer the client
    /// if its session lives here, then serve the reads that queued behind it.
    func commitLocally(_ header: TxnHeader, _ txn: Txn, _ ctx: NodeContext<ZKMessage>) {
        let r = applyToDatabase(header, txn)
        if case .closeSession = txn {
            leader?.sessionTracker.remove(header.clientId)
            if let client = server.sessionHome[header.clientId] {
                ctx.disconnect(from: client)
                clientGone(client)
            }
        }
        triggerWatches(r.watchEvents, ctx)
        guard let client = server.sessionHome[header.clientId], var queue = server.pending[header.clientId],
              let first = queue.first, first.submitted, first.xid == header.cxid else { return }
        queue.removeFirst()
        server.pending[header.clientId] = queue
        if case .createSession(let t) = first.request {
            ctx.send(.connectResponse(ConnectResponse(timeOut: t, sessionId: header.clientId)), to: client)
        } else {
            ctx.send(.reply(ReplyHeader(xid: first.xid, zxid: header.zxid, err: r.err), replyBody(first.request, r)), to: client)
        }
        drainReads(header.clientId, ctx)
    }

    func replyBody(_ request: ZKRequest, _ r: ProcessTxnResult) -> ReplyBody {
        guard r.err == .ok else { return .none }
        switch request {
        case .create: return .path(r.path ?? "")
        case .setData: return r.stat.map { .stat($0) } ?? .none
        default: return .none
        }
    }

    func completeSync(sessionId: Int64, cxid: Int32, _ ctx: NodeContext<ZKMessage>) {
        guard let client = server.sessionHome[sessionId], var queue = server.pending[sessionId],
              let first = queue.first, first.xid == cxid, isSync(first.request) else { return }
        queue.removeFirst()
        server.pending[sessionId] = queue
        if case .sync(let path) = first.request {
            ctx.send(.reply(ReplyHeader(xid: cxid, zxid: tree.lastProcessedZxid, err: .ok), .path(path)), to: client)
        }
        drainReads(sessionId, ctx)
    }

    func drainReads(_ s: Int64, _ ctx: NodeContext<ZKMessage>) {
        guard let client = server.sessionHome[s] else { return }
        while let next = server.pending[s]?.first, !next.submitted {
            server.pending[s]!.removeFirst()
            serveRead(session: s, xid: next.xid, next.request, to: client, ctx)
        }
    }

    /// Reads come from the local tree: possibly stale, never waiting for a quorum. The
    /// tree registers the watch the request asks for (one-shot, on this server only).
    func serveRead(session s: Int64, xid: Int32, _ request: ZKRequest, to client: NodeID, _ ctx: NodeContext<ZKMessage>) {
        let z = tree.lastProcessedZxid
        if case .setWatches(let w) = request {
            // FinalRequestProcessor: the watches that already fired are notified, then the reply.
            let fired = tree.setWatches(w, session: s)
            if !fired.isEmpty { ctx.probe("server.setWatchesFiredAtOnce") }
            for e in fired { ctx.send(.watcherEvent(e), to: client) }
            ctx.send(.reply(ReplyHeader(xid: xid, zxid: z, err: .ok), .none), to: client)
            return
        }
        let body: ReplyBody
        var err = KeeperErrorCode.ok
        switch tree.read(request, session: s) {
        case .data(let d, let st): body = .data(d, st)
        case .stat(let st): body = .stat(st)
        case .children(let c, _): body = .children(c)
        case .error(let e): err = e; body = .none
        }
        ctx.send(.reply(ReplyHeader(xid: xid, zxid: z, err: err), body), to: client)
    }

    /// WatchManager fired these while applying a txn: notify the sessions connected here.
    func triggerWatches(_ events: [WatchedEvent], _ ctx: NodeContext<ZKMessage>) {
        for e in events {
            if let c = server.sessionHome[e.session] { ctx.send(.watcherEvent(e), to: c) }
        }
    }

    func clientGone(_ client: NodeID) {
        guard let s = server.connections.removeValue(forKey: client) else { return }
        if server.sessionHome[s] == client {
            server.sessionHome[s] = nil
            server.pending[s] = nil
            tree.removeWatches(session: s)
        }
    }

    /// The server stops serving (role change): every client connection is closed, so
    /// clients see a connection loss and look for another server.
    func stopServing(_ ctx: NodeContext<ZKMessage>) {
        for c in server.connections.keys.sorted() {
            ctx.disconnect(from: c)
            if let s = server.connections[c] { tree.removeWatches(session: s) }
        }
        server = ServerSideState()
        isServing = false
    }
}
