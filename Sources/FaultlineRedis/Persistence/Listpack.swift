/// A listpack (listpack.c), the compact encoding Redis 7 stores small hashes and the nodes
/// of lists in, and writes into an RDB as one string: a 4-byte total size and a 2-byte entry
/// count (both little-endian), the entries, and 0xFF. Each entry is an encoding byte (with
/// the length or a small integer folded in), its data, and a "backlen" giving the entry's
/// size so the list can be walked backwards. A string that is a canonical 64-bit integer is
/// stored as an integer, as `lpAppend` does.
public enum Listpack {
    static let terminator: UInt8 = 0xFF
    static let headerSize = 6

    /// The listpack holding `entries` in order.
    public static func encode(_ entries: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0, 0, 0, 0]
        for e in entries { appendEntry(e, to: &out) }
        out.append(terminator)
        let total = UInt32(out.count), count = UInt16(min(entries.count, 65535))
        for i in 0..<4 { out[i] = UInt8(truncatingIfNeeded: total >> (8 * UInt32(i))) }
        out[4] = UInt8(truncatingIfNeeded: count); out[5] = UInt8(truncatingIfNeeded: count >> 8)
        return out
    }

    /// Bytes one entry takes in a listpack (to split list nodes the way
    /// `list-max-listpack-size -2` bounds them, 8 KB).
    public static func encodedSize(of entry: [UInt8]) -> Int {
        var scratch: [UInt8] = []
        appendEntry(entry, to: &scratch)
        return scratch.count
    }

    static func appendEntry(_ e: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        if let v = RedisInteger.parse(e) {
            switch v {
            case 0...127: out.append(UInt8(v))
            case -4096...4095:
                let u = UInt16(truncatingIfNeeded: v < 0 ? (1 << 13) + v : v)
                out.append(0xC0 | UInt8(u >> 8)); out.append(UInt8(truncatingIfNeeded: u))
            case -32768...32767: out.append(0xF1); appendLE(UInt64(bitPattern: v), bytes: 2, to: &out)
            case -8_388_608...8_388_607: out.append(0xF2); appendLE(UInt64(bitPattern: v), bytes: 3, to: &out)
            case Int64(Int32.min)...Int64(Int32.max): out.append(0xF3); appendLE(UInt64(bitPattern: v), bytes: 4, to: &out)
            default: out.append(0xF4); appendLE(UInt64(bitPattern: v), bytes: 8, to: &out)
            }
        } else if e.count < 64 {
            out.append(0x80 | UInt8(e.count)); out += e
        } else if e.count < 4096 {
            out.append(0xE0 | UInt8(e.count >> 8)); out.append(UInt8(truncatingIfNeeded: e.count)); out += e
        } else {
            out.append(0xF0); appendLE(UInt64(e.count), bytes: 4, to: &out); out += e
        }
        appendBacklen(out.count - start, to: &out)
    }

    /// lpEncodeBacklen: the entry size in 7-bit groups, most significant first, every byte
    /// but the first with its high bit set.
    static func appendBacklen(_ l: Int, to out: inout [UInt8]) {
        let groups = l <= 127 ? 1 : l < 16383 ? 2 : l < 2_097_151 ? 3 : l < 268_435_455 ? 4 : 5
        for g in stride(from: groups - 1, through: 0, by: -1) {
            let part = UInt8(truncatingIfNeeded: l >> (7 * g)) & 127
            out.append(g == groups - 1 ? part : part | 128)
        }
    }

    static func appendLE(_ v: UInt64, bytes: Int, to out: inout [UInt8]) {
        for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    /// The entries of a listpack, integers given back as their decimal strings, or why the
    /// bytes are not one.
    public static func decode(_ lp: [UInt8]) -> Result<[[UInt8]], RDBError.Reason> {
        guard lp.count >= headerSize + 1 else { return .failure(.init("listpack shorter than its header")) }
        let total = Int(lp[0]) | Int(lp[1]) << 8 | Int(lp[2]) << 16 | Int(lp[3]) << 24
        guard total == lp.count else { return .failure(.init("listpack says \(total) bytes but holds \(lp.count)")) }
        let count = Int(lp[4]) | Int(lp[5]) << 8
        var out: [[UInt8]] = [], i = headerSize
        func le(_ at: Int, _ n: Int) -> UInt64 { (0..<n).reduce(0) { $0 | UInt64(lp[at + $1]) << (8 * UInt64($1)) } }
        func signed(_ u: UInt64, bits: Int) -> Int64 {
            let shift = UInt64(64 - bits)
            return Int64(bitPattern: u << shift) >> Int64(shift)
        }
        while i < lp.count && lp[i] != terminator {
            let b = lp[i], start = i
            var need = 1
            func has(_ n: Int) -> Bool { i + n <= lp.count - 1 }
            if b & 0x80 == 0 {
                out.append(Array(String(b).utf8)); i += 1
            } else if b & 0xC0 == 0x80 {
                let n = Int(b & 0x3F); need = 1 + n
                guard has(need) else { break }
                out.append(Array(lp[(i + 1)..<(i + 1 + n)])); i += need
            } else if b & 0xE0 == 0xC0 {
                need = 2; guard has(need) else { break }
                let v = signed(UInt64(b & 0x1F) << 8 | UInt64(lp[i + 1]), bits: 13)
                out.append(Array(String(v).utf8)); i += need
            } else if b & 0xF0 == 0xE0 {
                guard has(2) else { break }
                let n = Int(b & 0x0F) << 8 | Int(lp[i + 1]); need = 2 + n
                guard has(need) else { break }
                out.append(Array(lp[(i + 2)..<(i + 2 + n)])); i += need
            } else {
                let widths: [UInt8: Int] = [0xF1: 2, 0xF2: 3, 0xF3: 4, 0xF4: 8]
                if b == 0xF0 {
                    guard has(5) else { break }
                    let n = Int(le(i + 1, 4)); need = 5 + n
                    guard has(need) else { break }
                    out.append(Array(lp[(i + 5)..<(i + 5 + n)])); i += need
                } else if let w = widths[b] {
                    need = 1 + w; guard has(need) else { break }
                    out.append(Array(String(signed(le(i + 1, w), bits: 8 * w)).utf8)); i += need
                } else {
                    return .failure(.init("listpack entry at byte \(start) has unknown encoding 0x\(String(b, radix: 16))"))
                }
            }
            // Skip the backlen, checking it says what the entry took.
            var back: [UInt8] = []
            appendBacklen(i - start, to: &back)
            guard i + back.count <= lp.count - 1, Array(lp[i..<(i + back.count)]) == back else {
                return .failure(.init("listpack entry at byte \(start) has a wrong backlen"))
            }
            i += back.count
        }
        guard i == lp.count - 1, lp[i] == terminator else { return .failure(.init("listpack entries run past its end")) }
        guard count == 65535 || count == out.count else {
            return .failure(.init("listpack says \(count) entries but holds \(out.count)"))
        }
        return .success(out)
    }
}
