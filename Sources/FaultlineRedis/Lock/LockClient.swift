import FaultlineCore
import FaultlineHistory

/// How a lock client uses a single Redis lock.
public struct LockClientSettings: Sendable, Hashable {
    public var key: String = "lock"
    /// The lease: SET key token NX PX `leaseMs`.
    public var leaseMs: Int64 = 10_000
    /// Renew like a watchdog (Redisson's lockWatchdogTimeout / 3): extend the lease while
    /// held, through the compare-and-pexpire script.
    public var watchdog: Bool = true
    /// How long the client works while holding before it releases.
    public var holdFor: SimDuration = .seconds(5)
    public var retryInterval: SimDuration = .milliseconds(100)
    public var requestTimeout: SimDuration = .seconds(1)
    public init() {}
}

/// The canonical scripts, sent with EVAL.
public enum LockScripts {
    /// Release: delete only if the value is still our token.
    public static let release = RedisCommands.lockReleaseScript
    /// Renewal: extend only if the value is still our token.
    public static let renew = "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"pexpire\",KEYS[1],ARGV[2]) else return 0 end"
}

/// A client of a single-instance Redis lock: SET key <random token> NX PX lease, a watchdog
/// renewal every lease/3, release by compare-and-delete. It records `acquire` (value: the
/// token) and `release` operations for the exclusivity check. The token comes from the
/// node's seeded stream, so runs replay exactly.
public final class LockClient: SimActor {
    public typealias Message = RedisMessage
    let settings: LockClientSettings
    let process: Int
    let server: NodeID
    let log: RedisHistoryLog

    enum Phase { case idle, acquiring, holding, renewing, releasing }
    var phase = Phase.idle
    var token = ""
    var generation: UInt64 = 0
    var timeout: TimerID?
    /// The hold ended while a renewal was in flight: release when it answers.
    var releaseDue = false
    public private(set) var acquisitions = 0
    /// True while the client believes it holds the lock.
    public var isHolding: Bool { phase == .holding || phase == .renewing }

    public init(process: Int, server: NodeID, settings: LockClientSettings, log: RedisHistoryLog) {
        self.process = process; self.server = server; self.settings = settings; self.log = log
    }

    public func handle(_ event: ActorEvent<RedisMessage>, _ ctx: NodeContext<RedisMessage>) {
        switch event {
        case .boot:
            ctx.setTimer(after: settings.retryInterval, .timer(.clientStep))
        case .timer(_, .timer(.clientStep)):
            if phase == .idle { acquire(ctx) }
        case .timer(_, .timer(.lockRenew(let g))):
            guard g == generation, phase == .holding else { return }
            phase = .renewing
            send(.cmd("EVAL", LockScripts.renew, "1", settings.key, token, String(settings.leaseMs)), ctx)
        case .timer(_, .timer(.lockRelease(let g))):
            guard g == generation else { return }
            if phase == .renewing { releaseDue = true } else if phase == .holding { release(ctx) }
        case .timer(_, .timer(.clientTimeout(let g))):
            guard g == generation else { return }
            timedOut(ctx)
        case .message(.reply(let value), let from) where from == server:
            reply(value, ctx)
        default:
            break
        }
    }

    func send(_ m: RedisMessage, _ ctx: NodeContext<RedisMessage>) {
        ctx.send(m, to: server)
        if let t = timeout { ctx.cancelTimer(t) }
        timeout = ctx.setTimer(after: settings.requestTimeout, .timer(.clientTimeout(generation)))
    }

    func acquire(_ ctx: NodeContext<RedisMessage>) {
        generation += 1
        token = RedisNode.randomHex40(&ctx.random)
        phase = .acquiring
        record(.invoke, "acquire", ctx)
        send(.cmd("SET", settings.key, token, "NX", "PX", String(settings.leaseMs)), ctx)
    }

    func release(_ ctx: NodeContext<RedisMessage>) {
        phase = .releasing
        record(.invoke, "release", ctx)
        send(.cmd("EVAL", LockScripts.release, "1", settings.key, token), ctx)
    }

    func reply(_ value: RESPValue, _ ctx: NodeContext<RedisMessage>) {
        if let t = timeout { ctx.cancelTimer(t); timeout = nil }
        switch phase {
        case .acquiring:
            if value == .simpleString("OK") {
                acquisitions += 1
                record(.ok, "acquire", ctx)
                phase = .holding
                ctx.setTimer(after: settings.holdFor, .timer(.lockRelease(generation)))
                if settings.watchdog { ctx.setTimer(after: .milliseconds(settings.leaseMs / 3), .timer(.lockRenew(generation))) }
            } else {
                record(.fail, "acquire", ctx)
                idle(ctx)
            }
        case .renewing:
            if value == .integer(1) {
                phase = .holding
                if releaseDue { releaseDue = false; release(ctx); return }
                ctx.setTimer(after: .milliseconds(settings.leaseMs / 3), .timer(.lockRenew(generation)))
            } else {
                // The lease ran out and someone else may hold it: stop using the resource now.
                ctx.probe("lock.renewal-failed")
                record(.invoke, "release", ctx)
                record(.fail, "release", ctx)
                idle(ctx)
            }
        case .releasing:
            record(value == .integer(1) ? .ok : .fail, "release", ctx)
            idle(ctx)
        case .idle, .holding:
            break
        }
    }

    func timedOut(_ ctx: NodeContext<RedisMessage>) {
        switch phase {
        case .acquiring:
            // The SET may have taken: the lease runs out by itself. Count it as not held.
            record(.info, "acquire", ctx)
        case .renewing:
            record(.invoke, "release", ctx); record(.info, "release", ctx)
        case .releasing:
            record(.info, "release", ctx)
        case .idle, .holding:
            return
        }
        ctx.disconnect(from: server)
        idle(ctx)
    }

    func idle(_ ctx: NodeContext<RedisMessage>) {
        phase = .idle
        releaseDue = false
        generation += 1
        ctx.setTimer(after: settings.retryInterval, .timer(.clientStep))
    }

    func record(_ type: OpType, _ f: String, _ ctx: NodeContext<RedisMessage>) {
        log.append(Operation(process: process, type: type, f: f, key: settings.key, value: .string(token),
                             time: ctx.historyTime.nanoseconds, node: nil))
    }
}
