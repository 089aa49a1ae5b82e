/// Expiry commands, after expire.c.
extension RedisCommands {
    static let expireCommands: [String: Spec] = [
        "expire": Spec(arity: -3, isWrite: true) { c, argv in
            expireGeneric(&c, argv, baseMs: c.nowMs, unitMs: 1000, name: "expire") },
        "pexpire": Spec(arity: -3, isWrite: true) { c, argv in
            expireGeneric(&c, argv, baseMs: c.nowMs, unitMs: 1, name: "pexpire") },
        "expireat": Spec(arity: -3, isWrite: true) { c, argv in
            expireGeneric(&c, argv, baseMs: 0, unitMs: 1000, name: "expireat") },
        "pexpireat": Spec(arity: -3, isWrite: true) { c, argv in
            expireGeneric(&c, argv, baseMs: 0, unitMs: 1, name: "pexpireat") },
        "ttl": Spec(arity: 2, isWrite: false) { c, argv in ttlGeneric(&c, argv, ms: false, absolute: false) },
        "pttl": Spec(arity: 2, isWrite: false) { c, argv in ttlGeneric(&c, argv, ms: true, absolute: false) },
        "expiretime": Spec(arity: 2, isWrite: false) { c, argv in ttlGeneric(&c, argv, ms: false, absolute: true) },
        "pexpiretime": Spec(arity: 2, isWrite: false) { c, argv in ttlGeneric(&c, argv, ms: true, absolute: true) },
        "persist": Spec(arity: 2, isWrite: true, run: persist),
    ]

    /// EXPIRE's NX / XX / GT / LT (new in 7.0).
    struct ExpireFlags: OptionSet {
        let rawValue: Int
        static let nx = ExpireFlags(rawValue: 1 << 0)
        static let xx = ExpireFlags(rawValue: 1 << 1)
        static let gt = ExpireFlags(rawValue: 1 << 2)
        static let lt = ExpireFlags(rawValue: 1 << 3)
    }

    /// parseExtendedExpireArgumentsOrReply: every option is checked before any conflict.
    static func parseExpireFlags(_ argv: [[UInt8]]) -> Result<ExpireFlags, ErrorReply> {
        var flags: ExpireFlags = []
        for opt in argv.dropFirst(3) {
            if opt.isToken("nx") { flags.insert(.nx) }
            else if opt.isToken("xx") { flags.insert(.xx) }
            else if opt.isToken("gt") { flags.insert(.gt) }
            else if opt.isToken("lt") { flags.insert(.lt) }
            else {
                let text = String(decoding: opt.prefix { $0 != 0 }, as: UTF8.self)
                return .failure(ErrorReply(formattedError("ERR Unsupported option \(text)")))
            }
        }
        if flags.contains(.nx) && !flags.isDisjoint(with: [.xx, .gt, .lt]) {
            return .failure(ErrorReply(.error("ERR NX and XX, GT or LT options at the same time are not compatible")))
        }
        if flags.contains(.gt) && flags.contains(.lt) {
            return .failure(ErrorReply(.error("ERR GT and LT options at the same time are not compatible")))
        }
        return .success(flags)
    }

    /// expireGenericCommand. The effect is PEXPIREAT with the absolute time (options kept),
    /// or DEL when the time is already past on a primary.
    static func expireGeneric(_ c: inout CommandContext, _ argv: [[UInt8]], baseMs: Int64, unitMs: Int64,
                              name: String) -> RESPValue {
        let flags: ExpireFlags
        switch parseExpireFlags(argv) {
        case .failure(let e): return e.reply
        case .success(let f): flags = f
        }
        guard var when = RedisInteger.parse(argv[2]) else { return .notAnInteger }
        if unitMs == 1000 {
            if when > Int64.max / 1000 || when < Int64.min / 1000 { return invalidExpireTime(name) }
            when *= 1000
        }
        if when > Int64.max - baseMs { return invalidExpireTime(name) }
        when += baseMs
        let key = argv[1]
        guard c.lookupWrite(key) != nil else { return .zero }
        if !flags.isEmpty {
            let current = c.keyspace.expireAt(key)
            if flags.contains(.nx) && current != nil { return .zero }
            if flags.contains(.xx) && current == nil { return .zero }
            if flags.contains(.gt) { guard let current, when > current else { return .zero } }
            if flags.contains(.lt), let current, when >= current { return .zero }
        }
        if c.isAlreadyExpired(when) {
            c.keyspace.delete(key)
            c.propagateEffect([CommandContext.delName, key])
            return .one
        }
        c.keyspace.setExpire(key, when)
        var effect = argv
        effect[0] = Array("PEXPIREAT".utf8)
        effect[2] = RedisInteger.text(when)
        c.propagateEffect(effect)
        return .one
    }

    /// ttlGenericCommand: -2 for a missing key, -1 without expiry; seconds are rounded.
    static func ttlGeneric(_ c: inout CommandContext, _ argv: [[UInt8]], ms: Bool, absolute: Bool) -> RESPValue {
        guard c.lookupRead(argv[1]) != nil else { return .integer(-2) }
        guard let when = c.keyspace.expireAt(argv[1]) else { return .integer(-1) }
        var ttl = absolute ? when : when - c.nowMs
        if ttl < 0 { ttl = 0 }
        return .integer(ms ? ttl : (ttl + 500) / 1000)
    }

    static func persist(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard c.lookupWrite(argv[1]) != nil, c.keyspace.removeExpire(argv[1]) else { return .zero }
        c.propagateEffect(argv)
        return .one
    }

    /// The active expire cycle, made deterministic: deletes every key whose expiry has passed,
    /// in sorted key order (Redis samples 20 random keys per loop and repeats while more than a
    /// quarter of a sample was expired, which on small keyspaces reaches the same end state),
    /// up to `keysMax` keys, and returns the DELs to propagate. Primaries only: a replica
    /// waits for its primary's DELs.
    public static func activeExpire(in keyspace: inout RedisKeyspace, nowMs: Int64,
                                    keysMax: Int = Int.max) -> [[[UInt8]]] {
        precondition(keysMax > 0, "a cycle must be allowed to expire something")
        var effects: [[[UInt8]]] = []
        let due = keyspace.expires.filter { nowMs > $0.value }.keys.sorted { $0.lexicographicallyPrecedes($1) }
        for key in due.prefix(keysMax) {
            keyspace.delete(key)
            effects.append([CommandContext.delName, key])
        }
        return effects
    }
}
