import FaultlineCore

/// Everything one simulated Redis process (server, Sentinel, client) sends another, in the
/// real protocol's shapes.
///
/// A connection carries RESP: requests are arrays of bulk strings (`command`), answers are
/// RESP values (`reply`). That covers clients' commands, Sentinel's PING / INFO / PUBLISH /
/// SENTINEL is-master-down-by-addr, the replica's handshake (PING, REPLCONF listening-port,
/// REPLCONF capa, PSYNC), the primary's answers (+FULLRESYNC <replid> <offset>, +CONTINUE
/// <replid>), REPLCONF ACK / GETACK, and the replication stream itself, which on the wire is
/// nothing but the primary sending the replica commands it must not answer. Two cases are
/// not plain request/answer traffic: the RDB payload of a full sync (one `$<len>` bulk
/// transfer) and the Pub/Sub messages a subscribed link receives (Sentinel's hello channel).
public enum RedisMessage: SimMessage, Sendable {
    /// A RESP array of bulk strings sent to a server.
    case command([[UInt8]])
    /// A server's answer to the oldest request still waiting on this connection.
    case reply(RESPValue)
    /// The snapshot a primary streams after +FULLRESYNC.
    case rdbPayload(RDBPayload)
    /// `message <channel> <payload>` on a subscribed link.
    case pubsubMessage(channel: String, payload: String)
    /// A timer an actor set for itself (never crosses the network).
    case timer(RedisTimer)

    public func digest(into h: inout TraceHasher) {
        switch self {
        case .command(let argv):
            h.combine(1 as UInt64)
            for a in argv { h.combine(bytes: a) }
        case .reply(let v):
            h.combine(2 as UInt64); v.digest(into: &h)
        case .rdbPayload(let p):
            h.combine(3 as UInt64); h.combine(p.replid); h.combine(p.offset); h.combine(bytes: p.rdb)
        case .pubsubMessage(let c, let p):
            h.combine(4 as UInt64); h.combine(c); h.combine(p)
        case .timer(let t):
            h.combine(5 as UInt64); t.digest(into: &h)
        }
    }

    public var summary: String {
        switch self {
        case .command(let argv): return argv.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        case .reply(let v): return v.summaryText
        case .rdbPayload(let p): return "RDB $\(p.byteCount) (replid \(p.replid.prefix(8)) offset \(p.offset))"
        case .pubsubMessage(let c, let p): return "message \(c) \(p)"
        case .timer(let t): return "timer \(t)"
        }
    }

    /// Builds a command from words.
    public static func cmd(_ words: String...) -> RedisMessage { .command(words.map { Array($0.utf8) }) }
}

/// The full-sync payload after +FULLRESYNC: the primary's dataset as an RDB file (with its
/// replid and offset among the aux fields, as rdbSaveRio writes them for a replica), sent
/// as `$<length>` and the bytes.
public struct RDBPayload: Sendable, Hashable {
    public var rdb: [UInt8]
    public var replid: String
    public var offset: Int64
    /// Bytes on the wire.
    public var byteCount: Int { rdb.count }
}

/// Self-addressed timers of every Redis actor.
public enum RedisTimer: Sendable, Hashable, CustomStringConvertible {
    /// serverCron at `hz` (10 by default): timeouts, min-replicas refresh, fsync policy.
    case serverCron
    /// replicationCron: once a second (REPLCONF ACK, reconnect, PING to replicas).
    case replicationCron
    /// A blocked WAIT reached its timeout.
    case waitTimeout(UInt64)
    /// The diskless sync delay passed: start the fork and stream the snapshot.
    case disklessSyncStart
    /// An fsync (or a step of an atomic replace) finished its latency.
    case ioDone(UInt64)
    /// sentinelTimer, run from the Sentinel's serverCron.
    case sentinelTimer
    /// A client's next step, or its request timeout (by sequence number).
    case clientStep
    case clientTimeout(UInt64)
    /// A lock client's watchdog renewal, or its planned release.
    case lockRenew(UInt64)
    case lockRelease(UInt64)

    func digest(into h: inout TraceHasher) { h.combine(description) }

    public var description: String {
        switch self {
        case .serverCron: return "serverCron"
        case .replicationCron: return "replicationCron"
        case .waitTimeout(let id): return "waitTimeout \(id)"
        case .disklessSyncStart: return "disklessSyncStart"
        case .ioDone(let id): return "ioDone \(id)"
        case .sentinelTimer: return "sentinelTimer"
        case .clientStep: return "clientStep"
        case .clientTimeout(let n): return "clientTimeout \(n)"
        case .lockRenew(let n): return "lockRenew \(n)"
        case .lockRelease(let n): return "lockRelease \(n)"
        }
    }
}

extension RESPValue {
    /// Feeds the value to the trace hash without building its wire bytes.
    func digest(into h: inout TraceHasher) {
        switch self {
        case .simpleString(let s): h.combine(10 as UInt64); h.combine(s)
        case .error(let s): h.combine(11 as UInt64); h.combine(s)
        case .integer(let i): h.combine(12 as UInt64); h.combine(i)
        case .bulkString(let b): h.combine(13 as UInt64); if let b { h.combine(bytes: b) } else { h.combine(-1 as Int64) }
        case .array(let items):
            h.combine(14 as UInt64)
            if let items { h.combine(items.count); for i in items { i.digest(into: &h) } } else { h.combine(-1 as Int64) }
        }
    }

    /// redis-cli-like one-line form for traces.
    var summaryText: String {
        switch self {
        case .simpleString(let s): return "+" + s
        case .error(let s): return "-" + s
        case .integer(let i): return ":\(i)"
        case .bulkString(nil): return "(nil)"
        case .bulkString(let b?): return b.count > 60 ? "$\(b.count)" : "\"" + String(decoding: b, as: UTF8.self) + "\""
        case .array(nil): return "*-1"
        case .array(let items?): return "[" + items.map(\.summaryText).joined(separator: ", ") + "]"
        }
    }

    /// The text of a simple or bulk string.
    var text: String? {
        switch self {
        case .simpleString(let s): return s
        case .bulkString(let b?): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }
}

/// Size of a command on the replication stream as RESP (`*<n>\r\n` then `$<len>\r\n<arg>\r\n`
/// per argument): the unit replication offsets count in.
@inlinable func respArrayByteCount(_ argv: [[UInt8]]) -> Int64 {
    func digits(_ n: Int) -> Int64 { Int64(String(n).utf8.count) }
    var total = 1 + digits(argv.count) + 2
    for a in argv { total += 1 + digits(a.count) + 2 + Int64(a.count) + 2 }
    return total
}

extension Array where Element == [UInt8] {
    /// The argument at `i` as text, lower-cased (command names and options).
    func word(_ i: Int) -> String { i < count ? String(decoding: self[i], as: UTF8.self).lowercased() : "" }
    /// The argument at `i` as text, as given.
    func text(_ i: Int) -> String { i < count ? String(decoding: self[i], as: UTF8.self) : "" }
}
