import Testing
@testable import FaultlineRedis

/// What each write hands to the AOF and the replicas: effects, never the relative forms.
@Suite struct CommandsPropagationTests {
    static let now: Int64 = 1_700_000_000_000

    func run(_ line: String, _ ks: inout RedisKeyspace, at now: Int64 = now, replica: Bool = false) throws -> CommandResult {
        let r = RedisCommands.execute(try RedisCLIArguments.split(line), in: &ks, nowMs: now, isReplica: replica)
        ks.checkInvariants()
        return r
    }

    func words(_ effects: [[[UInt8]]]) -> [String] {
        effects.map { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ") }
    }

    @Test func relativeExpiriesBecomeAbsoluteSoAReplicaExpiresAtTheSameInstant() throws {
        var ks = RedisKeyspace()
        #expect(words(try run("SET k v EX 10 NX", &ks).propagate) == ["SET k v PXAT 1700000010000"])
        #expect(words(try run("SETEX s 5 v", &ks).propagate) == ["SET s v PXAT 1700000005000"])
        #expect(words(try run("EXPIRE k 20 GT", &ks).propagate) == ["PEXPIREAT k 1700000020000 GT"])
        #expect(words(try run("PEXPIRE k 500", &ks).propagate) == ["PEXPIREAT k 1700000000500"])
        #expect(words(try run("PEXPIREAT k 1700000000900", &ks).propagate) == ["PEXPIREAT k 1700000000900"])
        #expect(words(try run("SET k v2 GET KEEPTTL", &ks).propagate) == ["SET k v2 KEEPTTL"])
        #expect(words(try run("INCRBY n 7", &ks).propagate) == ["INCRBY n 7"])
    }

    @Test func writesThatChangeNothingPropagateNothing() throws {
        var ks = RedisKeyspace()
        _ = try run("SET k v", &ks)
        for line in ["SET k x NX", "SET missing x XX", "DEL nosuch", "PERSIST k", "EXPIRE nosuch 10",
                     "HDEL nosuch f", "LPOP nosuch", "EXPIRE k 10 XX", "GET k", "SET k v EX 0"] {
            #expect(try run(line, &ks).propagate.isEmpty, "\(line) should propagate nothing")
        }
        #expect(words(try run("FLUSHALL", &ks).propagate) == ["FLUSHALL"])
        #expect(words(try run("FLUSHALL", &ks).propagate) == ["FLUSHALL"], "FLUSHALL propagates even on an empty keyspace")
    }

    @Test func aKeyFoundExpiredOnAPrimaryIsDeletedAndItsDelPropagatedFirst() throws {
        var ks = RedisKeyspace()
        _ = try run("SET k v PX 100", &ks)
        let later = Self.now + 101
        let r = try run("INCR k", &ks, at: later)
        #expect(r.reply == .integer(1))
        #expect(words(r.propagate) == ["DEL k", "INCR k"])
        _ = try run("SET e v PX 100", &ks)
        let d = try run("DEL e", &ks, at: later)
        #expect(d.reply == .zero, "an expired key is not counted by DEL")
        #expect(words(d.propagate) == ["DEL e"])
        let expired = try run("EXPIRE k -1", &ks, at: later)
        #expect(expired.reply == .one)
        #expect(words(expired.propagate) == ["DEL k"])
    }

    @Test func aReplicaHidesAnExpiredKeyButKeepsItUntilThePrimarysDel() throws {
        var ks = RedisKeyspace()
        RedisCommands.applyPropagated(try RedisCLIArguments.split("SET k v PXAT 1000"), to: &ks, nowMs: Self.now)
        #expect(ks.count == 1, "a past PXAT from the stream is stored, not turned into a DEL")
        let read = try run("GET k", &ks, replica: true)
        #expect(read.reply == .nullBulk)
        #expect(read.propagate.isEmpty)
        #expect(ks.count == 1, "the replica waits for the primary's DEL")
        #expect(try run("EXISTS k", &ks, replica: true).reply == .zero)
        RedisCommands.applyPropagated(try RedisCLIArguments.split("PEXPIREAT k 5"), to: &ks, nowMs: Self.now)
        #expect(ks.expireAt(Array("k".utf8)) == 5)
        RedisCommands.applyPropagated(try RedisCLIArguments.split("DEL k"), to: &ks, nowMs: Self.now)
        #expect(ks.count == 0)
    }

    @Test func theLockReleaseScriptDeletesOnlyForItsOwnToken() throws {
        var ks = RedisKeyspace()
        let script = RedisCommands.lockReleaseScript
        #expect(RedisCommands.lockReleaseSHA == "b70c2384248f88e6b75b9f89241a180f856ad852")
        _ = try run("SET lock tokenA NX PX 30000", &ks)
        let evalsha = [Array("EVALSHA".utf8), Array(RedisCommands.lockReleaseSHA.utf8), Array("1".utf8), Array("lock".utf8), Array("tokenA".utf8)]
        #expect(RedisCommands.execute(evalsha, in: &ks, nowMs: Self.now).reply
                == .error("NOSCRIPT No matching script. Please use EVAL."), "nothing loaded yet")
        let wrong = RedisCommands.execute([Array("EVAL".utf8), Array(script.utf8), Array("1".utf8), Array("lock".utf8), Array("tokenB".utf8)],
                                          in: &ks, nowMs: Self.now)
        #expect(wrong.reply == .zero)
        #expect(wrong.propagate.isEmpty)
        let mine = RedisCommands.execute(evalsha, in: &ks, nowMs: Self.now)
        #expect(mine.reply == .one, "EVAL loaded the script, so EVALSHA finds it")
        // Script effects carry the script's own spelling: a real 7.0 stream shows `del`.
        #expect(words(mine.propagate) == ["del lock"])
        #expect(ks.count == 0)
        let other = RedisCommands.execute([Array("EVAL".utf8), Array("return 1".utf8), Array("0".utf8)], in: &ks, nowMs: Self.now)
        guard case .error(let message) = other.reply else { Issue.record("another script must be refused"); return }
        #expect(message.contains("runs only the canonical lock-release script"))
    }

    @Test func aRewriteRebuildsTheSameKeyspace() throws {
        var ks = RedisKeyspace()
        _ = try run("SET s v EX 100", &ks)
        _ = try run("HSET h f1 a f2 b", &ks)
        for i in 0..<130 { _ = try run("RPUSH l item\(i)", &ks) }
        _ = try run("SET gone x PX 1", &ks)
        let commands = ks.rewriteCommands(nowMs: Self.now + 10)
        #expect(commands.filter { $0[0] == Array("RPUSH".utf8) }.map { $0.count - 2 } == [64, 64, 2])
        var rebuilt = RedisKeyspace()
        for argv in commands { RedisCommands.applyPropagated(argv, to: &rebuilt, nowMs: Self.now + 10) }
        rebuilt.checkInvariants()
        #expect(rebuilt.digest() == ks.digest())
        _ = try run("HSET h f1 changed", &rebuilt)
        #expect(rebuilt.digest() != ks.digest(), "the digest must see a changed field")
    }
}
