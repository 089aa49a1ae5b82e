/// Generic keyspace commands, after db.c (and PING from server.c).
extension RedisCommands {
    static let keyspaceCommands: [String: Spec] = [
        "ping": Spec(arity: -1, isWrite: false, run: ping),
        "del": Spec(arity: -2, isWrite: true, run: del),
        "unlink": Spec(arity: -2, isWrite: true, run: del),
        "exists": Spec(arity: -2, isWrite: false, run: exists),
        "type": Spec(arity: 2, isWrite: false, run: type),
        "dbsize": Spec(arity: 1, isWrite: false) { c, _ in .integer(Int64(c.keyspace.count)) },
        "flushall": Spec(arity: -1, isWrite: true) { c, argv in flush(&c, argv, name: "flushall") },
        "flushdb": Spec(arity: -1, isWrite: true) { c, argv in flush(&c, argv, name: "flushdb") },
        "select": Spec(arity: 2, isWrite: false, run: select),
    ]

    /// Databases a server has by default (`databases 16`).
    static let databaseCount: Int64 = 16

    static func ping(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        if argv.count > 2 { return arityError("ping") }
        return argv.count == 1 ? .simpleString("PONG") : .bulkString(argv[1])
    }

    /// delGenericCommand: each key first goes through expireIfNeeded, so an expired key is
    /// not counted (its lazy DEL is propagated instead); on a replica, where the expired key is
    /// left in place, DEL removes and counts it.
    static func del(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        var deleted: Int64 = 0
        for key in argv.dropFirst() {
            _ = c.expireIfNeeded(key, forWrite: false)
            if c.keyspace.delete(key) { deleted += 1 }
        }
        if deleted > 0 { c.propagateEffect(argv) }
        return .integer(deleted)
    }

    static func exists(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        var count: Int64 = 0
        for key in argv.dropFirst() where c.lookupRead(key) != nil { count += 1 }
        return .integer(count)
    }

    static func type(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        .simpleString(c.lookupRead(argv[1])?.typeName ?? "none")
    }

    /// FLUSHALL / FLUSHDB [ASYNC|SYNC]: always propagated, even on an empty keyspace.
    static func flush(_ c: inout CommandContext, _ argv: [[UInt8]], name: String) -> RESPValue {
        if argv.count > 2 || (argv.count == 2 && !argv[1].isToken("sync") && !argv[1].isToken("async")) {
            return .syntaxError
        }
        c.keyspace.removeAll()
        c.propagateEffect(argv)
        return .ok
    }

    /// Only database 0 is modelled: SELECT 0 (which opens every AOF and replication stream)
    /// works, another valid index gets an error that says so.
    static func select(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard let id = RedisInteger.parse(argv[1]), id >= Int64(Int32.min), id <= Int64(Int32.max) else {
            return .notAnInteger
        }
        if id < 0 || id >= databaseCount { return .error("ERR DB index is out of range") }
        if id != 0 { return .error("ERR Faultline's Redis model keeps database 0 only") }
        return .ok
    }
}
