import FaultlineCore

/// SessionTrackerImpl, the leader's: every session's timeout and its expiry, rounded up to
/// the next multiple of tickTime (the expiration buckets of ExpiryQueue). A session whose
/// bucket passes without a touch is expired: the leader proposes its closeSession.
struct SessionTracker {
    struct Session { var timeoutMs: Int32; var expiresAt: LocalTime; var closing: Bool }
    private(set) var sessions: [Int64: Session] = [:]

    /// ExpiryQueue.roundToNextInterval.
    static func roundToNextInterval(_ t: LocalTime, _ tickTime: SimDuration) -> LocalTime {
        let i = tickTime.nanoseconds
        return LocalTime(nanoseconds: (t.nanoseconds / i + 1) * i)
    }

    /// The new leader starts every known session's clock afresh (SessionTrackerImpl's constructor).
    mutating func load(_ known: [SessionTouch], now: LocalTime, tickTime: SimDuration) {
        sessions = [:]
        for s in known { addSession(s.sessionId, timeoutMs: s.timeoutMs, now: now, tickTime: tickTime) }
    }

    mutating func addSession(_ id: Int64, timeoutMs: Int32, now: LocalTime, tickTime: SimDuration) {
        if sessions[id] != nil { _ = touch(id, timeoutMs: timeoutMs, now: now, tickTime: tickTime); return }
        sessions[id] = Session(timeoutMs: timeoutMs, expiresAt: SessionTracker.roundToNextInterval(now + .milliseconds(Int64(timeoutMs)), tickTime), closing: false)
    }

    /// touchSession: false when the session is gone or closing (the client will see Expired).
    mutating func touch(_ id: Int64, timeoutMs: Int32, now: LocalTime, tickTime: SimDuration) -> Bool {
        guard var s = sessions[id], !s.closing else { return false }
        let e = SessionTracker.roundToNextInterval(now + .milliseconds(Int64(s.timeoutMs)), tickTime)
        if e > s.expiresAt { s.expiresAt = e }
        sessions[id] = s
        return true
    }

    func isValid(_ id: Int64) -> Bool { sessions[id].map { !$0.closing } ?? false }

    /// setSessionClosing: no further request of it is accepted.
    mutating func setClosing(_ id: Int64) { sessions[id]?.closing = true }
    mutating func remove(_ id: Int64) { sessions[id] = nil }

    /// The sessions whose bucket has passed, in id order (never Dictionary order).
    mutating func expired(now: LocalTime) -> [Int64] {
        let due = sessions.keys.sorted().filter { !sessions[$0]!.closing && sessions[$0]!.expiresAt <= now }
        for id in due { sessions[id]!.closing = true }
        return due
    }
}

extension QuorumPeer {
    /// SessionTrackerImpl's expirer: close each expired session through a closeSession txn.
    func expireSessions(_ ctx: NodeContext<ZKMessage>) {
        guard leader != nil else { return }
        for id in leader!.sessionTracker.expired(now: ctx.now) {
            ctx.probe("session.expired")
            ctx.note("Expiring session 0x\(String(UInt64(bitPattern: id), radix: 16))")
            prepareAndPropose(.closeSession, sessionId: id, cxid: 0, ctx)
        }
    }
}
