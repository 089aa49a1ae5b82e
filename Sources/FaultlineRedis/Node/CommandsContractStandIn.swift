// TEMPORARY: the `redis-commands` contract (CONTRACTS.md), written by redis-replication only so
// that the node, replication, Sentinel and lock code build before branch `redis-commands` lands.
// It covers the few data commands the replication stories use (PING GET SET DEL EXISTS INCR
// RPUSH LRANGE PEXPIRE and the two lock scripts). Delete this file when merging
// `redis-commands`; nothing else changes, since everything here has the contract's names.

/// A RESP2 value (contract type of `redis-commands`).
public enum RESPValue: Hashable, Sendable {
    case simpleString(String), error(String), integer(Int64), bulkString([UInt8]?), array([RESPValue]?)

    /// The exact RESP2 bytes.
    public var encoded: [UInt8] {
        switch self {
        case .simpleString(let s): return Array("+\(s)\r\n".utf8)
        case .error(let s): return Array("-\(s)\r\n".utf8)
        case .integer(let i): return Array(":\(i)\r\n".utf8)
        case .bulkString(nil): return Array("$-1\r\n".utf8)
        case .bulkString(let b?): return Array("$\(b.count)\r\n".utf8) + b + [13, 10]
        case .array(nil): return Array("*-1\r\n".utf8)
        case .array(let items?): return Array("*\(items.count)\r\n".utf8) + items.flatMap(\.encoded)
        }
    }
}

/// Database 0 (contract type of `redis-commands`).
public struct RedisKeyspace: Sendable {
    enum Entry: Sendable, Hashable { case string([UInt8]), list([[UInt8]]) }
    var entries: [[UInt8]: Entry] = [:]
    var expires: [[UInt8]: Int64] = [:]

    public init() {}
    public var count: Int { entries.count }
    public func checkInvariants() {
        for k in expires.keys { precondition(entries[k] != nil, "an expiry without a key") }
    }

    public func rewriteCommands(nowMs: Int64) -> [[[UInt8]]] {
        var out: [[[UInt8]]] = []
        for key in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            if let at = expires[key], at <= nowMs { continue }
            switch entries[key]! {
            case .string(let v): out.append([Array("SET".utf8), key, v])
            case .list(let items): out.append([Array("RPUSH".utf8), key] + items)
            }
            if let at = expires[key] { out.append([Array("PEXPIREAT".utf8), key, Array(String(at).utf8)]) }
        }
        return out
    }

    public func digest() -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ b: [UInt8]) { for x in b { h = (h ^ UInt64(x)) &* 0x100_0000_01B3 }; h = (h ^ 0xFF) &* 0x100_0000_01B3 }
        for key in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            mix(key)
            switch entries[key]! {
            case .string(let v): mix([1]); mix(v)
            case .list(let items): mix([2]); items.forEach(mix)
            }
            if let at = expires[key] { mix(Array(String(at).utf8)) }
        }
        return h
    }
}

/// One command's outcome (contract type of `redis-commands`).
public struct CommandResult: Sendable {
    public var reply: RESPValue
    public var propagate: [[[UInt8]]]
    public init(reply: RESPValue, propagate: [[[UInt8]]] = []) { self.reply = reply; self.propagate = propagate }
}

/// The data commands (contract type of `redis-commands`).
public enum RedisCommands {
    /// The canonical lock release script (compare-and-delete).
    static let releaseScript = "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"del\",KEYS[1]) else return 0 end"
    /// The watchdog's compare-and-pexpire script.
    static let renewScript = "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"pexpire\",KEYS[1],ARGV[2]) else return 0 end"

    public static func isWrite(_ name: String) -> Bool {
        ["set", "del", "incr", "rpush", "pexpire", "pexpireat", "eval", "lpush", "expire"].contains(name.lowercased())
    }

    public static func execute(_ argv: [[UInt8]], in ks: inout RedisKeyspace, nowMs: Int64,
                               isReplica: Bool = false) -> CommandResult {
        guard let first = argv.first else { return CommandResult(reply: .error("ERR empty command")) }
        let name = String(decoding: first, as: UTF8.self).lowercased()
        let args = Array(argv.dropFirst())
        func alive(_ k: [UInt8]) -> RedisKeyspace.Entry? {
            guard let e = ks.entries[k] else { return nil }
            if let at = ks.expires[k], at <= nowMs { return nil }
            return e
        }
        var dels: [[[UInt8]]] = []
        func expireIfNeeded(_ k: [UInt8]) {
            if !isReplica, ks.entries[k] != nil, let at = ks.expires[k], at <= nowMs {
                ks.entries[k] = nil; ks.expires[k] = nil; dels.append([Array("DEL".utf8), k])
            }
        }
        func arity(_ n: Int) -> CommandResult? {
            args.count < n ? CommandResult(reply: .error("ERR wrong number of arguments for '\(name)' command")) : nil
        }
        func int(_ b: [UInt8]) -> Int64? { Int64(String(decoding: b, as: UTF8.self)) }
        switch name {
        case "ping":
            return CommandResult(reply: args.isEmpty ? .simpleString("PONG") : .bulkString(args[0]))
        case "get":
            if let e = arity(1) { return e }
            expireIfNeeded(args[0])
            switch alive(args[0]) {
            case nil: return CommandResult(reply: .bulkString(nil), propagate: dels)
            case .string(let v): return CommandResult(reply: .bulkString(v), propagate: dels)
            case .list: return CommandResult(reply: .error("WRONGTYPE Operation against a key holding the wrong kind of value"))
            }
        case "set":
            if let e = arity(2) { return e }
            expireIfNeeded(args[0])
            var nx = false, xx = false, at: Int64?
            var i = 2
            while i < args.count {
                let opt = String(decoding: args[i], as: UTF8.self).lowercased()
                if opt == "nx" { nx = true } else if opt == "xx" { xx = true }
                else if ["ex", "px", "pxat"].contains(opt), i + 1 < args.count, let n = int(args[i + 1]), n > 0 {
                    at = opt == "ex" ? nowMs + n * 1000 : opt == "px" ? nowMs + n : n; i += 1
                } else { return CommandResult(reply: .error("ERR syntax error")) }
                i += 1
            }
            let exists = alive(args[0]) != nil
            if (nx && exists) || (xx && !exists) { return CommandResult(reply: .bulkString(nil), propagate: dels) }
            ks.entries[args[0]] = .string(args[1]); ks.expires[args[0]] = at
            var cmd = [Array("SET".utf8), args[0], args[1]]
            if let at { cmd += [Array("PXAT".utf8), Array(String(at).utf8)] }
            return CommandResult(reply: .simpleString("OK"), propagate: dels + [cmd])
        case "del":
            if let e = arity(1) { return e }
            var n: Int64 = 0
            for k in args { expireIfNeeded(k); if ks.entries[k] != nil { ks.entries[k] = nil; ks.expires[k] = nil; n += 1 } }
            return CommandResult(reply: .integer(n), propagate: dels + (n > 0 ? [argv] : []))
        case "exists":
            if let e = arity(1) { return e }
            return CommandResult(reply: .integer(Int64(args.filter { alive($0) != nil }.count)))
        case "incr":
            if let e = arity(1) { return e }
            expireIfNeeded(args[0])
            var v: Int64 = 0
            if case .string(let s)? = alive(args[0]) {
                guard let n = int(s) else { return CommandResult(reply: .error("ERR value is not an integer or out of range")) }
                v = n
            }
            v += 1
            ks.entries[args[0]] = .string(Array(String(v).utf8))
            return CommandResult(reply: .integer(v), propagate: dels + [[Array("SET".utf8), args[0], Array(String(v).utf8)]])
        case "rpush":
            if let e = arity(2) { return e }
            expireIfNeeded(args[0])
            var items: [[UInt8]] = []
            switch alive(args[0]) {
            case .string?: return CommandResult(reply: .error("WRONGTYPE Operation against a key holding the wrong kind of value"))
            case .list(let l)?: items = l
            case nil: break
            }
            items += args.dropFirst()
            ks.entries[args[0]] = .list(items)
            return CommandResult(reply: .integer(Int64(items.count)), propagate: dels + [argv])
        case "lrange":
            if let e = arity(3) { return e }
            guard case .list(let l)? = alive(args[0]) else { return CommandResult(reply: .array([])) }
            return CommandResult(reply: .array(l.map { .bulkString($0) }))
        case "pexpire", "pexpireat":
            if let e = arity(2) { return e }
            expireIfNeeded(args[0])
            guard alive(args[0]) != nil, let n = int(args[1]) else { return CommandResult(reply: .integer(0), propagate: dels) }
            let at = name == "pexpire" ? nowMs + n : n
            ks.expires[args[0]] = at
            return CommandResult(reply: .integer(1), propagate: dels + [[Array("PEXPIREAT".utf8), args[0], Array(String(at).utf8)]])
        case "eval":
            if let e = arity(4) { return e }
            let script = String(decoding: args[0], as: UTF8.self)
            let key = args[2], token = args[3]
            expireIfNeeded(key)
            guard case .string(let v)? = alive(key), v == token else { return CommandResult(reply: .integer(0), propagate: dels) }
            if script == releaseScript {
                ks.entries[key] = nil; ks.expires[key] = nil
                return CommandResult(reply: .integer(1), propagate: dels + [[Array("DEL".utf8), key]])
            }
            if script == renewScript, args.count >= 5, let ms = int(args[4]) {
                ks.expires[key] = nowMs + ms
                return CommandResult(reply: .integer(1), propagate: dels + [[Array("PEXPIREAT".utf8), key, Array(String(nowMs + ms).utf8)]])
            }
            return CommandResult(reply: .error("ERR the stand-in runs only the lock scripts"))
        default:
            return CommandResult(reply: .error("ERR unknown command '\(name)'"))
        }
    }

    public static func applyPropagated(_ argv: [[UInt8]], to ks: inout RedisKeyspace, nowMs: Int64) {
        // Propagated commands are effects: apply them without expiring anything on the way.
        guard let first = argv.first else { return }
        let name = String(decoding: first, as: UTF8.self).lowercased()
        if name == "pexpireat", argv.count >= 3, ks.entries[argv[1]] != nil, let at = Int64(String(decoding: argv[2], as: UTF8.self)) {
            ks.expires[argv[1]] = at; return
        }
        _ = execute(argv, in: &ks, nowMs: nowMs, isReplica: true)
    }
}
