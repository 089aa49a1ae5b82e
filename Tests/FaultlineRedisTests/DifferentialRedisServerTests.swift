import Foundation
import Testing
@testable import FaultlineCore
@testable import FaultlineRedis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends the same seeded random command sequences to a real redis-server and to the model and
/// compares every reply byte for byte. Keys come from a small set so types collide (WRONGTYPE),
/// values include the integer edge cases, and options are combined at random, valid or not.
/// Time-dependent commands are shaped to be deterministic: every TTL is at least 100 s and
/// distinct TTLs differ by at least a second, so a reply never depends on the milliseconds that
/// pass between commands; PTTL and absolute future expiries are left out, and EVAL sends only
/// the lock-release script (the model refuses any other, by design). Keys that are already
/// expired when written (SET ... PXAT 1) are lazily expired by both sides; the server's active
/// expire cycle is switched off so it cannot race with DBSIZE.
@Suite(.serialized) struct DifferentialRedisServerTests {
    /// Five seeds in CI; FAULTLINE_REDIS_DIFF_SEEDS=N sweeps seeds 1...N by hand.
    static let seeds: [UInt64] = {
        if let text = ProcessInfo.processInfo.environment["FAULTLINE_REDIS_DIFF_SEEDS"], let n = UInt64(text), n > 0 {
            return Array(1...n)
        }
        return [1, 2, 3, 4, 5]
    }()
    static let commandsPerSeed = 400

    @Test func randomCommandSequencesGetTheSameBytesAsARealRedisServer() throws {
        guard let server = try RealRedisServer.start() else { return }
        defer { server.stop() }
        // Keys written with a past PXAT / EXAT must wait for a lookup, as in the model: the
        // server's background expire cycle would otherwise race with DBSIZE.
        #expect(try server.connection.send([Array("DEBUG".utf8), Array("SET-ACTIVE-EXPIRE".utf8), Array("0".utf8)])
                == RESPValue.ok.encoded)
        var total = 0
        for seed in Self.seeds {
            #expect(try server.connection.send([Array("FLUSHALL".utf8)]) == RESPValue.ok.encoded)
            #expect(try server.connection.send([Array("SCRIPT".utf8), Array("FLUSH".utf8)]) == RESPValue.ok.encoded)
            var generator = RandomCommandGenerator(seed: seed)
            var keyspace = RedisKeyspace()
            for index in 0..<Self.commandsPerSeed {
                let argv = generator.next(index: index)
                let real = try server.connection.send(argv)
                let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
                let model = RedisCommands.execute(argv, in: &keyspace, nowMs: nowMs).reply.encoded
                keyspace.checkInvariants()
                total += 1
                if real != model {
                    Issue.record("""
                        seed \(seed) command \(index): \(argv.map { String(reflecting: String(decoding: $0, as: UTF8.self)) }.joined(separator: " "))
                          redis: \(String(reflecting: String(decoding: real, as: UTF8.self)))
                          model: \(String(reflecting: String(decoding: model, as: UTF8.self)))
                        """)
                    break
                }
            }
        }
        print("DifferentialRedisServerTests: \(total) commands over \(Self.seeds.count) seeds compared with redis-server")
        #expect(total == Self.seeds.count * Self.commandsPerSeed)
    }
}

/// Seeded random commands over a handful of keys, fields and values.
struct RandomCommandGenerator {
    var random: SeededRandom
    init(seed: UInt64) { random = SeededRandom(seed: seed, stream: "redis.differential") }

    static let keys = ["a", "b", "c", "d", "e"]
    static let fields = ["f", "g", "h"]
    static let values = ["1", "10", "-3", "0", "abc", "", " 1", "010", "9223372036854775807",
                         "-9223372036854775808", "1.5", "tok", "hello world", "9223372036854775806"]
    static let integers = ["1", "-1", "0", "5", "100", "x", "1.5", "9223372036854775807",
                           "-9223372036854775808", "-9223372036854775807", "2"]

    mutating func pick(_ list: [String]) -> String { list[random.index(list.count)] }
    mutating func key() -> String { pick(Self.keys) }
    mutating func value() -> String { pick(Self.values) }
    mutating func chance(_ n: UInt64, in d: UInt64) -> Bool { random.below(d) < n }

    /// A TTL in seconds from well-separated classes, growing with the command index so two
    /// TTLs are never equal (GT / LT decisions do not depend on elapsed milliseconds).
    mutating func ttlSeconds(index: Int) -> Int {
        [100, 1_000, 10_000][random.index(3)] + index
    }

    mutating func setOptions(index: Int) -> [String] {
        var opts: [String] = []
        for _ in 0..<random.index(4) {
            switch random.index(10) {
            case 0: opts.append("NX")
            case 1: opts.append("XX")
            case 2: opts.append("GET")
            case 3: opts.append("KEEPTTL")
            case 4: opts += ["EX", String(ttlSeconds(index: index))]
            case 5: opts += ["PX", String(ttlSeconds(index: index) * 1000)]
            case 6: opts += ["EX", pick(["0", "-5", "abc", "9223372036854775"])]
            case 7: opts += ["PXAT", "1"]
            case 8: opts.append(pick(["nx", "get", "ex", "BOGUS"]))
            default: opts += ["EXAT", "1000"]
            }
        }
        return opts
    }

    mutating func next(index: Int) -> [[UInt8]] {
        var argv = command(index: index)
        // Now and then drop or add an argument to hit arity errors (not for SCRIPT LOAD, where
        // it would replace the script by one the model refuses by design).
        if argv[0] != "SCRIPT" {
            if chance(1, in: 40) && argv.count > 1 { argv.removeLast() }
            if chance(1, in: 60) { argv.append(value()) }
        }
        return argv.map { Array($0.utf8) }
    }

    mutating func command(index: Int) -> [String] {
        switch random.index(40) {
        case 0: return ["GET", key()]
        case 1, 2: return ["SET", key(), value()] + setOptions(index: index)
        case 3: return ["INCR", key()]
        case 4: return ["INCRBY", key(), pick(Self.integers)]
        case 5: return [pick(["DECR", "decr"]), key()]
        case 6: return ["DECRBY", key(), pick(Self.integers)]
        case 7: return ["APPEND", key(), value()]
        case 8: return ["DEL"] + (0...random.index(3)).map { _ in key() }
        case 9: return ["EXISTS"] + (0...random.index(3)).map { _ in key() }
        case 10: return ["MGET"] + (0...random.index(3)).map { _ in key() }
        case 11: return ["MSET"] + (0...random.index(2)).flatMap { _ in [key(), value()] }
        case 12:
            var argv = [pick(["EXPIRE", "PEXPIRE"]), key()]
            let seconds = ttlSeconds(index: index)
            argv.append(chance(1, in: 5) ? pick(["-1", "0", "abc"]) : String(argv[0] == "PEXPIRE" ? seconds * 1000 : seconds))
            for _ in 0..<random.index(3) { argv.append(pick(["NX", "XX", "GT", "LT", "gt", "FOO"])) }
            return argv
        case 13: return ["TTL", key()]
        case 14: return ["PERSIST", key()]
        case 15: return ["TYPE", key()]
        case 16, 17: return [pick(["LPUSH", "RPUSH"]), key()] + (0...random.index(3)).map { _ in value() }
        case 18:
            var argv = [pick(["LPOP", "RPOP"]), key()]
            if chance(1, in: 2) { argv.append(pick(["0", "1", "2", "5", "-1", "x"])) }
            return argv
        case 19: return ["LRANGE", key(), pick(["0", "1", "-1", "-2", "5", "-100", "x"]), pick(["0", "-1", "2", "-3", "100"])]
        case 20: return ["LLEN", key()]
        case 21, 22: return [pick(["HSET", "HMSET"]), key()] + (0...random.index(2)).flatMap { _ in [pick(Self.fields), value()] }
        case 23: return ["HGET", key(), pick(Self.fields)]
        case 24: return ["HDEL", key()] + (0...random.index(2)).map { _ in pick(Self.fields) }
        case 25: return ["HGETALL", key()]
        case 26: return [pick(["HLEN", "HEXISTS"]), key()] + (chance(1, in: 2) ? [pick(Self.fields)] : [])
        case 27: return chance(1, in: 8) ? ["FLUSHALL"] : ["DBSIZE"]
        case 28:
            // Only the script the model runs: any other is refused on purpose (a tested error).
            return ["EVAL", RedisCommands.lockReleaseScript, pick(["1", "1", "0", "2", "x"]), key(), value()]
        case 29: return ["EVALSHA", pick([RedisCommands.lockReleaseSHA, "abc"]), "1", key(), value()]
        case 30: return chance(1, in: 2) ? ["SCRIPT", "LOAD", RedisCommands.lockReleaseScript]
                                         : ["SCRIPT", "EXISTS", RedisCommands.lockReleaseSHA]
        case 31: return ["PING"] + (chance(1, in: 2) ? [value()] : [])
        case 32: return [pick(["SETNX", "MSETNX", "STRLEN"]), key(), value()]
        case 33: return chance(1, in: 2) ? ["GETSET", key(), value()] : ["GETDEL", key()]
        case 34: return [pick(["LPUSHX", "RPUSHX"]), key()] + (0...random.index(2)).map { _ in value() }
        case 35: return ["LINDEX", key(), pick(["0", "1", "-1", "-3", "7", "x"])]
        case 36: return ["LTRIM", key(), pick(["0", "1", "-2", "5", "x"]), pick(["0", "-1", "1", "-5", "100"])]
        case 37: return chance(1, in: 2) ? ["HSETNX", key(), pick(Self.fields), value()]
                                         : ["HINCRBY", key(), pick(Self.fields), pick(Self.integers)]
        case 38: return [pick(["HMGET", "HKEYS", "HVALS"]), key()] + (0...random.index(2)).map { _ in pick(Self.fields) }
        default: return [pick(["NOSUCH", "GETX", "lpushx2"]), key(), value()]
        }
    }
}

/// A redis-server child process on 127.0.0.1 and one connection to it; stopped by its PID.
/// Spawned with posix_spawn and reaped with waitpid, so no run loop is involved.
final class RealRedisServer {
    let pid: pid_t
    let connection: RedisTestConnection
    let directory: URL
    let port: Int

    init(pid: pid_t, connection: RedisTestConnection, directory: URL, port: Int) {
        self.pid = pid; self.connection = connection; self.directory = directory; self.port = port
    }

    static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
            let candidate = "\(dir)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func spawn(_ arguments: [String]) -> pid_t? {
        var pid: pid_t = 0
        var cArgs: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // The test process blocks signals in its threads; the child must not inherit that
        // mask, or it would never see the SIGTERM that stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, &cArgs, environ)
        return rc == 0 ? pid : nil
    }

    /// True while the child has not exited (reaps it when it has).
    static func isRunning(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// SIGTERM, then SIGKILL if the server has not exited within 5 s; always reaped.
    static func terminate(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<250 {
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }

    /// Starts a server on a free port of 17400-17499, or returns nil (with a printed reason)
    /// when redis-server is not installed. `prepare` may put files in its `dir` first (a
    /// dump.rdb to load). With `configFile`, the server starts on that redis.conf (written to
    /// its `dir`) and only bind, port, dir and logging come from the command line.
    static func start(configFile: String? = nil, prepare: (URL) throws -> Void = { _ in }) throws -> RealRedisServer? {
        guard let binary = executable() else {
            print("DifferentialRedisServerTests: skipped, redis-server is not installed (apt-get install redis-server)")
            return nil
        }
        let base = 17_400 + Int(getpid() % 25) * 2
        for port in [base, base + 1, base + 2, base + 50, base + 51, base + 52] {
            // Tests start servers concurrently and may race for a port: the loser's server
            // exits, and the directory, unique to this call, tells whose server answers.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-redis-diff-\(getpid())-\(port)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try prepare(dir)
            var arguments = [binary]
            if let text = configFile {
                let conf = dir.appendingPathComponent("redis.conf")
                try text.write(to: conf, atomically: true, encoding: .utf8)
                arguments += [conf.path]
            } else {
                arguments += ["--save", "", "--appendonly", "no"]
            }
            arguments += ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir.path, "--daemonize", "no",
                          "--enable-debug-command", "local", "--logfile", dir.appendingPathComponent("redis.log").path]
            guard let pid = spawn(arguments) else { continue }
            for _ in 0..<150 {
                if !isRunning(pid) { break }
                if let c = RedisTestConnection(port: UInt16(port)) {
                    // The port may belong to another test's server (ours then fails to bind
                    // and exits): only a server whose dir is ours is ours.
                    let dirReply = try? c.send(["CONFIG", "GET", "dir"].map { Array($0.utf8) })
                    if let reply = dirReply, String(decoding: reply, as: UTF8.self).contains(dir.lastPathComponent) {
                        return RealRedisServer(pid: pid, connection: c, directory: dir, port: port)
                    }
                    c.close()
                }
                usleep(20_000)
            }
            if isRunning(pid) { terminate(pid) }
            try? FileManager.default.removeItem(at: dir)
        }
        Issue.record("redis-server is installed but did not start on 127.0.0.1")
        return nil
    }

    func stop() {
        connection.close()
        RealRedisServer.terminate(pid)
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A blocking RESP connection over a POSIX socket: send a command, read exactly one reply.
final class RedisTestConnection {
    private var fd: Int32
    private var reader = RESPReader()

    init?(port: UInt16) {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if ok != 0 { Glibc_close(fd); return nil }
        // A reply that never comes fails the test after 10 s instead of hanging it.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    struct ConnectionError: Error, CustomStringConvertible { let description: String }

    /// Sends one command and returns the raw bytes of its reply.
    func send(_ argv: [[UInt8]]) throws -> [UInt8] {
        let bytes = RESPValue.command(argv).encoded
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            guard n > 0 else { throw ConnectionError(description: "write to redis-server failed") }
            offset += n
        }
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var probe = RESPReader()
            probe.append(raw)
            if try probe.next() != nil && probe.pendingCount == 0 { return raw }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            guard n > 0 else { throw ConnectionError(description: "redis-server closed the connection") }
            raw.append(contentsOf: buffer[0..<n])
        }
    }

    func close() { if fd >= 0 { Glibc_close(fd); fd = -1 } }
}

private func Glibc_close(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #else
    _ = Darwin.close(fd)
    #endif
}
