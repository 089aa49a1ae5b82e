import Testing
import Foundation
import FaultlineCore
@testable import FaultlineStorage

/// The real-peer check: an AOF written by the engine (on real files) must be accepted by
/// `redis-check-aof` and loaded by a real `redis-server` with the same keys and values,
/// including after a torn tail, which both Redis and the engine cut the same way.
/// Skips itself, saying why, when the Redis programs are not installed.
@Suite struct RedisPeerTests {
    static func program(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        return nil
    }

    static func run(_ path: String, _ args: [String]) throws -> (status: Int32, output: [UInt8]) {
        try ChildProcess.run(path, args)
    }

    /// A server on 127.0.0.1 and a port of our own, over `dir`; stopped by PID.
    struct Server {
        let process: ChildProcess
        let port: Int
        let cli: String

        static func start(_ server: String, cli: String, dir: String, port: Int) throws -> Server {
            let child = try ChildProcess.spawn(server, [
                "--port", "\(port)", "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes",
                "--appendfilename", "appendonly.aof", "--appenddirname", "appendonlydir",
                "--aof-load-truncated", "yes", "--save", "", "--daemonize", "no",
                "--logfile", dir + "/redis.log"], capture: false)
            let s = Server(process: child, port: port, cli: cli)
            for _ in 0..<100 {
                if let r = try? s.query(["PING"]), r == "PONG\n" { return s }
                usleep(50_000)
            }
            s.stop()
            let log = (try? String(contentsOfFile: dir + "/redis.log", encoding: .utf8)) ?? ""
            throw StorageError.ioError(path: dir, operation: "redis-server did not answer PING; log:\n\(log)")
        }

        func query(_ args: [String], db: Int = 0) throws -> String {
            let r = try RedisPeerTests.run(cli, ["-h", "127.0.0.1", "-p", "\(port)", "-n", "\(db)", "--raw"] + args)
            return String(decoding: r.output, as: UTF8.self)
        }

        func stop() {
            kill(process.pid, SIGTERM)
            process.wait()
        }
    }

    @Test func aofWrittenByTheEngineIsAcceptedByRedisCheckAofAndLoadedByRedisServer() throws {
        guard let server = Self.program("redis-server"), let check = Self.program("redis-check-aof"),
              let cli = Self.program("redis-cli") else {
            print("RedisPeerTests: skipped: redis-server, redis-check-aof and redis-cli are needed (apt-get install redis-server redis-tools)")
            return
        }
        let dir = try makeTemporaryDirectory("redis")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let disk = try FileDisk(root: dir)
        let (aof, result) = try AppendOnlyFile.open(disk: disk, directory: "", config: AppendOnlyFileConfig(appendfsync: .always))
        try aof.completeNow(try #require(result.initialization))

        var expected: [Int: [String: String]] = [:]
        func set(_ k: String, _ v: String, db: Int = 0) throws {
            try aof.append(["SET", k, v], db: db)
            expected[db, default: [:]][k] = v
        }
        try set("plain", "value")
        try set("with space", "a value with spaces")
        try set("crlf", "line one\r\nline two")
        try set("empty", "")
        try set("unicode", "żółw 🐢")
        try set("counter", "1")
        try aof.append(["INCR", "counter"]); expected[0]!["counter"] = "2"
        try set("gone", "soon")
        try aof.append(["DEL", "gone"]); expected[0]!["gone"] = nil
        try set("other-db", "in db 1", db: 1)
        try aof.syncNow()

        // Rewrite to a new base (SELECT per database, as BGREWRITEAOF emits), then keep writing.
        var dataset: [[[UInt8]]] = []
        for db in expected.keys.sorted() {
            dataset.append([bytes("SELECT"), bytes(String(db))])
            for (k, v) in expected[db]!.sorted(by: { $0.key < $1.key }) { dataset.append([bytes("SET"), bytes(k), bytes(v)]) }
        }
        let rewrite = try aof.beginRewrite(commands: dataset)
        try set("after-rewrite", "incr 2")
        try aof.completeNow(rewrite)
        try set("after-switch", "yes", db: 1)
        try aof.syncNow()
        #expect(try disk.list("appendonlydir") == ["appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"])

        let checked = try Self.run(check, [dir + "/appendonlydir/appendonly.aof.manifest"])
        let report = String(decoding: checked.output, as: UTF8.self)
        #expect(checked.status == 0, "redis-check-aof: \(report)")
        #expect(report.contains("is valid"), "redis-check-aof: \(report)")

        let port = 26_000 + Int(getpid() % 3000)
        try verify(server: server, cli: cli, dir: dir, port: port, expected: expected)

        // A torn tail: both redis-server (aof-load-truncated yes) and the engine drop it.
        let incr = try disk.open("appendonlydir/appendonly.aof.2.incr.aof", create: false)
        try disk.append(incr, bytes("*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nab"))
        disk.close(incr)
        try verify(server: server, cli: cli, dir: dir, port: port + 1, expected: expected)
        let (_, reloaded) = try AppendOnlyFile.open(disk: disk, directory: "")
        #expect(replay(reloaded.commands) == expected)
    }

    func verify(server: String, cli: String, dir: String, port: Int, expected: [Int: [String: String]]) throws {
        let s = try Server.start(server, cli: cli, dir: dir, port: port)
        defer { s.stop() }
        for db in expected.keys.sorted() {
            #expect(try s.query(["DBSIZE"], db: db) == "\(expected[db]!.count)\n")
            for (k, v) in expected[db]!.sorted(by: { $0.key < $1.key }) {
                #expect(try s.query(["GET", k], db: db) == v + "\n", "key \(k) in db \(db)")
            }
        }
        #expect(try s.query(["EXISTS", "torn"]) == "0\n")
    }
}
