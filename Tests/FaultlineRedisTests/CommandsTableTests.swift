import Testing
@testable import FaultlineRedis

@Suite struct CommandsTableTests {
    @Test func writeFlagsFollowRedisSoAReadOnlyReplicaRefusesTheRightCommands() {
        for name in ["set", "SET", "del", "incrby", "expire", "lpush", "rpop", "hset", "hdel", "flushall", "eval", "evalsha", "persist"] {
            #expect(RedisCommands.isWrite(name), "\(name) writes")
        }
        for name in ["get", "GET", "mget", "exists", "ttl", "lrange", "hgetall", "dbsize", "ping", "type", "wait", "nosuch"] {
            #expect(!RedisCommands.isWrite(name), "\(name) does not write")
        }
        #expect(RedisCommands.supportedCommands.count >= 45)
        #expect(RedisCommands.supportedCommands == RedisCommands.supportedCommands.sorted())
    }

    @Test func serverCommandsAreLeftToTheNode() {
        var keyspace = RedisKeyspace()
        let reply = RedisCommands.execute([Array("WAIT".utf8), Array("0".utf8), Array("0".utf8)], in: &keyspace, nowMs: 0)
        guard case .error(let message) = reply.reply else { Issue.record("WAIT must not be answered here"); return }
        #expect(message.contains("server command"))
        #expect(reply.propagate.isEmpty)
    }
}
