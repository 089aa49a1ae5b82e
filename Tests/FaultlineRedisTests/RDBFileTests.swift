import Foundation
import Testing
@testable import FaultlineRedis

/// dump.rdb in Redis 7.0's own format: what a real server saved reads back key for key, what
/// the model saves passes redis-check-rdb and a real redis-server loads it, and damage is
/// named at its byte instead of loading half a dataset.
@Suite struct RDBFileTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// SAVE on a real Redis 7.0.15 after SET a 1, SET s hello, RPUSH l x 2 y, HSET h f v g 7,
    /// SET e v PX 100000 (captured once, with redis-check-rdb's "RDB looks OK").
    static let realDump = "524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa056374696d65"
        + "c22ec70f6bfa08757365642d6d656dc210170f00fa08616f662d62617365c000fe00fb0501000161c0010001730568656c6c6ffc4f95a3"
        + "35a20100000001650176100168121200000004008166028176028167020701ff12016c01020f0f00000003008178020201817902ffffd8"
        + "0c72ec3902cb4b"

    static func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = [], it = hex.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }

    /// Every encoding the saver can choose: integers of each width as strings and list and
    /// hash entries, strings past the 6- and 12-bit listpack lengths, a list over several
    /// 8 KB nodes, a hash too big for a listpack and one with a long value, expiries.
    static func everyEncoding() -> RDBFile {
        let ints: [String] = ["0", "127", "128", "-1", "-128", "-129", "-4096", "4095", "4096", "-32768", "32767", "40000",
                              "-8388608", "8388607", "2147483647", "-2147483648", "3000000000", "9223372036854775807",
                              "-9223372036854775808", "-0", "01", "+1", "1.5", ""]
        var entries: [RDBFile.Entry] = []
        for (i, v) in ints.enumerated() { entries.append(.init(key: bytes("int:\(i)"), value: .string(bytes(v)))) }
        entries.append(.init(key: bytes("7"), value: .string(bytes("a key that is an integer"))))
        entries.append(.init(key: bytes("long"), value: .string(Array(repeating: 0x61, count: 5000)), expireAtMs: 4_102_444_800_000))
        var items = ints.map(bytes)
        items += [Array(repeating: 0x62, count: 100), Array(repeating: 0x63, count: 5000)]
        items += (0..<3000).map { bytes("item-\($0)") }
        entries.append(.init(key: bytes("list"), value: .list(items)))
        var small = RedisHash(), big = RedisHash(), wide = RedisHash()
        for (i, v) in ints.enumerated() { small.set(bytes("f\(i)"), bytes(v)) }
        for i in 0..<200 { big.set(bytes("field-\(i)"), bytes("\(i * 7)")) }
        wide.set(bytes("f"), Array(repeating: 0x64, count: 65))
        entries.append(.init(key: bytes("small-hash"), value: .hash(small), expireAtMs: 4_102_444_800_123))
        entries.append(.init(key: bytes("big-hash"), value: .hash(big)))
        entries.append(.init(key: bytes("wide-hash"), value: .hash(wide)))
        return RDBFile(entries: entries, replication: .init(replid: String(repeating: "ab", count: 20), offset: 123_456),
                       savedAtUnixSeconds: 1_796_196_142)
    }

    @Test func crc64IsRedisJonesPolynomial() {
        #expect(CRC64.checksum(Self.bytes("123456789")) == 0xe9c6_d914_c4b8_d9ca)
    }

    @Test func aDumpARealRedisSavedReadsBackKeyForKey() throws {
        let file = try RDBFile.decode(Self.hexBytes(Self.realDump), path: "dump.rdb")
        let byKey = Dictionary(uniqueKeysWithValues: file.entries.map { (String(decoding: $0.key, as: UTF8.self), $0) })
        #expect(byKey.count == 5)
        #expect(byKey["a"]?.value == .string(Self.bytes("1")))
        #expect(byKey["s"]?.value == .string(Self.bytes("hello")))
        #expect(byKey["l"]?.value == .list([Self.bytes("x"), Self.bytes("2"), Self.bytes("y")]))
        var h = RedisHash(); h.set(Self.bytes("f"), Self.bytes("v")); h.set(Self.bytes("g"), Self.bytes("7"))
        #expect(byKey["h"]?.value == .hash(h))
        #expect(byKey["e"]?.value == .string(Self.bytes("v")) && byKey["e"]?.expireAtMs != nil)
        #expect(byKey["a"]?.expireAtMs == nil)
        #expect(file.replication == nil, "a primary without replicas saves no replication info")
    }

    @Test func whatTheModelSavesLoadsBackExactly() throws {
        let file = Self.everyEncoding()
        let bytes = file.encoded()
        #expect(Array(bytes.prefix(9)) == Self.bytes("REDIS0010"))
        let back = try RDBFile.decode(bytes, path: "dump.rdb")
        #expect(back == file)
        // Integer-looking strings were integer-encoded (so the file is smaller than raw).
        #expect(bytes.count < 5000 * 2 + 3000 * 12 + 200 * 16 + 4096)
    }

    @Test func damageIsNamedAtItsByteNotLoadedHalfway() throws {
        let good = Self.everyEncoding().encoded()
        var flipped = good
        flipped[good.count / 2] ^= 0x40
        #expect(throws: RDBError.self) { _ = try RDBFile.decode(flipped, path: "dump.rdb") }
        do { _ = try RDBFile.decode(flipped, path: "dump.rdb") } catch {
            #expect(error.path == "dump.rdb")
            #expect(error.reason.contains("checksum") || error.reason.contains("listpack") || error.reason.contains("Short read")
                    || error.reason.contains("type"), "\(error)")
        }
        do { _ = try RDBFile.decode(Array(good.prefix(good.count - 20)), path: "dump.rdb"); Issue.record("a torn file loaded") } catch {
            #expect(error.reason.contains("Short read"), "\(error)")
        }
        do { _ = try RDBFile.decode(Self.bytes("REDIS0011"), path: "dump.rdb"); Issue.record("version 11 loaded") } catch {
            #expect(error.reason.contains("Can't handle RDB format version 11"), "\(error)")
        }
        do { _ = try RDBFile.decode(Self.bytes("JUNK"), path: "dump.rdb"); Issue.record("junk loaded") } catch {
            #expect(error.reason.contains("Wrong signature"), "\(error)")
        }
        // rdbchecksum no: a zero checksum is not checked.
        var unchecked = good
        for i in (good.count - 8)..<good.count { unchecked[i] = 0 }
        #expect(try RDBFile.decode(unchecked, path: "dump.rdb") == Self.everyEncoding())
    }

    @Test func redisCheckRdbAndARealServerReadWhatTheModelSaves() throws {
        let file = Self.everyEncoding()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-rdb-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dump.rdb").path
        try Data(file.encoded()).write(to: URL(fileURLWithPath: path))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-check-rdb") else {
            print("RDBFileTests: redis-check-rdb not installed (Debian redis-tools); skipping the real checks")
            return
        }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/redis-check-rdb")
        check.arguments = [path]
        let out = dir.appendingPathComponent("check.out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        check.standardOutput = handle; check.standardError = handle; check.standardInput = FileHandle.nullDevice
        try check.run(); check.waitUntilExit(); try handle.close()
        let report = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        #expect(check.terminationStatus == 0 && report.contains("RDB looks OK"), "\(report)")

        // The expiries lie in 2100, so the real server, a primary, does not drop them as expired.
        guard let server = try RealRedisServer.start(prepare: { d in
            try Data(file.encoded()).write(to: d.appendingPathComponent("dump.rdb"))
        }) else { return }
        defer { server.stop() }
        func call(_ words: String...) throws -> RESPValue? {
            var r = RESPReader()
            r.append(try server.connection.send(words.map { Array($0.utf8) }))
            return try r.next()
        }
        for e in file.entries {
            let key = String(decoding: e.key, as: UTF8.self)
            switch e.value {
            case .string(let s): #expect(try call("GET", key) == .bulkString(s), "\(key)")
            case .list(let items):
                #expect(try call("LRANGE", key, "0", "-1") == .array(items.map { .bulkString($0) }), "\(key)")
            case .hash(let h):
                #expect(try call("HLEN", key) == .integer(Int64(h.count)), "\(key)")
                for i in [0, h.count - 1] { #expect(try call("HGET", key, String(decoding: h.fields[i], as: UTF8.self)) == .bulkString(h.values[i])) }
            }
        }
        // Redis saved it again: the model's reader takes the real server's own encodings
        // (LZF-compressed strings included, rdbcompression being yes).
        #expect(try call("SAVE") == .simpleString("OK"))
        let resaved = try [UInt8](Data(contentsOf: server.directory.appendingPathComponent("dump.rdb")))
        let back = try RDBFile.decode(resaved, path: "dump.rdb")
        let sortedBack = back.entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let sortedOurs = file.entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        #expect(sortedBack.map(\.key) == sortedOurs.map(\.key))
        for (a, b) in zip(sortedBack, sortedOurs) {
            if case .hash(let ha) = a.value, case .hash(let hb) = b.value {
                // A big hash comes back in dict order; compare as sets of pairs.
                #expect(Set(zip(ha.fields, ha.values).map { $0.0 + [0] + $0.1 }) == Set(zip(hb.fields, hb.values).map { $0.0 + [0] + $0.1 }))
            } else {
                #expect(a.value == b.value, "\(String(decoding: a.key, as: UTF8.self))")
            }
            #expect(a.expireAtMs == b.expireAtMs)
        }
    }
}
