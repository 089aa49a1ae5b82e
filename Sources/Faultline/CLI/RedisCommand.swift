import Foundation
import FaultlineCore
import FaultlineRedis

/// `faultline redis`: one simulated standalone Redis 7.0 primary driven from standard input,
/// one command per line (redis-cli syntax), each exact RESP reply written to standard output.
///
/// Time is virtual: the node's clock starts at `--clock-ms` (unix ms) and moves only when a
/// `#sleep DURATION` line says so (`#sleep 1500ms`, `#sleep 2s`) or when `WAIT n timeout`
/// waits out its timeout. After a sleep the active expire cycle runs, as Redis's serverCron
/// would have done meanwhile, so DBSIZE no longer counts keys that expired during the sleep.
/// Other lines starting with `#` are comments; blank lines are skipped.
enum RedisCommand {
    static let options = [
        OptionSpec("--input", value: "FILE", help: "read commands from FILE instead of standard input"),
        OptionSpec("--clock-ms", value: "MS", help: "the node's unix time in ms at the start (default \(RedisStandaloneDriver.clockStartMsDefault))"),
        OptionSpec("--seed", value: "N", help: "seed for the node's replication id (default 1)"),
        OptionSpec("--effects", help: "also print, on standard error, what each command propagates to the AOF and replicas"),
    ]

    static let command = Command(
        name: "redis",
        summary: "Drive one simulated Redis 7.0 primary from standard input; print exact RESP replies.",
        usage: "faultline redis [--input FILE] [--clock-ms MS] [--seed N] [--effects]",
        options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "redis", options: options)
        let seed = try parsed.uint64("--seed", command: "redis") ?? 1
        var clockMs = RedisStandaloneDriver.clockStartMsDefault
        if let text = parsed.value("--clock-ms") {
            guard let v = Int64(text), v >= 0 else {
                throw UsageError("faultline redis: --clock-ms expects a unix time in ms (a whole number from 0), got '\(text)'")
            }
            clockMs = v
        }
        let source: String
        let data: Data
        if let path = parsed.value("--input") {
            source = path
            guard let d = FileManager.default.contents(atPath: path) else {
                throw UsageError("faultline redis: cannot read --input file '\(path)'")
            }
            data = d
        } else {
            source = "<stdin>"
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UsageError("faultline redis: \(source) is not UTF-8 text (use \\xHH inside double quotes for other bytes)")
        }
        var driver = RedisStandaloneDriver(clockMs: clockMs, seed: seed)
        let writeRaw = console is StandardConsole
        let ok = driver.run(text, source: source, effects: parsed.has("--effects")) { bytes in
            if writeRaw { FileHandle.standardOutput.write(Data(bytes)) }
            else { console.out(String(decoding: bytes, as: UTF8.self)) }
        } diagnostic: { console.err($0) }
        return ok ? ExitCode.success : ExitCode.usage
    }
}

/// The standalone primary behind `faultline redis`: a keyspace, a virtual clock, and the few
/// server commands a primary with no replicas answers itself (WAIT, ROLE, INFO replication,
/// REPLICAOF NO ONE), worded as Redis 7.0.15 does.
struct RedisStandaloneDriver {
    /// 2026-01-01T00:00:00Z.
    static let clockStartMsDefault: Int64 = 1_767_225_600_000
    /// Longest single `#sleep` (a day), so a typo cannot run the clock into overflow.
    static let sleepMsMax: Int64 = 86_400_000

    var keyspace = RedisKeyspace()
    private(set) var clockMs: Int64
    /// 40 hex digits, fixed by the seed (a real server draws it at random on start).
    let replicationID: String

    init(clockMs: Int64, seed: UInt64) {
        self.clockMs = clockMs
        var random = SeededRandom(seed: seed, stream: "redis.replid")
        var id = ""
        while id.count < 40 { id += String(random.below(16), radix: 16) }
        replicationID = id
    }

    /// Runs every line; returns false (after a diagnostic naming the line) on bad input.
    mutating func run(_ text: String, source: String, effects: Bool,
                      output: ([UInt8]) -> Void, diagnostic: (String) -> Void) -> Bool {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#sleep") {
                guard let ms = Self.parseSleep(trimmed) else {
                    diagnostic("faultline redis: \(source):\(lineNumber): expected '#sleep <N>ms' or '#sleep <N>s' "
                               + "(N from 0 to \(Self.sleepMsMax) ms), got '\(trimmed)'\n")
                    return false
                }
                advance(ms)
                continue
            }
            if trimmed.hasPrefix("#") { continue }
            let argv: [[UInt8]]
            do { argv = try RedisCLIArguments.split(line) } catch {
                diagnostic("faultline redis: \(source):\(lineNumber): \(error) (redis-cli says 'Invalid argument(s)')\n")
                return false
            }
            guard !argv.isEmpty else { continue }
            let result = execute(argv)
            switch result {
            case .reply(let r):
                output(r.reply.encoded)
                if effects {
                    for effect in r.propagate {
                        diagnostic("#effect " + effect.map { Self.quoted($0) }.joined(separator: " ") + "\n")
                    }
                }
            case .blocksForever(let why):
                diagnostic("faultline redis: \(source):\(lineNumber): \(why); no reply\n")
            }
        }
        return true
    }

    enum Outcome { case reply(CommandResult), blocksForever(String) }

    /// One command: server commands here, data commands through `RedisCommands`.
    mutating func execute(_ argv: [[UInt8]]) -> Outcome {
        let name = String(decoding: argv[0], as: UTF8.self).lowercased()
        switch name {
        case "wait": return wait(argv)
        case "role":
            guard argv.count == 1 else { return .reply(CommandResult(reply: arity("role"))) }
            return .reply(CommandResult(reply: .array([.bulk("master"), .integer(0), .emptyArray])))
        case "info": return .reply(CommandResult(reply: info(argv)))
        case "replicaof", "slaveof": return .reply(CommandResult(reply: replicaof(argv, name: name)))
        default:
            return .reply(RedisCommands.execute(argv, in: &keyspace, nowMs: clockMs))
        }
    }

    mutating func advance(_ ms: Int64) {
        precondition(ms >= 0, "virtual time never goes back")
        clockMs += ms
        _ = RedisCommands.activeExpire(in: &keyspace, nowMs: clockMs)
    }

    func arity(_ name: String) -> RESPValue { .error("ERR wrong number of arguments for '\(name)' command") }

    /// WAIT numreplicas timeout: with no replicas nothing ever acknowledges, so a positive
    /// count waits out the timeout (virtual time moves) and answers 0; timeout 0 waits forever.
    mutating func wait(_ argv: [[UInt8]]) -> Outcome {
        guard argv.count == 3 else { return .reply(CommandResult(reply: arity("wait"))) }
        guard let wanted = Self.integer(argv[1]) else {
            return .reply(CommandResult(reply: .error("ERR value is not an integer or out of range")))
        }
        guard let timeout = Self.integer(argv[2]) else {
            return .reply(CommandResult(reply: .error("ERR timeout is not an integer or out of range")))
        }
        if timeout < 0 { return .reply(CommandResult(reply: .error("ERR timeout is negative"))) }
        if wanted <= 0 { return .reply(CommandResult(reply: .integer(0))) }
        if timeout == 0 {
            return .blocksForever("WAIT \(wanted) 0 blocks forever on a primary with no replicas")
        }
        advance(timeout)
        return .reply(CommandResult(reply: .integer(0)))
    }

    func info(_ argv: [[UInt8]]) -> RESPValue {
        guard argv.count == 2, String(decoding: argv[1], as: UTF8.self).lowercased() == "replication" else {
            return .error("ERR faultline redis answers INFO replication only")
        }
        let lines = [
            "# Replication", "role:master", "connected_slaves:0", "master_failover_state:no-failover",
            "master_replid:\(replicationID)", "master_replid2:" + String(repeating: "0", count: 40),
            "master_repl_offset:0", "second_repl_offset:-1", "repl_backlog_active:0",
            "repl_backlog_size:1048576", "repl_backlog_first_byte_offset:0", "repl_backlog_histlen:0",
        ]
        return .bulk(lines.map { $0 + "\r\n" }.joined())
    }

    func replicaof(_ argv: [[UInt8]], name: String) -> RESPValue {
        guard argv.count == 3 else { return arity(name) }
        let host = String(decoding: argv[1], as: UTF8.self).lowercased()
        let port = String(decoding: argv[2], as: UTF8.self).lowercased()
        if host == "no" && port == "one" { return .ok }
        return .error("ERR faultline redis drives a standalone primary; REPLICAOF host port needs the replication model")
    }

    static func integer(_ bytes: [UInt8]) -> Int64? {
        // Redis's strict integer syntax, as the engine parses it.
        guard let n = Int64(String(decoding: bytes, as: UTF8.self)),
              String(n) == String(decoding: bytes, as: UTF8.self) else { return nil }
        return n
    }

    /// `#sleep 1500ms` or `#sleep 2s` (a bare number is ms).
    static func parseSleep(_ line: String) -> Int64? {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0] == "#sleep" else { return nil }
        var text = String(parts[1])
        var unit: Int64 = 1
        if text.hasSuffix("ms") { text.removeLast(2) } else if text.hasSuffix("s") { text.removeLast(); unit = 1000 }
        guard let n = Int64(text), n >= 0, n <= sleepMsMax / unit else { return nil }
        return n * unit
    }

    /// An argument as redis-cli would need it typed: bare when plain, else double-quoted.
    static func quoted(_ bytes: [UInt8]) -> String {
        let plain = !bytes.isEmpty && bytes.allSatisfy { $0 > 32 && $0 < 127 && $0 != 34 && $0 != 39 && $0 != 92 }
        if plain { return String(decoding: bytes, as: UTF8.self) }
        var s = "\""
        for b in bytes {
            switch b {
            case 34: s += "\\\""
            case 92: s += "\\\\"
            case 10: s += "\\n"
            case 13: s += "\\r"
            case 9: s += "\\t"
            case 32..<127: s += String(UnicodeScalar(b))
            default: s += "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16)
            }
        }
        return s + "\""
    }
}
