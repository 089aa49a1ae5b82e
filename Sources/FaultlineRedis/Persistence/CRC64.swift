/// Redis's crc64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected, initial value
/// 0, no final xor. An RDB file ends with it over every byte before it, little-endian; a
/// file whose checksum field is 0 was saved with `rdbchecksum no` and is not checked.
public enum CRC64 {
    static let table: [UInt64] = (0..<256).map { i -> UInt64 in
        var c = UInt64(i)
        for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0x95ac_9329_ac4b_c9b5 : c >> 1 }
        return c
    }

    /// Continues `crc` over `bytes` (start from 0).
    public static func update(_ crc: UInt64, _ bytes: some Sequence<UInt8>) -> UInt64 {
        var c = crc
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int(UInt8(truncatingIfNeeded: c) ^ b)] ^ (c >> 8) }
        }
        return c
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt64 { update(0, bytes) }
}
