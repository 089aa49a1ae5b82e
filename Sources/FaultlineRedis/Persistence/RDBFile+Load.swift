/// Why an RDB file cannot be loaded, in the words `redis-check-rdb` and rdbLoad's
/// "Short read or OOM loading DB" / "Wrong RDB checksum" would use, with the byte offset.
public struct RDBError: Error, Equatable, Sendable, CustomStringConvertible {
    public struct Reason: Error, Equatable, Sendable {
        public var text: String
        init(_ text: String) { self.text = text }
    }
    public var path: String
    public var offset: Int
    public var reason: String
    public var description: String { "\(path): RDB error at byte \(offset): \(reason)" }
}

extension RDBFile {
    /// rdbLoadRio: the file's keys, expiries and replication info. The checksum is verified
    /// unless it is 0 (`rdbchecksum no`). Types and encodings Redis 7.0 writes for strings,
    /// lists and hashes are read (and the older list and hash types); a set, sorted set,
    /// stream or module value is an error naming the type, since the model has no such type.
    public static func decode(_ bytes: [UInt8], path: String) throws(RDBError) -> RDBFile {
        var r = Reader(bytes: bytes, path: path)
        try r.expectHeader()
        var file = RDBFile(entries: [], replication: nil, savedAtUnixSeconds: 0)
        var replid: String?, replOffset: Int64?, streamDB: Int?
        var expire: Int64?
        loop: while true {
            let at = r.i
            let type = try r.byte()
            switch type {
            case Opcode.eof:
                break loop
            case Opcode.aux:
                let name = String(decoding: try r.string(), as: UTF8.self), value = try r.string()
                let text = String(decoding: value, as: UTF8.self)
                switch name {
                case "ctime": file.savedAtUnixSeconds = Int64(text) ?? 0
                case "aof-base": file.aofBase = text == "1"
                case "repl-id": replid = text
                case "repl-offset": replOffset = Int64(text)
                case "repl-stream-db": streamDB = Int(text)
                default: break
                }
            case Opcode.selectDB:
                let db = try r.length()
                guard db == 0 else { throw r.error(at, "SELECTDB \(db): the model has only database 0") }
            case Opcode.resizeDB:
                _ = try r.length(); _ = try r.length()
            case Opcode.expireTimeMs:
                expire = Int64(bitPattern: try r.littleEndian(8))
            case Opcode.expireTime:
                expire = Int64(Int32(bitPattern: UInt32(try r.littleEndian(4)))) * 1000
            case Opcode.idle:
                _ = try r.length()
            case Opcode.freq:
                _ = try r.byte()
            case Opcode.moduleAux, Opcode.function2:
                throw r.error(at, "module data and functions are not modelled (opcode \(type))")
            default:
                let key = try r.string()
                let value = try r.value(type: type, at: at)
                file.entries.append(Entry(key: key, value: value, expireAtMs: expire))
                expire = nil
            }
        }
        let end = r.i
        let stored = try r.littleEndian(8)
        guard r.i == bytes.count else { throw r.error(r.i, "\(bytes.count - r.i) bytes after the checksum") }
        if stored != 0 {
            let computed = CRC64.checksum(bytes[0..<end])
            guard computed == stored else { throw r.error(end, "Wrong RDB checksum (expected \(hex(stored)), got \(hex(computed)))") }
        }
        if let replid, let replOffset, replid.utf8.count == 40 {
            file.replication = ReplicationInfo(replid: replid, offset: replOffset, streamDB: streamDB ?? -1)
        }
        return file
    }

    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    struct Reader {
        let bytes: [UInt8]
        let path: String
        var i = 0

        func error(_ at: Int, _ reason: String) -> RDBError { RDBError(path: path, offset: at, reason: reason) }

        mutating func expectHeader() throws(RDBError) {
            guard bytes.count >= 9, Array(bytes[0..<5]) == Array("REDIS".utf8),
                  let v = Int(String(decoding: bytes[5..<9], as: UTF8.self)) else {
                throw error(0, "Wrong signature trying to load DB from file")
            }
            guard v >= 1 && v <= RDBFile.version else { throw error(5, "Can't handle RDB format version \(v)") }
            i = 9
        }

        mutating func byte() throws(RDBError) -> UInt8 {
            guard i < bytes.count else { throw error(i, "Short read: the file ends before EOF and its checksum") }
            defer { i += 1 }
            return bytes[i]
        }

        mutating func take(_ n: Int) throws(RDBError) -> ArraySlice<UInt8> {
            guard n >= 0, n <= bytes.count - i else { throw error(i, "Short read: \(n) bytes wanted, \(bytes.count - i) left") }
            defer { i += n }
            return bytes[i..<(i + n)]
        }

        mutating func littleEndian(_ n: Int) throws(RDBError) -> UInt64 {
            let s = try take(n)
            var v: UInt64 = 0
            for (k, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(k)) }
            return v
        }

        /// rdbLoadLenByRef: a length, or (with `encoded`) the special string encoding number.
        mutating func lengthOrEncoding() throws(RDBError) -> (value: Int, encoded: Bool) {
            let at = i, b = try byte()
            switch b >> 6 {
            case 0: return (Int(b & 0x3F), false)
            case 1: return (Int(b & 0x3F) << 8 | Int(try byte()), false)
            case 3: return (Int(b & 0x3F), true)
            default:
                let width = b == 0x80 ? 4 : b == 0x81 ? 8 : 0
                guard width > 0 else { throw error(at, "unknown length encoding 0x\(String(b, radix: 16))") }
                var v: UInt64 = 0
                for _ in 0..<width { v = v << 8 | UInt64(try byte()) }
                guard v <= UInt64(Int.max) else { throw error(at, "length \(v) out of range") }
                return (Int(v), false)
            }
        }

        mutating func length() throws(RDBError) -> Int {
            let at = i, l = try lengthOrEncoding()
            guard !l.encoded else { throw error(at, "an encoded string where a length belongs") }
            return l.value
        }

        /// rdbGenericLoadStringObject: raw, integer-encoded or LZF-compressed.
        mutating func string() throws(RDBError) -> [UInt8] {
            let at = i, l = try lengthOrEncoding()
            guard l.encoded else { return Array(try take(l.value)) }
            switch l.value {
            case 0: return Array(String(Int8(bitPattern: UInt8(try littleEndian(1)))).utf8)
            case 1: return Array(String(Int16(bitPattern: UInt16(try littleEndian(2)))).utf8)
            case 2: return Array(String(Int32(bitPattern: UInt32(try littleEndian(4)))).utf8)
            case 3:
                let clen = try length(), len = try length()
                let compressed = try take(clen)
                guard let plain = LZF.decompress(compressed, expectedLength: len) else {
                    throw error(at, "Invalid LZF compressed string")
                }
                return plain
            default:
                throw error(at, "unknown RDB string encoding type \(l.value)")
            }
        }

        mutating func listpack(at: Int) throws(RDBError) -> [[UInt8]] {
            switch Listpack.decode(try string()) {
            case .success(let entries): return entries
            case .failure(let reason): throw error(at, reason.text)
            }
        }

        mutating func value(type: UInt8, at: Int) throws(RDBError) -> RedisValue {
            switch type {
            case ValueType.string:
                return .string(try string())
            case ValueType.list:
                let n = try length()
                var items: [[UInt8]] = []
                for _ in 0..<n { items.append(try string()) }
                guard !items.isEmpty else { throw error(at, "an empty list") }
                return .list(items)
            case ValueType.listQuicklist2:
                let nodes = try length()
                var items: [[UInt8]] = []
                for _ in 0..<nodes {
                    let container = try length()
                    if container == QuicklistContainer.plain { items.append(try string()) }
                    else if container == QuicklistContainer.packed { items += try listpack(at: i) }
                    else { throw error(i, "quicklist node container \(container) is neither PLAIN nor PACKED") }
                }
                guard !items.isEmpty else { throw error(at, "an empty list") }
                return .list(items)
            case ValueType.hash:
                let n = try length()
                var h = RedisHash()
                for _ in 0..<n { let f = try string(); h.set(f, try string()) }
                guard !h.isEmpty else { throw error(at, "an empty hash") }
                return .hash(h)
            case ValueType.hashListpack:
                let flat = try listpack(at: i)
                guard !flat.isEmpty, flat.count % 2 == 0 else { throw error(at, "a hash listpack with \(flat.count) entries") }
                var h = RedisHash()
                for k in stride(from: 0, to: flat.count, by: 2) {
                    guard h.set(flat[k], flat[k + 1]) else { throw error(at, "a hash listpack holds a field twice") }
                }
                return .hash(h)
            default:
                let names: [UInt8: String] = [2: "set", 3: "zset", 5: "zset", 6: "module", 7: "module", 9: "zipmap hash",
                                               10: "ziplist list", 11: "intset set", 12: "ziplist zset", 13: "ziplist hash",
                                               14: "quicklist", 15: "stream", 17: "zset listpack", 19: "stream", 20: "set listpack",
                                               21: "stream"]
                throw error(at, "value type \(type) (\(names[type] ?? "unknown")) is not modelled")
            }
        }
    }
}

/// LZF decompression (lzf_d.c), for strings Redis saved with `rdbcompression yes`.
enum LZF {
    static func decompress(_ input: ArraySlice<UInt8>, expectedLength: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(expectedLength)
        var i = input.startIndex
        while i < input.endIndex {
            let ctrl = Int(input[i]); i += 1
            if ctrl < 32 {
                let n = ctrl + 1
                guard i + n <= input.endIndex else { return nil }
                out += input[i..<(i + n)]; i += n
            } else {
                var len = ctrl >> 5
                if len == 7 { guard i < input.endIndex else { return nil }; len += Int(input[i]); i += 1 }
                guard i < input.endIndex else { return nil }
                let back = ((ctrl & 0x1F) << 8) + Int(input[i]) + 1; i += 1
                guard back <= out.count else { return nil }
                let from = out.count - back
                for k in 0..<(len + 2) { out.append(out[from + k]) }
            }
            guard out.count <= expectedLength else { return nil }
        }
        return out.count == expectedLength ? out : nil
    }
}
