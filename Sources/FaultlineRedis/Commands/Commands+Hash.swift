/// Hash commands, after t_hash.c.
extension RedisCommands {
    static let hashCommands: [String: Spec] = [
        "hset": Spec(arity: -4, isWrite: true) { c, argv in hset(&c, argv, name: "hset") },
        "hmset": Spec(arity: -4, isWrite: true) { c, argv in hset(&c, argv, name: "hmset") },
        "hget": Spec(arity: 3, isWrite: false, run: hget),
        "hdel": Spec(arity: -3, isWrite: true, run: hdel),
        "hgetall": Spec(arity: 2, isWrite: false, run: hgetall),
        "hlen": Spec(arity: 2, isWrite: false, run: hlen),
        "hexists": Spec(arity: 3, isWrite: false, run: hexists),
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
        var hash: RedisHash
        switch c.lookupWrite(key) {
        case nil: hash = RedisHash()
        case .hash(let h)?: hash = h
        default: return .wrongType
        }
        var created: Int64 = 0
        var j = 2
        while j < argv.count {
            if hash.set(argv[j], argv[j + 1]) { created += 1 }
            j += 2
        }
        if c.keyspace.value(key) == nil { c.keyspace.set(key, .hash(hash)) } else { c.keyspace.replace(key, .hash(hash)) }
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

    static func hgetall(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch readHash(&c, argv[1]) {
        case .failure(let e): return e.reply
        case .success(let h):
            guard let h else { return .emptyArray }
            var items: [RESPValue] = []
            items.reserveCapacity(h.count * 2)
            for i in 0..<h.count { items.append(.bulkString(h.fields[i])); items.append(.bulkString(h.values[i])) }
            return .array(items)
        }
    }

    /// HDEL: a hash left empty is deleted; nothing is propagated when no field was removed.
    static func hdel(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        let key = argv[1]
        guard let value = c.lookupWrite(key) else { return .zero }
        guard case .hash(var hash) = value else { return .wrongType }
        var deleted: Int64 = 0
        for field in argv.dropFirst(2) {
            if hash.remove(field) { deleted += 1 }
            if hash.isEmpty { break }
        }
        guard deleted > 0 else { return .zero }
        if hash.isEmpty { c.keyspace.delete(key) } else { c.keyspace.replace(key, .hash(hash)) }
        c.propagateEffect(argv)
        return .integer(deleted)
    }
}
