import Testing
@testable import FaultlineRedis

/// Edge cases the random differential test rarely reaches (64-bit limits, option spelling and
/// order, argument echo in errors, script cache), replayed against replies captured from the
/// Debian redis-server 7.0.15 on this project's machine (2026-12-01, RESP over TCP, one
/// connection, all within one second so the TTLs read as set).
@Suite struct CommandsEdgeCaseTests {
    static let transcript = #"""
> SCRIPT FLUSH
  b'+OK\r\n'
> FLUSHALL
  b'+OK\r\n'
> nosuch aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb ccc
  b"-ERR unknown command 'nosuch', with args beginning with: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' 'bbbbbbbbbbbbbbb' \r\n"
> NoSuch
  b"-ERR unknown command 'NoSuch', with args beginning with: \r\n"
> set K v ex 100 px 100
  b'-ERR syntax error\r\n'
> SeT K v Ex 100 nX
  b'+OK\r\n'
> SET K v EXAT 9999999999
  b'+OK\r\n'
> EXPIRETIME K
  b':9999999999\r\n'
> PEXPIRETIME K
  b':9999999999000\r\n'
> SET K v PXAT 9999999999000 KEEPTTL
  b'-ERR syntax error\r\n'
> SET K v KEEPTTL PXAT 9999999999000
  b'-ERR syntax error\r\n'
> SET K v KEEPTTL
  b'+OK\r\n'
> EXPIRETIME K
  b':9999999999\r\n'
> SET K v EX 10 GET GET
  b'$1\r\nv\r\n'
> SET K v get nx
  b'$1\r\nv\r\n'
> GET K
  b'$1\r\nv\r\n'
> SETEX K 0 v
  b"-ERR invalid expire time in 'setex' command\r\n"
> SETEX K x v
  b'-ERR value is not an integer or out of range\r\n'
> PSETEX K -1 v
  b"-ERR invalid expire time in 'psetex' command\r\n"
> PSETEX K 100000 v
  b'+OK\r\n'
> SET n 9223372036854775807
  b'+OK\r\n'
> INCRBY n 0
  b':9223372036854775807\r\n'
> INCRBY n -9223372036854775808
  b':-1\r\n'
> DECRBY n -9223372036854775808
  b'-ERR decrement would overflow\r\n'
> DECRBY n -1
  b':0\r\n'
> SET m -9223372036854775808
  b'+OK\r\n'
> INCRBY m -1
  b'-ERR increment or decrement would overflow\r\n'
> DECRBY m 9223372036854775807
  b'-ERR increment or decrement would overflow\r\n'
> SET e 0
  b'+OK\r\n'
> DECR e
  b':-1\r\n'
> INCRBY e 18446744073709551616
  b'-ERR value is not an integer or out of range\r\n'
> INCRBY e 99999999999999999999
  b'-ERR value is not an integer or out of range\r\n'
> APPEND e 5
  b':3\r\n'
> INCR e
  b':-14\r\n'
> EXPIRE e 9223372036854775
  b"-ERR invalid expire time in 'expire' command\r\n"
> EXPIRE e -9223372036854775
  b':1\r\n'
> PEXPIRE e -9223372036854775808
  b':0\r\n'
> EXPIREAT e 100
  b':0\r\n'
> EXISTS e
  b':0\r\n'
> SET e 1
  b'+OK\r\n'
> PEXPIREAT e 1
  b':1\r\n'
> GET e
  b'$-1\r\n'
> RPUSH L a b c d e f g
  b':7\r\n'
> LRANGE L -100 100
  b'*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n'
> LRANGE L -3 -2
  b'*2\r\n$1\r\ne\r\n$1\r\nf\r\n'
> LRANGE L 9223372036854775807 -9223372036854775808
  b'*0\r\n'
> LRANGE L -9223372036854775808 9223372036854775807
  b'*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n'
> LPOP L 9223372036854775807
  b'*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n'
> RPOP L
  b'$-1\r\n'
> LLEN L
  b':0\r\n'
> HSET H a 1
  b':1\r\n'
> HGETALL H
  b'*2\r\n$1\r\na\r\n$1\r\n1\r\n'
> HSET H a 2 b 3
  b':1\r\n'
> HGETALL H
  b'*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n3\r\n'
> HDEL H a a b c
  b':2\r\n'
> EXISTS H
  b':0\r\n'
> HLEN H
  b':0\r\n'
> HEXISTS H a
  b':0\r\n'
> SCRIPT EXISTS b70c2384248f88e6b75b9f89241a180f856ad852 abc
  b'*2\r\n:0\r\n:0\r\n'
> SCRIPT FLUSH bogus
  b'-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n'
> SCRIPT bogus
  b"-ERR unknown subcommand 'bogus'. Try SCRIPT HELP.\r\n"
> SCRIPT LOAD 'if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end'
  b'$40\r\nb70c2384248f88e6b75b9f89241a180f856ad852\r\n'
> SCRIPT EXISTS B70C2384248F88E6B75B9F89241A180F856AD852
  b'*1\r\n:1\r\n'
> EVALSHA b70c2384248f88e6b75b9f89241a180f856ad85 0
  b'-NOSCRIPT No matching script. Please use EVAL.\r\n'
> EVALSHA b70c2384248f88e6b75b9f89241a180f856ad852 -1
  b"-ERR Number of keys can't be negative\r\n"
> FLUSHALL ASYNC
  b'+OK\r\n'
> FLUSHALL bogus
  b'-ERR syntax error\r\n'
> FLUSHDB sync now
  b'-ERR syntax error\r\n'
> DBSIZE
  b':0\r\n'
> PING "hello world"
  b'$11\r\nhello world\r\n'
> TYPE nosuch
  b'+none\r\n'
> MSET a 1 a 2
  b'+OK\r\n'
> GET a
  b'$1\r\n2\r\n'
> MSETNX a 1 b 2
  b':0\r\n'
> MSETNX c 1 c 2
  b':1\r\n'
> MGET c
  b'*1\r\n$1\r\n2\r\n'
> STRLEN a
  b':1\r\n'
> SETNX a 5
  b':0\r\n'
> TTL a
  b':-1\r\n'
> PERSIST nosuch
  b':0\r\n'
> EXPIRE a 100 XX
  b':0\r\n'
> EXPIRE a 100 nx
  b':1\r\n'
> EXPIRE a 50 lt
  b':1\r\n'
> EXPIRE a 500 LT
  b':0\r\n'
> TTL a
  b':50\r\n'
> PEXPIRE a 1000000 gt
  b':1\r\n'
> TTL a
  b':1000\r\n'
"""#

    @Test func edgeCasesReplyAsRedis7015ByteForByte() throws {
        let entries = try RedisTranscript(parsing: Self.transcript).entries
        #expect(entries.count == 87)
        var keyspace = RedisKeyspace()
        for entry in entries {
            let reply = RedisCommands.execute(try RedisCLIArguments.split(entry.text), in: &keyspace,
                                              nowMs: 1_764_547_200_000).reply.encoded
            keyspace.checkInvariants()
            #expect(String(decoding: reply, as: UTF8.self) == String(decoding: entry.reply, as: UTF8.self),
                    "line \(entry.line): \(entry.text)")
        }
    }

    @Test func unknownCommandErrorsEchoArgumentsAsRedisDoes() {
        // A CR or LF in a client's argument becomes a space, so the error stays one line.
        let argv: [[UInt8]] = [Array("bogus".utf8), Array("a\r\nb".utf8), [0x61, 0, 0x62]]
        var keyspace = RedisKeyspace()
        let reply = RedisCommands.execute(argv, in: &keyspace, nowMs: 0).reply
        #expect(reply == .error("ERR unknown command 'bogus', with args beginning with: 'a  b' 'a' "))
    }

    @Test func integersFollowString2llStrictly() {
        for good in ["0", "-1", "9223372036854775807", "-9223372036854775808", "10"] {
            #expect(RedisInteger.parse(Array(good.utf8)) != nil, "\(good)")
        }
        for bad in ["", "-", "-0", "+1", "01", " 1", "1 ", "1.0", "9223372036854775808", "-9223372036854775809", "1e3"] {
            #expect(RedisInteger.parse(Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
