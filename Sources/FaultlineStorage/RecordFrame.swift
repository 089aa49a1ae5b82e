/// The frame every record of the segmented log is written in:
///
///     length  UInt32 LE   payload bytes
///     crc     UInt32 LE   CRC-32C over offset + payload
///     offset  UInt64 LE   the record's log offset
///     payload
///
/// The offset sits inside the checksum so a record copied to the wrong place, or a stale
/// frame left behind by a lost truncation, fails as surely as a flipped bit.
public enum RecordFrame {
    public static let headerBytes = 16

    /// Appends the frame for (`offset`, `payload`) to `buffer`.
    @inlinable public static func encode(offset: UInt64, payload: [UInt8], into buffer: inout [UInt8]) {
        precondition(payload.count <= Int(UInt32.max), "payload too large for a frame")
        let start = buffer.count
        appendLE(UInt32(payload.count), to: &buffer)
        appendLE(UInt32(0), to: &buffer)
        appendLE(offset, to: &buffer)
        buffer.append(contentsOf: payload)
        let crc = CRC32C.checksum(buffer, from: start + 8, count: 8 + payload.count)
        buffer.withUnsafeMutableBytes { raw in raw.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self) }
    }

    /// What lies at a position of a segment.
    public enum Decoded: Equatable {
        /// A valid record; `next` is where the following frame starts.
        case record(offset: UInt64, payload: Range<Int>, next: Int)
        /// The bytes end inside the frame: a torn or unfinished write.
        case incomplete
        /// The frame is complete but wrong (checksum, length bound).
        case corrupt(String)
    }

    /// Decodes the frame at `position` of `bytes`.
    public static func decode(_ bytes: [UInt8], at position: Int, maxPayloadBytes: Int) -> Decoded {
        if bytes.count - position < headerBytes { return .incomplete }
        let length = Int(readLE32(bytes, position))
        if length > maxPayloadBytes { return .corrupt("length \(length) exceeds the limit \(maxPayloadBytes)") }
        if bytes.count - position - headerBytes < length { return .incomplete }
        let stored = readLE32(bytes, position + 4)
        let actual = CRC32C.checksum(bytes, from: position + 8, count: 8 + length)
        if stored != actual { return .corrupt("CRC-32C \(hex(actual)) does not match the stored \(hex(stored))") }
        let offset = readLE64(bytes, position + 8)
        let start = position + headerBytes
        return .record(offset: offset, payload: start..<start + length, next: start + length)
    }

    @inlinable static func appendLE<T: FixedWidthInteger>(_ v: T, to buffer: inout [UInt8]) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { buffer.append(contentsOf: $0) }
    }

    static func readLE32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    static func readLE64(_ b: [UInt8], _ i: Int) -> UInt64 {
        UInt64(readLE32(b, i)) | UInt64(readLE32(b, i + 4)) << 32
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}
