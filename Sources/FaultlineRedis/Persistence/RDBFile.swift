/// A Redis 7.0 RDB file (rdb.c, RDB version 10), as `SAVE`, `BGSAVE` and a disk-based full
/// sync write it: `REDIS0010`, the aux fields (`redis-ver`, `redis-bits`, `ctime`,
/// `used-mem`, the replication info, `aof-base`), `SELECTDB 0` and `RESIZEDB`, every key with
/// its expiry, `EOF` and the CRC64 of everything before it. Strings that are small integers
/// are integer-encoded; small hashes are listpacks (`hash-max-listpack-entries` 128,
/// `hash-max-listpack-value` 64), bigger ones plain hashes; lists are quicklists of listpack
/// nodes of up to 8 KB (`list-max-listpack-size -2`). Strings are never LZF-compressed (as
/// with `rdbcompression no`); loading accepts compressed ones. Keys go out sorted, where
/// Redis walks its dict in hash order: either order loads to the same dataset.
public struct RDBFile: Equatable, Sendable {
    public static let version = 10
    public static let redisVersion = "7.0.15"

    /// `rdbSaveInfo`: what a replica (or a primary with a backlog) writes so that after a
    /// restart it can PSYNC from where the file left off.
    public struct ReplicationInfo: Equatable, Sendable {
        public var replid: String
        public var offset: Int64
        public var streamDB: Int = 0
        public init(replid: String, offset: Int64, streamDB: Int = 0) {
            self.replid = replid; self.offset = offset; self.streamDB = streamDB
        }
    }

    /// A key, its value and its expiry (absolute Unix milliseconds).
    public struct Entry: Equatable, Sendable {
        public var key: [UInt8]
        public var value: RedisValue
        public var expireAtMs: Int64?
        public init(key: [UInt8], value: RedisValue, expireAtMs: Int64? = nil) {
            self.key = key; self.value = value; self.expireAtMs = expireAtMs
        }
    }

    public var entries: [Entry]
    public var replication: ReplicationInfo?
    /// `ctime`: when the file was saved, Unix seconds.
    public var savedAtUnixSeconds: Int64
    /// `aof-base`: 1 when the file is the base of a multi-part AOF.
    public var aofBase = false

    public init(entries: [Entry], replication: ReplicationInfo?, savedAtUnixSeconds: Int64, aofBase: Bool = false) {
        self.entries = entries; self.replication = replication
        self.savedAtUnixSeconds = savedAtUnixSeconds; self.aofBase = aofBase
    }

    /// The keyspace as an RDB would hold it: every key, sorted, with its expiry.
    public init(keyspace: RedisKeyspace, replication: ReplicationInfo?, savedAtUnixSeconds: Int64) {
        var entries: [Entry] = []
        entries.reserveCapacity(keyspace.count)
        for key in keyspace.sortedKeys {
            guard let v = keyspace.value(key) else { continue }
            entries.append(Entry(key: key, value: v, expireAtMs: keyspace.expireAt(key)))
        }
        self.init(entries: entries, replication: replication, savedAtUnixSeconds: savedAtUnixSeconds)
    }

    // MARK: opcodes and types (rdb.h)

    enum Opcode {
        static let function2: UInt8 = 245, moduleAux: UInt8 = 247, idle: UInt8 = 248, freq: UInt8 = 249
        static let aux: UInt8 = 250, resizeDB: UInt8 = 251, expireTimeMs: UInt8 = 252
        static let expireTime: UInt8 = 253, selectDB: UInt8 = 254, eof: UInt8 = 255
    }
    enum ValueType {
        static let string: UInt8 = 0, list: UInt8 = 1, hash: UInt8 = 4
        static let hashListpack: UInt8 = 16, listQuicklist2: UInt8 = 18
    }
    /// QUICKLIST_NODE_CONTAINER_PLAIN / _PACKED.
    enum QuicklistContainer { static let plain = 1, packed = 2 }

    static let hashMaxListpackEntries = 128
    static let hashMaxListpackValue = 64
    static let listNodeBytesMax = 8192

    // MARK: saving

    /// The file's bytes, checksum included.
    public func encoded() -> [UInt8] {
        var out = Array("REDIS\(String(format: "%04d", Self.version))".utf8)
        func aux(_ name: String, _ value: [UInt8]) {
            out.append(Opcode.aux); Self.appendString(Array(name.utf8), to: &out); Self.appendString(value, to: &out)
        }
        func aux(_ name: String, _ value: String) { aux(name, Array(value.utf8)) }
        aux("redis-ver", Self.redisVersion)
        aux("redis-bits", "64")
        aux("ctime", String(savedAtUnixSeconds))
        // used-mem is informational (INFO memory at the save); an estimate stands in for it.
        aux("used-mem", String(entries.count * 64 + 866_000))
        if let r = replication {
            aux("repl-stream-db", String(r.streamDB))
            aux("repl-id", r.replid)
            aux("repl-offset", String(r.offset))
        }
        aux("aof-base", aofBase ? "1" : "0")
        out.append(Opcode.selectDB); Self.appendLength(0, to: &out)
        out.append(Opcode.resizeDB)
        Self.appendLength(entries.count, to: &out)
        Self.appendLength(entries.count(where: { $0.expireAtMs != nil }), to: &out)
        for e in entries {
            if let when = e.expireAtMs {
                out.append(Opcode.expireTimeMs)
                for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: when) >> (8 * UInt64(i)))) }
            }
            Self.appendValue(key: e.key, e.value, to: &out)
        }
        out.append(Opcode.eof)
        let crc = CRC64.checksum(out)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt64(i)))) }
        return out
    }

    static func appendValue(key: [UInt8], _ value: RedisValue, to out: inout [UInt8]) {
        switch value {
        case .string(let s):
            out.append(ValueType.string); appendString(key, to: &out); appendString(s, to: &out)
        case .list(let items):
            out.append(ValueType.listQuicklist2); appendString(key, to: &out)
            var nodes: [[[UInt8]]] = [], node: [[UInt8]] = [], size = Listpack.headerSize + 1
            for item in items {
                let n = Listpack.encodedSize(of: item)
                if !node.isEmpty && size + n > listNodeBytesMax { nodes.append(node); node = []; size = Listpack.headerSize + 1 }
                node.append(item); size += n
            }
            if !node.isEmpty { nodes.append(node) }
            appendLength(nodes.count, to: &out)
            for n in nodes { appendLength(QuicklistContainer.packed, to: &out); appendString(Listpack.encode(n), to: &out) }
        case .hash(let h):
            let small = h.count <= hashMaxListpackEntries
                && h.fields.allSatisfy({ $0.count <= hashMaxListpackValue }) && h.values.allSatisfy({ $0.count <= hashMaxListpackValue })
            if small {
                out.append(ValueType.hashListpack); appendString(key, to: &out)
                var flat: [[UInt8]] = []
                flat.reserveCapacity(2 * h.count)
                for i in 0..<h.count { flat.append(h.fields[i]); flat.append(h.values[i]) }
                appendString(Listpack.encode(flat), to: &out)
            } else {
                out.append(ValueType.hash); appendString(key, to: &out)
                appendLength(h.count, to: &out)
                for i in 0..<h.count { appendString(h.fields[i], to: &out); appendString(h.values[i], to: &out) }
            }
        }
    }

    /// rdbSaveLen: 6 bits (00), 14 bits (01, big-endian), 32 bits (0x80) or 64 bits (0x81).
    static func appendLength(_ n: Int, to out: inout [UInt8]) {
        precondition(n >= 0, "lengths are not negative")
        if n < 1 << 6 { out.append(UInt8(n)) }
        else if n < 1 << 14 { out.append(0x40 | UInt8(n >> 8)); out.append(UInt8(truncatingIfNeeded: n)) }
        else if n <= Int(UInt32.max) {
            out.append(0x80); for s in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: n >> s)) }
        } else {
            out.append(0x81); for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: n >> s)) }
        }
    }

    /// rdbSaveRawString: a string of up to 11 bytes that is an integer fitting 32 bits is
    /// saved as an 8, 16 or 32-bit integer (0xC0, 0xC1, 0xC2, little-endian); anything else
    /// as its length and bytes.
    static func appendString(_ s: [UInt8], to out: inout [UInt8]) {
        if s.count <= 11, let v = RedisInteger.parse(s) {
            if v >= -128 && v <= 127 { out.append(0xC0); out.append(UInt8(bitPattern: Int8(v))); return }
            if v >= -32768 && v <= 32767 {
                let u = UInt16(bitPattern: Int16(v)); out.append(0xC1); out.append(UInt8(truncatingIfNeeded: u)); out.append(UInt8(u >> 8)); return
            }
            if v >= Int64(Int32.min) && v <= Int64(Int32.max) {
                let u = UInt32(bitPattern: Int32(v)); out.append(0xC2)
                for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: u >> (8 * UInt32(i)))) }
                return
            }
        }
        appendLength(s.count, to: &out); out += s
    }
}
