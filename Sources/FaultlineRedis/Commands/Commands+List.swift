/// List commands, after t_list.c.
extension RedisCommands {
    static let listCommands: [String: Spec] = [
        "lpush": Spec(arity: -3, isWrite: true) { c, argv in push(&c, argv, head: true) },
        "rpush": Spec(arity: -3, isWrite: true) { c, argv in push(&c, argv, head: false) },
        "lpop": Spec(arity: -2, isWrite: true) { c, argv in pop(&c, argv, head: true, name: "lpop") },
        "rpop": Spec(arity: -2, isWrite: true) { c, argv in pop(&c, argv, head: false, name: "rpop") },
        "lrange": Spec(arity: 4, isWrite: false, run: lrange),
        "llen": Spec(arity: 2, isWrite: false, run: llen),
    ]

    /// pushGenericCommand: LPUSH a b c leaves c at the head. Replies the new length.
    static func push(_ c: inout CommandContext, _ argv: [[UInt8]], head: Bool) -> RESPValue {
        let key = argv[1]
        var items: [[UInt8]]
        switch c.lookupWrite(key) {
        case nil: items = []
        case .list(let existing)?: items = existing
        default: return .wrongType
        }
        let pushed = argv.dropFirst(2)
        if head { items.insert(contentsOf: pushed.reversed(), at: 0) } else { items.append(contentsOf: pushed) }
        if c.keyspace.value(key) == nil { c.keyspace.set(key, .list(items)) } else { c.keyspace.replace(key, .list(items)) }
        c.propagateEffect(argv)
        return .integer(Int64(items.count))
    }

    /// popGenericCommand: without a count a bulk (nil when missing); with one an array (a null
    /// array when missing, empty for count 0). A list left empty is deleted.
    static func pop(_ c: inout CommandContext, _ argv: [[UInt8]], head: Bool, name: String) -> RESPValue {
        if argv.count > 3 { return arityError(name) }
        let hasCount = argv.count == 3
        var count: Int64 = 0
        if hasCount {
            guard let n = RedisInteger.parse(argv[2]) else { return .notAnInteger }
            guard n >= 0 else { return .error("ERR value is out of range, must be positive") }
            count = n
        }
        let key = argv[1]
        guard let value = c.lookupWrite(key) else { return hasCount ? .nullArray : .nullBulk }
        guard case .list(var items) = value else { return .wrongType }
        if hasCount && count == 0 { return .emptyArray }
        let reply: RESPValue
        if !hasCount {
            reply = .bulkString(head ? items.removeFirst() : items.removeLast())
        } else {
            let n = Int(min(count, Int64(items.count)))
            let taken: [[UInt8]] = head ? Array(items.prefix(n)) : Array(items.suffix(n).reversed())
            if head { items.removeFirst(n) } else { items.removeLast(n) }
            reply = .array(taken.map { .bulkString($0) })
        }
        if items.isEmpty { c.keyspace.delete(key) } else { c.keyspace.replace(key, .list(items)) }
        c.propagateEffect(argv)
        return reply
    }

    /// addListRangeReply: negative indexes count from the tail; out-of-range ends are clamped.
    static func lrange(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard var start = RedisInteger.parse(argv[2]), var end = RedisInteger.parse(argv[3]) else {
            return .notAnInteger
        }
        guard let value = c.lookupRead(argv[1]) else { return .emptyArray }
        guard case .list(let items) = value else { return .wrongType }
        let length = Int64(items.count)
        if start < 0 { start = length &+ start }
        if end < 0 { end = length &+ end }
        if start < 0 { start = 0 }
        if start > end || start >= length { return .emptyArray }
        if end >= length { end = length - 1 }
        return .array(items[Int(start)...Int(end)].map { .bulkString($0) })
    }

    static func llen(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch c.lookupRead(argv[1]) {
        case nil: return .zero
        case .list(let items)?: return .integer(Int64(items.count))
        default: return .wrongType
        }
    }
}
