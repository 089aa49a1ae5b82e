/// String commands, after t_string.c.
extension RedisCommands {
    static let stringCommands: [String: Spec] = [
        "get": Spec(arity: 2, isWrite: false, run: get),
        "set": Spec(arity: -3, isWrite: true, run: set),
        "setnx": Spec(arity: 3, isWrite: true, run: setnx),
        "setex": Spec(arity: 4, isWrite: true) { c, argv in setex(&c, argv, unitMs: 1000, name: "setex") },
        "psetex": Spec(arity: 4, isWrite: true) { c, argv in setex(&c, argv, unitMs: 1, name: "psetex") },
        "incr": Spec(arity: 2, isWrite: true) { c, argv in incrDecr(&c, argv, by: 1) },
        "decr": Spec(arity: 2, isWrite: true) { c, argv in incrDecr(&c, argv, by: -1) },
        "incrby": Spec(arity: 3, isWrite: true, run: incrby),
        "decrby": Spec(arity: 3, isWrite: true, run: decrby),
        "append": Spec(arity: 3, isWrite: true, run: append),
        "strlen": Spec(arity: 2, isWrite: false, run: strlen),
        "mget": Spec(arity: -2, isWrite: false, run: mget),
        "mset": Spec(arity: -3, isWrite: true) { c, argv in mset(&c, argv, nx: false) },
        "msetnx": Spec(arity: -3, isWrite: true) { c, argv in mset(&c, argv, nx: true) },
    ]

    /// Largest string value (`proto-max-bulk-len`, 512 MB), checked by APPEND.
    static let stringLengthMax = 512 * 1024 * 1024

    /// SET's option flags (OBJ_SET_NX, OBJ_EX, ...).
    struct SetFlags: OptionSet {
        let rawValue: Int
        static let nx = SetFlags(rawValue: 1 << 0)
        static let xx = SetFlags(rawValue: 1 << 1)
        static let ex = SetFlags(rawValue: 1 << 2)
        static let px = SetFlags(rawValue: 1 << 3)
        static let keepTTL = SetFlags(rawValue: 1 << 4)
        static let get = SetFlags(rawValue: 1 << 5)
        static let exat = SetFlags(rawValue: 1 << 6)
        static let pxat = SetFlags(rawValue: 1 << 7)
        static let anyExpire: SetFlags = [.ex, .px, .exat, .pxat]
    }

    static func get(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch c.lookupRead(argv[1]) {
        case nil: return .nullBulk
        case .string(let bytes)?: return .bulkString(bytes)
        default: return .wrongType
        }
    }

    /// parseExtendedStringArgumentsOrReply for SET: each option is accepted only when it does
    /// not clash with one already seen (so `NX XX` and `PX 1 EX 1` are syntax errors, while a
    /// repeated `EX` simply replaces the earlier one).
    static func parseSetOptions(_ argv: [[UInt8]]) -> (SetFlags, [UInt8]?)? {
        var flags: SetFlags = []
        var expire: [UInt8]? = nil
        var j = 3
        while j < argv.count {
            let opt = argv[j]
            let hasNext = j + 1 < argv.count
            if opt.isToken("nx") && !flags.contains(.xx) {
                flags.insert(.nx)
            } else if opt.isToken("xx") && !flags.contains(.nx) {
                flags.insert(.xx)
            } else if opt.isToken("get") {
                flags.insert(.get)
            } else if opt.isToken("keepttl") && flags.isDisjoint(with: .anyExpire) {
                flags.insert(.keepTTL)
            } else if opt.isToken("ex") && flags.isDisjoint(with: [.keepTTL, .exat, .px, .pxat]) && hasNext {
                flags.insert(.ex); expire = argv[j + 1]; j += 1
            } else if opt.isToken("px") && flags.isDisjoint(with: [.keepTTL, .ex, .exat, .pxat]) && hasNext {
                flags.insert(.px); expire = argv[j + 1]; j += 1
            } else if opt.isToken("exat") && flags.isDisjoint(with: [.keepTTL, .ex, .px, .pxat]) && hasNext {
                flags.insert(.exat); expire = argv[j + 1]; j += 1
            } else if opt.isToken("pxat") && flags.isDisjoint(with: [.keepTTL, .ex, .exat, .px]) && hasNext {
                flags.insert(.pxat); expire = argv[j + 1]; j += 1
            } else {
                return nil
            }
            j += 1
        }
        return (flags, expire)
    }

    /// getExpireMillisecondsOrReply: the absolute expiry in ms, or the error reply.
    static func expireMilliseconds(_ c: CommandContext, _ text: [UInt8], flags: SetFlags,
                                   name: String) -> Result<Int64, ErrorReply> {
        guard var ms = RedisInteger.parse(text) else { return .failure(ErrorReply(.notAnInteger)) }
        let seconds = flags.contains(.ex) || flags.contains(.exat)
        if ms <= 0 || (seconds && ms > Int64.max / 1000) { return .failure(ErrorReply(invalidExpireTime(name))) }
        if seconds { ms *= 1000 }
        if flags.contains(.ex) || flags.contains(.px) { ms = ms &+ c.nowMs }
        if ms <= 0 { return .failure(ErrorReply(invalidExpireTime(name))) }
        return .success(ms)
    }

    /// An error reply carried through a `Result`.
    struct ErrorReply: Error {
        let reply: RESPValue
        init(_ reply: RESPValue) { self.reply = reply }
    }

    static func set(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard let (flags, expire) = parseSetOptions(argv) else { return .syntaxError }
        return setGeneric(&c, argv, key: argv[1], value: argv[2], flags: flags, expire: expire,
                          name: "set", okReply: .ok, abortReply: .nullBulk)
    }

    static func setnx(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        setGeneric(&c, argv, key: argv[1], value: argv[2], flags: .nx, expire: nil,
                   name: "setnx", okReply: .one, abortReply: .zero)
    }

    static func setex(_ c: inout CommandContext, _ argv: [[UInt8]], unitMs: Int64, name: String) -> RESPValue {
        setGeneric(&c, argv, key: argv[1], value: argv[3], flags: unitMs == 1 ? .px : .ex, expire: argv[2],
                   name: name, okReply: .ok, abortReply: .nullBulk)
    }

    /// setGenericCommand: the expiry is validated first, then GET's read, then NX/XX, then the
    /// write. With an expiry the effect is `SET key value PXAT <ms>`; with GET (and no expiry)
    /// it is the command without its GET tokens; otherwise the command as sent.
    static func setGeneric(_ c: inout CommandContext, _ argv: [[UInt8]], key: [UInt8], value: [UInt8],
                           flags: SetFlags, expire: [UInt8]?, name: String,
                           okReply: RESPValue, abortReply: RESPValue) -> RESPValue {
        var whenMs: Int64? = nil
        if let expire {
            switch expireMilliseconds(c, expire, flags: flags, name: name) {
            case .failure(let e): return e.reply
            case .success(let ms): whenMs = ms
            }
        }
        var reply = okReply
        if flags.contains(.get) {
            reply = get(&c, [argv[0], key])
            if reply.isError { return reply }
        }
        let found = c.lookupWrite(key) != nil
        if (flags.contains(.nx) && found) || (flags.contains(.xx) && !found) {
            return flags.contains(.get) ? reply : abortReply
        }
        c.keyspace.set(key, .string(value), keepTTL: flags.contains(.keepTTL))
        if let whenMs {
            c.keyspace.setExpire(key, whenMs)
            c.propagateEffect([Array("SET".utf8), key, value, Array("PXAT".utf8), RedisInteger.text(whenMs)])
        } else if flags.contains(.get) {
            var effect: [[UInt8]] = []
            for (j, arg) in argv.enumerated() where !(j >= 3 && arg.isToken("get")) { effect.append(arg) }
            c.propagateEffect(effect)
        } else {
            c.propagateEffect(argv)
        }
        return reply
    }

    static func incrby(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard let by = RedisInteger.parse(argv[2]) else { return .notAnInteger }
        return incrDecr(&c, argv, by: by)
    }

    static func decrby(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        guard let by = RedisInteger.parse(argv[2]) else { return .notAnInteger }
        if by == Int64.min { return .error("ERR decrement would overflow") }
        return incrDecr(&c, argv, by: -by)
    }

    /// incrDecrCommand: a missing key counts as 0; the key keeps its expiry; the effect is the
    /// command as sent (INCRBY stays INCRBY).
    static func incrDecr(_ c: inout CommandContext, _ argv: [[UInt8]], by increment: Int64) -> RESPValue {
        let key = argv[1]
        let old: Int64
        let existed: Bool
        switch c.lookupWrite(key) {
        case nil: old = 0; existed = false
        case .string(let bytes)?:
            guard let n = RedisInteger.parse(bytes) else { return .notAnInteger }
            old = n; existed = true
        default: return .wrongType
        }
        if (increment < 0 && old < 0 && increment < Int64.min - old) ||
            (increment > 0 && old > 0 && increment > Int64.max - old) {
            return .error("ERR increment or decrement would overflow")
        }
        let new = old + increment
        if existed { c.keyspace.replace(key, .string(RedisInteger.text(new))) }
        else { c.keyspace.set(key, .string(RedisInteger.text(new))) }
        c.propagateEffect(argv)
        return .integer(new)
    }

    static func append(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        let key = argv[1]
        let total: Int
        switch c.lookupWrite(key) {
        case nil:
            c.keyspace.set(key, .string(argv[2]))
            total = argv[2].count
        case .string(let bytes)?:
            guard bytes.count + argv[2].count <= stringLengthMax else {
                return .error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
            }
            c.keyspace.replace(key, .string(bytes + argv[2]))
            total = bytes.count + argv[2].count
        default:
            return .wrongType
        }
        c.propagateEffect(argv)
        return .integer(Int64(total))
    }

    static func strlen(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        switch c.lookupRead(argv[1]) {
        case nil: return .zero
        case .string(let bytes)?: return .integer(Int64(bytes.count))
        default: return .wrongType
        }
    }

    /// MGET answers nil for a missing key and for a key of another type (no WRONGTYPE).
    static func mget(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        var items: [RESPValue] = []
        for key in argv.dropFirst() {
            if case .string(let bytes)? = c.lookupRead(key) { items.append(.bulkString(bytes)) }
            else { items.append(.nullBulk) }
        }
        return .array(items)
    }

    /// msetGenericCommand: pairs only; MSETNX writes nothing if any key exists.
    static func mset(_ c: inout CommandContext, _ argv: [[UInt8]], nx: Bool) -> RESPValue {
        guard argv.count % 2 == 1 else { return arityError(nx ? "msetnx" : "mset") }
        if nx {
            var j = 1
            while j < argv.count {
                if c.lookupWrite(argv[j]) != nil { return .zero }
                j += 2
            }
        }
        var j = 1
        while j < argv.count {
            c.keyspace.set(argv[j], .string(argv[j + 1]))
            j += 2
        }
        c.propagateEffect(argv)
        return nx ? .one : .ok
    }
}
