/// List commands, after t_list.c.
extension RedisCommands {
    static let listCommands: [String: Spec] = [
        "lpush": Spec(arity: -3, isWrite: true) { c, argv in push(&c, argv, head: true) },
        "rpush": Spec(arity: -3, isWrite: true) { c, argv in push(&c, argv, head: false) },
        "lpushx": Spec(arity: -3, isWrite: true) { c, argv in push(&c, argv, head: true, onlyIfExists: true) },
        "rpushx": Spec(arity: -3, isWrite: true) { c, argv in push(&c, argv, head: false, onlyIfExists: true) },
        "lindex": Spec(arity: 3, isWrite: false, run: lindex),
        "ltrim": Spec(arity: 4, isWrite: true, run: ltrim),
        "lpop": Spec(arity: -2, isWrite: true) { c, argv in pop(&c, argv, head: true, name: "lpop") },
        "rpop": Spec(arity: -2, isWrite: true) { c, argv in pop(&c, argv, head: false, name: "rpop") },
        "lrange": Spec(arity: 4, isWrite: false, run: lrange),
        "llen": Spec(arity: 2, isWrite: false, run: llen),
    ]

    /// pushGenericCommand: LPUSH a b c leaves c at the head. Replies the new length.
    static func push(_ c: inout CommandContext, _ argv: [[UInt8]], head: Bool, onlyIfExists: Bool = false) -> RESPValue {
        let key = argv[1]
        switch c.lookupWrite(key) {
        case nil: if onlyIfExists { return .zero }
        case .list?: break
        default: return .wrongType
        }
        var items: [[UInt8]] = []
        if case .list(let existing)? = c.keyspace.take(key) { items = existing }
        let pushed = argv.dropFirst(2)
        if head { items.insert(contentsOf: pushed.reversed(), at: 0) } else { items.append(contentsOf: pushed) }
        c.keyspace.putBack(key, .list(items))
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
            // getPositiveLongFromObjectOrReply gives one message for "x" and for "-1".
            guard let n = RedisInteger.parse(argv[2]), n >= 0 else {
                return .error("ERR value is out of range, must be positive")
            }
            count = n
        }
        let key = argv[1]
        switch c.lookupWrite(key) {
        case nil: return hasCount ? .nullArray : .nullBulk
        case .list?: break
        default: return .wrongType
        }
        if hasCount && count == 0 { return .emptyArray }
        guard case .list(var items)? = c.keyspace.take(key) else { preconditionFailure("the list just looked up") }
        let reply: RESPValue
        if !hasCount {
            reply = .bulkString(head ? items.removeFirst() : items.removeLast())
        } else {
            let n = Int(min(count, Int64(items.count)))
            let taken: [[UInt8]] = head ? Array(items.prefix(n)) : Array(items.suffix(n).reversed())
            if head { items.removeFirst(n) } else { items.removeLast(n) }
            reply = .array(taken.map { .bulkString($0) })
        }
        if items.isEmpty { c.keyspace.delete(key) } else { c.keyspace.putBack(key, .list(items)) }
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

    /// lindexCommand looks the key up before it parses the index (unlike LRANGE).
    static func lindex(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard let value = c.lookupRead(argv[1]) else { return .nullBulk }
        guard case .list(let items) = value else { return .wrongType }
        guard let index = RedisInteger.parse(argv[2]) else { return .notAnInteger }
        let i = index < 0 ? Int64(items.count) &+ index : index
        guard i >= 0 && i < Int64(items.count) else { return .nullBulk }
        return .bulkString(items[Int(i)])
    }

    /// ltrimCommand: OK even for a missing key; propagated only when something was trimmed.
    static func ltrim(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard var start = RedisInteger.parse(argv[2]), var end = RedisInteger.parse(argv[3]) else {
            return .notAnInteger
        }
        let key = argv[1]
        switch c.lookupWrite(key) {
        case nil: return .ok
        case .list?: break
        default: return .wrongType
        }
        guard case .list(var items)? = c.keyspace.take(key) else { preconditionFailure("the list just looked up") }
        let length = Int64(items.count)
        if start < 0 { start = length &+ start }
        if end < 0 { end = length &+ end }
        if start < 0 { start = 0 }
        let left: Int64, right: Int64
        if start > end || start >= length {
            left = length; right = 0
        } else {
            if end >= length { end = length - 1 }
            left = start; right = length - end - 1
        }
        items.removeFirst(Int(left))
        items.removeLast(Int(right))
        if items.isEmpty { c.keyspace.delete(key) } else { c.keyspace.putBack(key, .list(items)) }
        if left + right > 0 { c.propagateEffect(argv) }
        return .ok
    }

    static func llen(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch c.lookupRead(argv[1]) {
        case nil: return .zero
        case .list(let items)?: return .integer(Int64(items.count))
        default: return .wrongType
        }
    }
}
