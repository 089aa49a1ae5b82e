/// One RESP2 value, as redis-server writes it on the wire.
///
/// Replies are compared byte for byte with a real Redis 7.0, so `encoded` is the single place
/// that decides the bytes: `+OK\r\n`, `$-1\r\n` for a nil bulk, `*-1\r\n` for a nil array.
public enum RESPValue: Hashable, Sendable {
    case simpleString(String)
    /// The error line without its leading `-`, e.g. `ERR syntax error` or `WRONGTYPE ...`.
    case error(String)
    case integer(Int64)
    /// `nil` is the null bulk string `$-1`.
    case bulkString([UInt8]?)
    /// `nil` is the null array `*-1`.
    case array([RESPValue]?)

    /// The exact RESP2 bytes redis-server sends for this value.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// Appends the encoding to `out` (one buffer for a whole array, no copies per element).
    public func encode(into out: inout [UInt8]) {
        switch self {
        case .simpleString(let s):
            assert(!s.utf8.contains(13) && !s.utf8.contains(10), "a status line cannot hold CR or LF")
            out.append(UInt8(ascii: "+")); out.append(contentsOf: s.utf8); out.append(contentsOf: RESPValue.crlf)
        case .error(let s):
            assert(!s.utf8.contains(13) && !s.utf8.contains(10), "an error line cannot hold CR or LF")
            out.append(UInt8(ascii: "-")); out.append(contentsOf: s.utf8); out.append(contentsOf: RESPValue.crlf)
        case .integer(let n):
            out.append(UInt8(ascii: ":")); out.append(contentsOf: String(n).utf8); out.append(contentsOf: RESPValue.crlf)
        case .bulkString(nil):
            out.append(contentsOf: Array("$-1\r\n".utf8))
        case .bulkString(let bytes?):
            out.append(UInt8(ascii: "$")); out.append(contentsOf: String(bytes.count).utf8)
            out.append(contentsOf: RESPValue.crlf); out.append(contentsOf: bytes); out.append(contentsOf: RESPValue.crlf)
        case .array(nil):
            out.append(contentsOf: Array("*-1\r\n".utf8))
        case .array(let items?):
            out.append(UInt8(ascii: "*")); out.append(contentsOf: String(items.count).utf8)
            out.append(contentsOf: RESPValue.crlf)
            for item in items { item.encode(into: &out) }
        }
    }

    static let crlf: [UInt8] = [13, 10]

    // MARK: shared replies (the names of Redis's `shared.*` objects)

    public static let ok = RESPValue.simpleString("OK")
    public static let nullBulk = RESPValue.bulkString(nil)
    public static let nullArray = RESPValue.array(nil)
    public static let emptyArray = RESPValue.array([])
    public static let zero = RESPValue.integer(0)
    public static let one = RESPValue.integer(1)
    public static let syntaxError = RESPValue.error("ERR syntax error")
    public static let wrongType = RESPValue.error("WRONGTYPE Operation against a key holding the wrong kind of value")
    public static let notAnInteger = RESPValue.error("ERR value is not an integer or out of range")

    /// A bulk string from text.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// A client command as sent on the wire (and as the AOF and the replication stream hold
    /// it): an array of bulk strings.
    public static func command(_ argv: [[UInt8]]) -> RESPValue { .array(argv.map { .bulkString($0) }) }

    /// True for `-...` replies.
    public var isError: Bool { if case .error = self { return true } else { return false } }
}
