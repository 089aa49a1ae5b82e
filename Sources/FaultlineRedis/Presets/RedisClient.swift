import FaultlineCore
import FaultlineHistory

/// Where clients write their history. Actors only append; checkers read it after the run.
public final class RedisHistoryLog {
    public internal(set) var history = History()
    public init() {}
    public func append(_ op: Operation) { history.append(op) }
}

/// How a workload client behaves (the Jepsen 2013 Redis test: every client adds unique
/// numbers to one list, then one reads the list back).
public struct RedisClientSettings: Sendable, Hashable {
    /// The list a value goes to.
    public func key(for value: Int64) -> String { keyShards <= 1 ? key : "\(key):\(value % Int64(keyShards))" }
    /// Every list the workload writes.
    public var keys: [String] { keyShards <= 1 ? [key] : (0..<keyShards).map { "\(key):\($0)" } }

    /// The key every client appends to (RPUSH) and the final read reads (LRANGE 0 -1).
    public var key: String = "jepsen"
    /// Values spread over this many lists (`jepsen:0` ...), so no list grows long; 1 keeps
    /// the single `key`. Each list is checked on its own.
    public var keyShards: Int = 10
    /// Time between a completed operation and the next.
    public var writeInterval: SimDuration = .milliseconds(100)
    /// The client's socket timeout: no answer by then is an indeterminate outcome.
    public var requestTimeout: SimDuration = .seconds(1)
    /// After each write send WAIT `numreplicas` `timeout` (the `wait` preset); a write is
    /// acknowledged only if WAIT answers at least `numreplicas`.
    public var waitNumReplicas: Int? = nil
    public var waitTimeoutMs: Int64 = 1000
    /// Delay before asking Sentinel again after a failure.
    public var reconnectDelay: SimDuration = .milliseconds(200)
    public init() {}
}

/// A client process: asks a Sentinel for the master (SENTINEL get-master-addr-by-name), sends
/// its writes there, and goes back to Sentinel after -READONLY, a broken link or a timeout.
/// It records every operation: invoke, then ok / fail / info.
public final class RedisClient: SimActor {
    public typealias Message = RedisMessage
    let settings: RedisClientSettings
    let process: Int
    let masterName: String
    let sentinels: [NodeID]
    let book: RedisAddressBook
    let log: RedisHistoryLog

    /// Set by the harness: stop issuing writes (the liveness phase).
    public var writing = true
    /// Keys the requested final read still has to read.
    public private(set) var readQueue: [String] = []
    /// True until the requested final read completed.
    public var readRequested: Bool { !readQueue.isEmpty }

    /// Asks for the final read (LRANGE <key> 0 -1 of every list), from the master Sentinel
    /// names now: the client asks Sentinel again first, so it never reads a demoted node.
    public func requestFinalRead() {
        readQueue = settings.keys
        master = nil
    }
    public private(set) var master: NodeID?
    public private(set) var acknowledgedWrites = 0

    enum Pending { case discover, write(Int64), wait(Int64), read }
    var inflight: (peer: NodeID, what: Pending, seq: UInt64)?
    var seq: UInt64 = 0
    var counter: Int64 = 0
    var sentinelCursor = 0
    var timeoutTimer: TimerID?

    public init(process: Int, settings: RedisClientSettings, masterName: String, sentinels: [NodeID],
                book: RedisAddressBook, log: RedisHistoryLog) {
        precondition(!sentinels.isEmpty, "a client needs a Sentinel to ask")
        self.process = process; self.settings = settings; self.masterName = masterName
        self.sentinels = sentinels; self.book = book; self.log = log
    }

    public func handle(_ event: ActorEvent<RedisMessage>, _ ctx: NodeContext<RedisMessage>) {
        switch event {
        case .boot:
            sentinelCursor = Int(ctx.random.below(UInt64(sentinels.count)))
            ctx.setTimer(after: settings.writeInterval, .timer(.clientStep))
        case .timer(_, .timer(.clientStep)):
            step(ctx)
        case .timer(_, .timer(.clientTimeout(let s))):
            guard let f = inflight, f.seq == s else { return }
            fail(f, outcome: .info, error: "timeout", ctx)
        case .message(.reply(let value), let from):
            guard let f = inflight, f.peer == from else { return }
            reply(value, to: f, ctx)
        case .disconnected(let peer):
            if let f = inflight, f.peer == peer { fail(f, outcome: .info, error: "connection closed", ctx) }
            if master == peer { master = nil }
        default:
            break
        }
    }

    func step(_ ctx: NodeContext<RedisMessage>) {
        guard inflight == nil else { return }
        guard let m = master else {
            let s = sentinels[sentinelCursor % sentinels.count]
            issue(.cmd("SENTINEL", "get-master-addr-by-name", masterName), to: s, .discover, ctx)
            return
        }
        if let key = readQueue.first {
            record(.invoke, "read", .null, ctx, key: key)
            issue(.cmd("LRANGE", key, "0", "-1"), to: m, .read, ctx)
        } else if writing {
            counter += 1
            let value = Int64(process) * 1_000_000 + counter
            record(.invoke, "add", .int(value), ctx)
            issue(.cmd("RPUSH", settings.key(for: value), String(value)), to: m, .write(value), ctx)
        } else {
            ctx.setTimer(after: settings.writeInterval, .timer(.clientStep))
        }
    }

    func issue(_ message: RedisMessage, to peer: NodeID, _ what: Pending, _ ctx: NodeContext<RedisMessage>) {
        seq += 1
        inflight = (peer, what, seq)
        ctx.send(message, to: peer)
        timeoutTimer = ctx.setTimer(after: settings.requestTimeout, .timer(.clientTimeout(seq)))
    }

    func finish(_ ctx: NodeContext<RedisMessage>, after delay: SimDuration? = nil) {
        inflight = nil
        if let t = timeoutTimer { ctx.cancelTimer(t); timeoutTimer = nil }
        ctx.setTimer(after: delay ?? settings.writeInterval, .timer(.clientStep))
    }

    func reply(_ value: RESPValue, to f: (peer: NodeID, what: Pending, seq: UInt64), _ ctx: NodeContext<RedisMessage>) {
        switch f.what {
        case .discover:
            if case .array(let items?) = value, items.count == 2, let h = items[0].text, let p = items[1].text.flatMap(Int.init) {
                master = book.lookup(host: h, port: p)
                finish(ctx, after: .zero)
            } else {
                sentinelCursor += 1
                finish(ctx, after: settings.reconnectDelay)
            }
        case .write(let v):
            if case .error(let e) = value {
                record(.fail, "add", .int(v), ctx, error: e)
                if e.hasPrefix("READONLY") { rediscover(ctx) }
                finish(ctx, after: settings.reconnectDelay)
            } else if let n = settings.waitNumReplicas {
                inflight = (f.peer, .wait(v), f.seq)
                ctx.send(.cmd("WAIT", String(n), String(settings.waitTimeoutMs)), to: f.peer)
                // The socket timeout covers the WAIT's own timeout too.
                if let t = timeoutTimer { ctx.cancelTimer(t) }
                timeoutTimer = ctx.setTimer(after: settings.requestTimeout + .milliseconds(settings.waitTimeoutMs),
                                            .timer(.clientTimeout(f.seq)))
            } else {
                acknowledgedWrites += 1
                record(.ok, "add", .int(v), ctx)
                finish(ctx)
            }
        case .wait(let v):
            if case .integer(let k) = value, let n = settings.waitNumReplicas, k >= n {
                acknowledgedWrites += 1
                record(.ok, "add", .int(v), ctx)
            } else {
                // Applied on the master, not confirmed on enough replicas: it may survive or not.
                record(.info, "add", .int(v), ctx, error: "WAIT answered \(value.summaryText)")
                if case .error = value { rediscover(ctx) }
            }
            finish(ctx)
        case .read:
            if case .array(let items?) = value {
                let values = items.compactMap { $0.text.flatMap(Int64.init) }.map(Value.int)
                record(.ok, "read", .list(values), ctx, key: readQueue.first)
                readQueue.removeFirst()
            } else {
                record(.fail, "read", .null, ctx, key: readQueue.first)
                if case .error(let e) = value, e.hasPrefix("READONLY") { rediscover(ctx) }
            }
            finish(ctx)
        }
    }

    func fail(_ f: (peer: NodeID, what: Pending, seq: UInt64), outcome: OpType, error: String, _ ctx: NodeContext<RedisMessage>) {
        switch f.what {
        case .discover: sentinelCursor += 1
        case .write(let v), .wait(let v): record(outcome, "add", .int(v), ctx, error: error)
        case .read: record(.info, "read", .null, ctx, key: readQueue.first)
        }
        ctx.disconnect(from: f.peer)
        rediscover(ctx)
        finish(ctx, after: settings.reconnectDelay)
    }

    func rediscover(_ ctx: NodeContext<RedisMessage>) {
        if let m = master { ctx.disconnect(from: m) }
        master = nil
        sentinelCursor += 1
    }

    /// Records an operation; adds are filed under their list, reads under the list read.
    func record(_ type: OpType, _ f: String, _ value: Value, _ ctx: NodeContext<RedisMessage>, error: String? = nil, key: String? = nil) {
        let k = key ?? value.intValue.map(settings.key(for:)) ?? settings.key
        log.append(Operation(process: process, type: type, f: f, key: k, value: value,
                             time: ctx.historyTime.nanoseconds, node: master.flatMap { book.address(of: $0)?.host }))
    }
}
