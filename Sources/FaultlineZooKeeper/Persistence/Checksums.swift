/// `java.util.zip.Adler32`: the checksum FileTxnLog puts before every entry and SnapStream
/// seals snapshots with.
public struct Adler32: Sendable {
    private static let modAdler: UInt32 = 65521
    /// Bytes that can be summed before `b` could overflow 32 bits (zlib's NMAX).
    private static let nmax = 5552
    private var a: UInt32 = 1
    private var b: UInt32 = 0

    public init() {}

    public mutating func update(_ bytes: [UInt8]) { update(bytes[...]) }

    public mutating func update(_ bytes: ArraySlice<UInt8>) {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let end = min(i + Self.nmax, bytes.endIndex)
            while i < end {
                a &+= UInt32(bytes[i])
                b &+= a
                i += 1
            }
            a %= Self.modAdler
            b %= Self.modAdler
        }
    }

    public var value: UInt32 { (b << 16) | a }

    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c = Adler32()
        c.update(bytes)
        return c.value
    }
}

/// `java.util.zip.CRC32` (IEEE 802.3, reflected, polynomial 0xEDB88320): what the tree
/// digest is built from.
public struct CRC32: Sendable {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    private var crc: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update(_ bytes: [UInt8]) {
        for byte in bytes { crc = Self.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }

    public var value: UInt32 { crc ^ 0xFFFF_FFFF }
}
