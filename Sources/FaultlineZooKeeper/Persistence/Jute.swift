/// Jute's `BinaryOutputArchive`: big-endian ints and longs, one-byte booleans, buffers and
/// strings as an int length (-1 for null) then the bytes, vectors as an int count then the
/// elements. Everything ZooKeeper writes to disk is in this encoding.
public struct JuteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func writeByte(_ v: UInt8) { bytes.append(v) }
    public mutating func writeBool(_ v: Bool) { bytes.append(v ? 1 : 0) }

    public mutating func writeInt(_ v: Int32) {
        let u = UInt32(bitPattern: v)
        bytes.append(UInt8(u >> 24)); bytes.append(UInt8((u >> 16) & 0xFF))
        bytes.append(UInt8((u >> 8) & 0xFF)); bytes.append(UInt8(u & 0xFF))
    }

    public mutating func writeLong(_ v: Int64) {
        let u = UInt64(bitPattern: v)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((u >> UInt64(shift)) & 0xFF)) }
    }

    public mutating func writeBuffer(_ v: [UInt8]?) {
        guard let v else { writeInt(-1); return }
        writeInt(Int32(v.count))
        bytes.append(contentsOf: v)
    }

    public mutating func writeString(_ v: String?) {
        guard let v else { writeInt(-1); return }
        writeBuffer(Array(v.utf8))
    }

    public mutating func writeRaw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
}

/// Why bytes did not decode: the field being read and the offset, so a bad file's error
/// names the place.
public struct JuteError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The input ended inside the field.
        case endOfInput
        /// A length or count that cannot be right (negative, or beyond the input).
        case badLength(Int64)
        /// A string that is not UTF-8.
        case badString
        /// A value outside what the record allows (an unknown txn type ...).
        case badValue(String)
    }
    public var kind: Kind
    public var field: String
    public var offset: Int

    public var description: String {
        switch kind {
        case .endOfInput: return "unexpected end of input reading \(field) at byte \(offset)"
        case .badLength(let n): return "bad length \(n) for \(field) at byte \(offset)"
        case .badString: return "\(field) at byte \(offset) is not UTF-8"
        case .badValue(let what): return "\(field) at byte \(offset): \(what)"
        }
    }
}

/// Jute's `BinaryInputArchive` over a byte slice.
public struct JuteReader: Sendable {
    public let bytes: ArraySlice<UInt8>
    public private(set) var position: Int
    /// Refuses buffers larger than this (`jute.maxbuffer`, default 0xfffff + 1024 slack in
    /// 3.8 for reads), so garbage lengths fail fast instead of allocating.
    public var maxBuffer: Int = 0xfffff + 1024

    public init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes; position = bytes.startIndex }
    public init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    public var remaining: Int { bytes.endIndex - position }
    public var atEnd: Bool { position >= bytes.endIndex }
    /// Offset from the start of the slice (for error messages).
    public var offset: Int { position - bytes.startIndex }

    private func fail(_ kind: JuteError.Kind, _ field: String) -> JuteError {
        JuteError(kind: kind, field: field, offset: offset)
    }

    public mutating func readByte(_ field: String) throws(JuteError) -> UInt8 {
        guard remaining >= 1 else { throw fail(.endOfInput, field) }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func readBool(_ field: String) throws(JuteError) -> Bool {
        try readByte(field) != 0
    }

    public mutating func readInt(_ field: String) throws(JuteError) -> Int32 {
        guard remaining >= 4 else { throw fail(.endOfInput, field) }
        var u: UInt32 = 0
        for i in 0..<4 { u = (u << 8) | UInt32(bytes[position + i]) }
        position += 4
        return Int32(bitPattern: u)
    }

    public mutating func readLong(_ field: String) throws(JuteError) -> Int64 {
        guard remaining >= 8 else { throw fail(.endOfInput, field) }
        var u: UInt64 = 0
        for i in 0..<8 { u = (u << 8) | UInt64(bytes[position + i]) }
        position += 8
        return Int64(bitPattern: u)
    }

    /// nil for a length of -1 (a null buffer).
    public mutating func readBuffer(_ field: String) throws(JuteError) -> [UInt8]? {
        let start = offset
        let n = try readInt(field)
        if n == -1 { return nil }
        guard n >= 0, Int(n) <= maxBuffer else { throw JuteError(kind: .badLength(Int64(n)), field: field, offset: start) }
        guard remaining >= Int(n) else { throw fail(.endOfInput, field) }
        defer { position += Int(n) }
        return Array(bytes[position..<position + Int(n)])
    }

    public mutating func readString(_ field: String) throws(JuteError) -> String? {
        let start = offset
        guard let raw = try readBuffer(field) else { return nil }
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw JuteError(kind: .badString, field: field, offset: start)
        }
        return s
    }

    /// Advances over `count` bytes without reading them.
    public mutating func skip(_ count: Int, _ field: String) throws(JuteError) {
        guard count >= 0, remaining >= count else { throw fail(.endOfInput, field) }
        position += count
    }

    /// A vector's element count; nil for -1 (a null vector).
    public mutating func readCount(_ field: String) throws(JuteError) -> Int? {
        let start = offset
        let n = try readInt(field)
        if n == -1 { return nil }
        // Every element is at least one byte, so a count beyond the input is garbage.
        guard n >= 0, Int(n) <= remaining else { throw JuteError(kind: .badLength(Int64(n)), field: field, offset: start) }
        return Int(n)
    }
}
