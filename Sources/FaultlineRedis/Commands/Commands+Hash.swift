/// Hash commands, after t_hash.c.
extension RedisCommands {
    static let hashCommands: [String: Spec] = [
        "hset": Spec(arity: -4, isWrite: true) { c, argv in hset(&c, argv, name: "hset") },
        "hmset": Spec(arity: -4, isWrite: true) { c, argv in hset(&c, argv, name: "hmset") },
        "hget": Spec(arity: 3, isWrite: false, run: hget),
        "hdel": Spec(arity: -3, isWrite: true, run: hdel),
        "hgetall": Spec(arity: 2, isWrite: false) { c, argv in hgetall(&c, argv, fields: true, values: true) },
        "hlen": Spec(arity: 2, isWrite: false, run: hlen),
        "hexists": Spec(arity: 3, isWrite: false, run: hexists),
        "hsetnx": Spec(arity: 4, isWrite: true, run: hsetnx),
        "hincrby": Spec(arity: 4, isWrite: true, run: hincrby),
        "hmget": Spec(arity: -3, isWrite: false, run: hmget),
        "hkeys": Spec(arity: 2, isWrite: false) { c, argv in hgetall(&c, argv, fields: true, values: false) },
        "hvals": Spec(arity: 2, isWrite: false) { c, argv in hgetall(&c, argv, fields: false, values: true) },
    ]

    /// The hash at `key` for a read: nil when missing, or the WRONGTYPE reply.
    static func readHash(_ c: inout CommandContext, _ key: [UInt8]) -> Result<RedisHash?, ErrorReply> {
        switch c.lookupRead(key) {
        case nil: return .success(nil)
        case .hash(let h)?: return .success(h)
        default: return .failure(ErrorReply(.wrongType))
        }
    }

    /// HSET replies how many fields were new; HMSET (same effect) replies OK.
    static func hset(_ c: inout CommandContext, _ argv: [[UInt8]], name: String) -> RESPValue {
        guard argv.count % 2 == 0 else { return arityError(name) }
        let key = argv[1]
        switch c.lookupWrite(key) {
        case nil, .hash?: break
        default: return .wrongType
        }
        var hash = RedisHash()
        if case .hash(let existing)? = c.keyspace.take(key) { hash = existing }
        var created: Int64 = 0
        var j = 2
        while j < argv.count {
            if hash.set(argv[j], argv[j + 1]) { created += 1 }
            j += 2
        }
        c.keyspace.putBack(key, .hash(hash))
        c.propagateEffect(argv)
        return name == "hmset" ? .ok : .integer(created)
    }

    static func hget(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch readHash(&c, argv[1]) {
        case .failure(let e): return e.reply
        case .success(let h): return .bulkString(h?[argv[2]])
        }
    }

    static func hexists(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch readHash(&c, argv[1]) {
        case .failure(let e): return e.reply
        case .success(let h): return h?[argv[2]] == nil ? .zero : .one
        }
    }

    static func hlen(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch readHash(&c, argv[1]) {
        case .failure(let e): return e.reply
        case .success(let h): return .integer(Int64(h?.count ?? 0))
        }
    }

    /// genericHgetallCommand: HGETALL, HKEYS and HVALS walk the hash in the same order.
    static func hgetall(_ c: inout CommandContext, _ argv: [[UInt8]], fields: Bool, values: Bool) -> RESPValue {
        switch readHash(&c, argv[1]) {
        case .failure(let e): return e.reply
        case .success(let h):
            guard let h else { return .emptyArray }
            var items: [RESPValue] = []
            items.reserveCapacity(h.count * 2)
            for i in 0..<h.count {
                if fields { items.append(.bulkString(h.fields[i])) }
                if values { items.append(.bulkString(h.values[i])) }
            }
            return .array(items)
        }
    }

    /// The hash at `key` for a write, created empty when missing (hashTypeLookupWriteOrCreate),
    /// taken out of the dictionary; the caller must put it back.
    static func takeHashForWrite(_ c: inout CommandContext, _ key: [UInt8]) -> RedisHash? {
        switch c.lookupWrite(key) {
        case nil, .hash?: break
        default: return nil
        }
        if case .hash(let existing)? = c.keyspace.take(key) { return existing }
        return RedisHash()
    }

    static func hsetnx(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard var hash = takeHashForWrite(&c, argv[1]) else { return .wrongType }
        defer { if !hash.isEmpty { c.keyspace.putBack(argv[1], .hash(hash)) } }
        if hash[argv[2]] != nil { return .zero }
        hash.set(argv[2], argv[3])
        c.propagateEffect(argv)
        return .one
    }

    /// hincrbyCommand: the increment is parsed first; the field must hold a strict integer.
    static func hincrby(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard let increment = RedisInteger.parse(argv[3]) else { return .notAnInteger }
        guard var hash = takeHashForWrite(&c, argv[1]) else { return .wrongType }
        defer { if !hash.isEmpty { c.keyspace.putBack(argv[1], .hash(hash)) } }
        var old: Int64 = 0
        if let current = hash[argv[2]] {
            guard let n = RedisInteger.parse(current) else { return .error("ERR hash value is not an integer") }
            old = n
        }
        if (increment < 0 && old < 0 && increment < Int64.min - old) ||
            (increment > 0 && old > 0 && increment > Int64.max - old) {
            return .error("ERR increment or decrement would overflow")
        }
        hash.set(argv[2], RedisInteger.text(old + increment))
        c.propagateEffect(argv)
        return .integer(old + increment)
    }

    static func hmget(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch readHash(&c, argv[1]) {
        case .failure(let e): return e.reply
        case .success(let h): return .array(argv.dropFirst(2).map { .bulkString(h?[$0]) })
        }
    }

    /// HDEL: a hash left empty is deleted; nothing is propagated when no field was removed.
    static func hdel(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        let key = argv[1]
        switch c.lookupWrite(key) {
        case nil: return .zero
        case .hash?: break
        default: return .wrongType
        }
        guard case .hash(var hash)? = c.keyspace.take(key) else { preconditionFailure("the hash just looked up") }
        var deleted: Int64 = 0
        for field in argv.dropFirst(2) {
            if hash.remove(field) { deleted += 1 }
            if hash.isEmpty { break }
        }
        if hash.isEmpty { c.keyspace.delete(key) } else { c.keyspace.putBack(key, .hash(hash)) }
        guard deleted > 0 else { return .zero }
        c.propagateEffect(argv)
        return .integer(deleted)
    }
}
