/// EVAL / EVALSHA / SCRIPT, after eval.c, for the one script the model runs: the canonical
/// lock release (compare the value, delete if it is ours) that redis.io's distributed-lock
/// page and every Redlock client use. Running arbitrary Lua is out of scope; any other script
/// gets an error saying so, never a made-up result.
extension RedisCommands {
    static let scriptingCommands: [String: Spec] = [
        "eval": Spec(arity: -3, isWrite: true) { c, argv in eval(&c, argv, bySHA: false) },
        "evalsha": Spec(arity: -3, isWrite: true) { c, argv in eval(&c, argv, bySHA: true) },
        "script": Spec(arity: -2, isWrite: false, run: script),
    ]

    /// The canonical lock-release script, byte for byte.
    public static let lockReleaseScript =
        #"if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end"#
    /// Its SHA1, the name EVALSHA uses (b70c2384248f88e6b75b9f89241a180f856ad852).
    public static let lockReleaseSHA = SHA1.hex(Array(lockReleaseScript.utf8))

    static let noScript = RESPValue.error("NOSCRIPT No matching script. Please use EVAL.")

    static func unsupportedScript(_ sha: String) -> RESPValue {
        .error("ERR Faultline's Redis model runs only the canonical lock-release script "
               + "(sha \(lockReleaseSHA)), not script \(sha)")
    }

    /// evalGenericCommand: numkeys is checked first, then the script is found (EVALSHA needs
    /// it loaded: after a restart the cache is empty and clients fall back to EVAL).
    static func eval(_ c: inout CommandContext, _ argv: [[UInt8]], bySHA: Bool) -> RESPValue {
        if bySHA && argv[1].count != 40 { return noScript }
        guard let numkeys = RedisInteger.parse(argv[2]) else { return .notAnInteger }
        if numkeys > Int64(argv.count - 3) { return .error("ERR Number of keys can't be greater than number of args") }
        if numkeys < 0 { return .error("ERR Number of keys can't be negative") }
        let sha = bySHA ? argv[1].asciiLowercased : SHA1.hex(argv[1])
        if bySHA {
            guard c.keyspace.loadedScripts.contains(sha) else { return noScript }
        } else {
            guard sha == lockReleaseSHA else { return unsupportedScript(sha) }
            c.keyspace.loadedScripts.insert(sha)
        }
        assert(sha == lockReleaseSHA, "only the lock-release script is ever loaded")
        let keys = argv[3..<(3 + Int(numkeys))]
        let args = argv[(3 + Int(numkeys))...]
        return runLockRelease(&c, key: keys.first, token: args.first, sha: sha)
    }

    /// The script's effect: GET, compare with ARGV[1] (a Lua nil never equals), DEL on a match.
    /// redis.call errors come back with the script's name appended, as 7.0 reports them.
    static func runLockRelease(_ c: inout CommandContext, key: [UInt8]?, token: [UInt8]?, sha: String) -> RESPValue {
        let suffix = " script: \(sha), on @user_script:1."
        guard let key else {
            return .error("ERR Lua redis lib command arguments must be strings or integers" + suffix)
        }
        let current = get(&c, [Array("get".utf8), key])
        switch current {
        case .error(let message):
            return .error(message + suffix)
        case .bulkString(let value?) where token != nil && value == token!:
            return del(&c, [Array("del".utf8), key])
        default:
            return .zero
        }
    }

    /// SCRIPT LOAD | EXISTS | FLUSH. The cache is per server and never propagated.
    static func script(_ c: inout CommandContext, _ argv: [[UInt8]]) -> RESPValue {
        let sub = argv[1]
        if sub.isToken("load") {
            guard argv.count == 3 else { return arityError("script|load") }
            let sha = SHA1.hex(argv[2])
            guard sha == lockReleaseSHA else { return unsupportedScript(sha) }
            c.keyspace.loadedScripts.insert(sha)
            return .bulk(sha)
        }
        if sub.isToken("exists") {
            guard argv.count >= 3 else { return arityError("script|exists") }
            return .array(argv.dropFirst(2).map { c.keyspace.loadedScripts.contains($0.asciiLowercased) ? .one : .zero })
        }
        if sub.isToken("flush") {
            guard argv.count <= 3 else { return arityError("script|flush") }
            if argv.count == 3 && !argv[2].isToken("sync") && !argv[2].isToken("async") {
                return .error("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
            }
            c.keyspace.loadedScripts.removeAll()
            return .ok
        }
        let name = String(decoding: sub.prefix { $0 != 0 }.prefix(128), as: UTF8.self)
        return formattedError("ERR unknown subcommand '\(name)'. Try SCRIPT HELP.")
    }
}
