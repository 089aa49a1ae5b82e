/// What one command did: the reply for the client and the effects for the AOF and replicas.
public struct CommandResult: Sendable {
    public var reply: RESPValue
    /// What goes to the AOF and the replication stream, in effect form: SET k v EX 10 becomes
    /// SET k v PXAT <abs ms>, EXPIRE becomes PEXPIREAT, a key found expired on access becomes DEL.
    /// Empty for reads and for writes that changed nothing.
    public var propagate: [[[UInt8]]]

    public init(reply: RESPValue, propagate: [[[UInt8]]] = []) {
        self.reply = reply; self.propagate = propagate
    }
}

/// The Redis 7.0 data-command engine: a pure function from (argv, keyspace, local time) to a
/// reply and the effects to propagate. Server commands (WAIT, INFO, ROLE, REPLICAOF, REPLCONF,
/// PSYNC, SENTINEL ...) and role errors (-READONLY, -NOREPLICAS) belong to the node, which
/// answers them before calling `execute`.
public enum RedisCommands {
    /// One entry of the command table (server.c's `redisCommandTable`, for what the model runs).
    struct Spec: Sendable {
        /// Redis's arity: N means exactly N arguments with the name, -N means at least N.
        let arity: Int
        let isWrite: Bool
        let run: @Sendable (inout CommandContext, [[UInt8]]) -> RESPValue
    }

    static let table: [String: Spec] = {
        // Each family's table names its own commands only: a name in two of them would make
        // the winner depend on the order of this merge.
        var t: [String: Spec] = [:]
        for family in [stringCommands, keyspaceCommands, expireCommands, listCommands, hashCommands, scriptingCommands] {
            t.merge(family) { _, _ in preconditionFailure("a Redis command is defined in two families") }
        }
        return t
    }()

    /// Commands a real server knows but that the node, not this engine, answers.
    public static let serverCommands: Set<String> = [
        "wait", "info", "role", "replicaof", "slaveof", "replconf", "psync", "sync", "sentinel",
        "failover", "hello", "client", "config", "debug", "save", "bgsave", "bgrewriteaof", "shutdown",
        "multi", "exec", "discard", "watch", "unwatch", "command", "auth", "quit", "reset",
    ]

    /// The data commands this engine runs, sorted (for help texts and tests).
    public static var supportedCommands: [String] { table.keys.sorted() }

    /// True for commands that change data (Redis's `write` flag), so a read-only replica
    /// refuses them. EVAL and EVALSHA count as writes because the one script the model runs
    /// may delete. Any case is accepted.
    public static func isWrite(_ name: String) -> Bool {
        table[Array(name.utf8).asciiLowercased]?.isWrite ?? false
    }

    /// True when `execute` knows the command (any case).
    public static func isSupported(_ name: String) -> Bool { table[Array(name.utf8).asciiLowercased] != nil }

    /// Executes one data command (argv[0] is the name) at the node's local unix time in ms.
    public static func execute(_ argv: [[UInt8]], in keyspace: inout RedisKeyspace, nowMs: Int64,
                               isReplica: Bool = false) -> CommandResult {
        run(argv, in: &keyspace, nowMs: nowMs, mode: isReplica ? .replica : .primary)
    }

    /// Applies a command that arrived on the replication stream or from the AOF: nothing is
    /// treated as expired and past expiries are stored, as a replica or a loading server does.
    /// SELECT 0 (which opens both) is accepted; the reply is dropped, as the primary's stream
    /// has no one to answer.
    public static func applyPropagated(_ argv: [[UInt8]], to keyspace: inout RedisKeyspace, nowMs: Int64) {
        _ = run(argv, in: &keyspace, nowMs: nowMs, mode: .propagated)
    }

    static func run(_ argv: [[UInt8]], in keyspace: inout RedisKeyspace, nowMs: Int64,
                    mode: ExecutionMode) -> CommandResult {
        guard let first = argv.first else { return CommandResult(reply: .error("ERR empty command")) }
        let name = first.asciiLowercased
        guard let spec = table[name] else {
            if serverCommands.contains(name) {
                return CommandResult(reply: .error("ERR '\(name)' is a server command the node answers, not the keyspace engine"))
            }
            return CommandResult(reply: unknownCommand(argv))
        }
        if (spec.arity > 0 && argv.count != spec.arity) || argv.count < -spec.arity {
            return CommandResult(reply: arityError(name))
        }
        // Move the keyspace into the context and back, so no copy-on-write copy is made.
        var context = CommandContext(keyspace: RedisKeyspace(), nowMs: nowMs, mode: mode)
        swap(&context.keyspace, &keyspace)
        let reply = spec.run(&context, argv)
        swap(&context.keyspace, &keyspace)
        return CommandResult(reply: reply, propagate: context.propagate)
    }

    // MARK: errors as server.c and networking.c word them

    /// `-ERR wrong number of arguments for 'get' command`.
    static func arityError(_ name: String) -> RESPValue {
        .error("ERR wrong number of arguments for '\(name)' command")
    }

    /// `-ERR unknown command 'X', with args beginning with: 'a' 'b' `, built as processCommand
    /// does: the name cut at 128 bytes, arguments quoted until the list reaches 128 bytes,
    /// C-string semantics (a NUL ends an argument), CR and LF turned into spaces.
    static func unknownCommand(_ argv: [[UInt8]]) -> RESPValue {
        func cString(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.prefix { $0 != 0 }) }
        var args: [UInt8] = []
        var i = 1
        while i < argv.count && args.count < 128 {
            let room = 128 - args.count
            args.append(UInt8(ascii: "'"))
            args.append(contentsOf: cString(argv[i]).prefix(room))
            args.append(contentsOf: Array("' ".utf8))
            i += 1
        }
        var text = Array("ERR unknown command '".utf8) + cString(argv[0]).prefix(128)
            + Array("', with args beginning with: ".utf8) + args
        text = text.map { $0 == 13 || $0 == 10 ? UInt8(ascii: " ") : $0 }
        return .error(String(decoding: text, as: UTF8.self))
    }

    /// An error whose text comes from the client (addReplyErrorFormat maps CR/LF to spaces).
    static func formattedError(_ text: String) -> RESPValue {
        .error(String(text.map { $0 == "\r" || $0 == "\n" ? " " : $0 }))
    }

    static func invalidExpireTime(_ name: String) -> RESPValue {
        .error("ERR invalid expire time in '\(name)' command")
    }
}
