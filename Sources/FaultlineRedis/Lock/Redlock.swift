import FaultlineCore
import FaultlineHistory

/// Redlock's parameters (the algorithm as redis.io describes it and redlock-rb/redlock-py
/// implement it).
public struct RedlockSettings: Sendable, Hashable {
    public var key: String = "lock"
    public var ttlMs: Int64 = 10_000
    /// CLOCK_DRIFT_FACTOR 0.01, as an integer per mille, plus 2 ms for the expiry's precision.
    public var clockDriftPermille: Int64 = 10
    /// How long to wait for each instance: small against the TTL so a dead one costs little.
    public var instanceTimeout: SimDuration = .milliseconds(50)
    /// Retry after a random delay up to this (to desynchronise competing clients).
    public var retryDelayMax: SimDuration = .milliseconds(200)
    /// Work done while holding (never beyond the validity time).
    public var holdFor: SimDuration = .seconds(5)
    public init() {}

    /// The drift allowance for a TTL: ttl × factor + 2 ms.
    public var driftMs: Int64 { ttlMs * clockDriftPermille / 1000 + 2 }
}

/// A Redlock client over N independent primaries: SET key token NX PX ttl on all of them,
/// held only with a majority and a positive validity = TTL - elapsed - drift, measured on the
/// client's own clock; released everywhere with the compare-and-delete script, also after a
/// failed attempt. It records `acquire` and `release` for the exclusivity check.
public final class RedlockClient: SimActor {
    public typealias Message = RedisMessage
    let settings: RedlockSettings
    let process: Int
    let servers: [NodeID]
    let log: RedisHistoryLog

    enum Phase { case idle, acquiring, holding, releasing }
    var phase = Phase.idle
    var token = ""
    var generation: UInt64 = 0
    var started = LocalTime(nanoseconds: 0)
    var answered: [NodeID] = []
    var granted = 0
    /// Requests sent to each instance and not answered yet.
    var outstanding: [Int]
    public private(set) var acquisitions = 0
    /// True while the client believes it holds the lock.
    public var isHolding: Bool { phase == .holding }
    /// Validity of the last acquisition, in ms (what the client believes it has).
    public private(set) var lastValidityMs: Int64 = 0

    public init(process: Int, servers: [NodeID], settings: RedlockSettings, log: RedisHistoryLog) {
        precondition(!servers.isEmpty, "Redlock needs instances")
        self.process = process; self.servers = servers; self.settings = settings; self.log = log
        outstanding = Array(repeating: 0, count: servers.count)
    }

    func sendAll(_ m: RedisMessage, _ ctx: NodeContext<RedisMessage>) {
        for (i, s) in servers.enumerated() { outstanding[i] += 1; ctx.send(m, to: s) }
    }

    var quorum: Int { servers.count / 2 + 1 }

    public func handle(_ event: ActorEvent<RedisMessage>, _ ctx: NodeContext<RedisMessage>) {
        switch event {
        case .boot:
            ctx.setTimer(after: retryDelay(ctx), .timer(.clientStep))
        case .timer(_, .timer(.clientStep)):
            if phase == .idle { acquire(ctx) }
        case .timer(_, .timer(.clientTimeout(let g))):
            guard g == generation else { return }
            if phase == .acquiring { decide(ctx) } else if phase == .releasing { released(ctx) }
        case .timer(_, .timer(.lockRelease(let g))):
            guard g == generation, phase == .holding else { return }
            phase = .releasing
            record(.invoke, "release", ctx)
            unlockAll(ctx)
            ctx.setTimer(after: settings.instanceTimeout, .timer(.clientTimeout(generation)))
        case .disconnected(let peer):
            if let i = servers.firstIndex(of: peer) { outstanding[i] = 0 }
        case .message(.reply(let value), let from):
            // Replies come in order per connection: only the answer to the latest request counts.
            guard let i = servers.firstIndex(of: from), outstanding[i] > 0 else { return }
            outstanding[i] -= 1
            guard outstanding[i] == 0, !answered.contains(from) else { return }
            answered.append(from)
            if phase == .acquiring {
                if value == .simpleString("OK") { granted += 1 }
                if answered.count == servers.count { decide(ctx) }
            } else if phase == .releasing, answered.count == servers.count {
                released(ctx)
            }
        default:
            break
        }
    }

    func retryDelay(_ ctx: NodeContext<RedisMessage>) -> SimDuration {
        SimDuration(nanoseconds: 1 + Int64(ctx.random.below(UInt64(settings.retryDelayMax.nanoseconds))))
    }

    func acquire(_ ctx: NodeContext<RedisMessage>) {
        generation += 1
        token = RedisNode.randomHex40(&ctx.random)
        phase = .acquiring
        answered = []; granted = 0
        started = ctx.now
        record(.invoke, "acquire", ctx)
        sendAll(.cmd("SET", settings.key, token, "NX", "PX", String(settings.ttlMs)), ctx)
        ctx.setTimer(after: settings.instanceTimeout, .timer(.clientTimeout(generation)))
    }

    /// All answered, or the instance timeout passed: majority and validity decide.
    func decide(_ ctx: NodeContext<RedisMessage>) {
        let elapsedMs = (ctx.now - started).milliseconds
        let validity = settings.ttlMs - elapsedMs - settings.driftMs
        generation += 1
        if granted >= quorum && validity > 0 {
            acquisitions += 1
            lastValidityMs = validity
            phase = .holding
            record(.ok, "acquire", ctx)
            ctx.setTimer(after: min(settings.holdFor, .milliseconds(validity)), .timer(.lockRelease(generation)))
        } else {
            ctx.probe("redlock.acquire-failed")
            record(.fail, "acquire", ctx)
            unlockAll(ctx)
            phase = .idle
            ctx.setTimer(after: retryDelay(ctx), .timer(.clientStep))
        }
    }

    func unlockAll(_ ctx: NodeContext<RedisMessage>) {
        answered = []
        sendAll(.cmd("EVAL", LockScripts.release, "1", settings.key, token), ctx)
    }

    func released(_ ctx: NodeContext<RedisMessage>) {
        generation += 1
        record(.ok, "release", ctx)
        phase = .idle
        ctx.setTimer(after: retryDelay(ctx), .timer(.clientStep))
    }

    func record(_ type: OpType, _ f: String, _ ctx: NodeContext<RedisMessage>) {
        log.append(Operation(process: process, type: type, f: f, key: settings.key, value: .string(token),
                             time: ctx.historyTime.nanoseconds, node: nil))
    }
}
