/// Reads RESP2 values from a byte stream that arrives in pieces (a socket, the replication
/// stream, an AOF file).
///
/// `next()` returns nil until a whole value is buffered, so a caller can feed bytes as they come
/// and never sees half a reply. Limits mirror redis-server's own (`proto-max-bulk-len` 512 MB,
/// a multibulk of at most 1024*1024*1024 items), so hostile input fails instead of exhausting memory.
public struct RESPReader: Sendable {
    public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "RESP protocol error at byte \(offset): \(message)" }
    }

    /// Largest bulk string accepted (Redis's default `proto-max-bulk-len`).
    public static let bulkLengthMax = 512 * 1024 * 1024
    /// Largest array accepted.
    public static let arrayLengthMax = 1024 * 1024 * 1024
    /// Deepest nesting accepted (replies Redis sends nest two or three levels).
    public static let depthMax = 64

    private var buffer: [UInt8] = []
    private var position = 0
    /// Bytes consumed in total, so errors can say where in the stream they happened.
    public private(set) var consumed = 0

    public init() {}

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: [UInt8]) {
        if position > 0 && position == buffer.count { buffer.removeAll(keepingCapacity: true); position = 0 }
        buffer.append(contentsOf: bytes)
    }

    /// Bytes buffered but not yet part of a returned value.
    public var pendingCount: Int { buffer.count - position }

    /// The next complete value, or nil when more bytes are needed.
    public mutating func next() throws -> RESPValue? {
        var cursor = position
        guard let value = try parse(at: &cursor, depth: 0) else { return nil }
        consumed += cursor - position
        position = cursor
        if position > 65_536 && position * 2 > buffer.count {
            buffer.removeFirst(position); position = 0
        }
        return value
    }

    /// Parses every value in `bytes`; throws if anything is left over or malformed.
    public static func parseAll(_ bytes: [UInt8]) throws -> [RESPValue] {
        var reader = RESPReader()
        reader.append(bytes)
        var values: [RESPValue] = []
        while let v = try reader.next() { values.append(v) }
        if reader.pendingCount > 0 {
            throw ProtocolError(message: "incomplete value at the end", offset: reader.consumed)
        }
        return values
    }

    private func fail(_ message: String, _ at: Int) -> ProtocolError {
        ProtocolError(message: message, offset: consumed + at - position)
    }

    /// The line starting at `cursor` (without CRLF), advancing past it; nil if incomplete.
    private func line(at cursor: inout Int) throws -> ArraySlice<UInt8>? {
        var i = cursor
        while i + 1 < buffer.count {
            if buffer[i] == 13 {
                guard buffer[i + 1] == 10 else { throw fail("CR not followed by LF", i) }
                let text = buffer[cursor..<i]
                cursor = i + 2
                return text
            }
            i += 1
        }
        return nil
    }

    private func integer(_ text: ArraySlice<UInt8>, _ at: Int) throws -> Int64 {
        guard let n = Int64(String(decoding: text, as: UTF8.self)) else {
            throw fail("expected an integer, got '\(String(decoding: text, as: UTF8.self))'", at)
        }
        return n
    }

    private func parse(at cursor: inout Int, depth: Int) throws -> RESPValue? {
        guard depth <= RESPReader.depthMax else { throw fail("nesting deeper than \(RESPReader.depthMax)", cursor) }
        guard cursor < buffer.count else { return nil }
        let start = cursor
        let type = buffer[cursor]
        var c = cursor + 1
        guard let text = try line(at: &c) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            cursor = c; return .simpleString(String(decoding: text, as: UTF8.self))
        case UInt8(ascii: "-"):
            cursor = c; return .error(String(decoding: text, as: UTF8.self))
        case UInt8(ascii: ":"):
            let n = try integer(text, start); cursor = c; return .integer(n)
        case UInt8(ascii: "$"):
            let n = try integer(text, start)
            if n == -1 { cursor = c; return .bulkString(nil) }
            guard n >= 0 && n <= RESPReader.bulkLengthMax else { throw fail("invalid bulk length \(n)", start) }
            let end = c + Int(n)
            guard end + 2 <= buffer.count else { return nil }
            guard buffer[end] == 13 && buffer[end + 1] == 10 else { throw fail("bulk string not followed by CRLF", end) }
            cursor = end + 2
            return .bulkString(Array(buffer[c..<end]))
        case UInt8(ascii: "*"):
            let n = try integer(text, start)
            if n == -1 { cursor = c; return .array(nil) }
            guard n >= 0 && n <= RESPReader.arrayLengthMax else { throw fail("invalid multibulk length \(n)", start) }
            var items: [RESPValue] = []
            items.reserveCapacity(Int(min(n, 1024)))
            for _ in 0..<n {
                guard let item = try parse(at: &c, depth: depth + 1) else { return nil }
                items.append(item)
            }
            cursor = c
            return .array(items)
        default:
            throw fail("unknown type byte 0x\(String(type, radix: 16))", start)
        }
    }
}
