/// A value in EDN, the notation Jepsen writes its histories in (`history.edn`).
///
/// Only what histories use: nil, booleans, integers, floats, strings, characters (kept as
/// strings), keywords, symbols, vectors, lists, maps, sets and tagged values (`#inst "..."`).
public indirect enum EDN: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    /// A keyword without its colon: `:invoke` is `.keyword("invoke")`.
    case keyword(String)
    case symbol(String)
    case vector([EDN])
    case list([EDN])
    /// Entries in the order written (EDN maps are unordered; order is kept for errors).
    case map([MapEntry])
    case set([EDN])
    case tagged(String, EDN)

    public struct MapEntry: Sendable, Equatable {
        public var key: EDN
        public var value: EDN
        public init(key: EDN, value: EDN) { self.key = key; self.value = value }
    }

    /// The value under keyword `name` (`:name`), when this is a map.
    public subscript(keyword name: String) -> EDN? {
        guard case .map(let entries) = self else { return nil }
        for e in entries where e.key == .keyword(name) { return e.value }
        return nil
    }

    /// A short name for error messages: "a map", "the keyword :ok", "the string \"x\"".
    public var kindDescription: String {
        switch self {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return "the integer \(i)"
        case .double(let d): return "the number \(d)"
        case .string(let s): return "the string \(Value.ednQuoted(s))"
        case .keyword(let k): return "the keyword :\(k)"
        case .symbol(let s): return "the symbol \(s)"
        case .vector: return "a vector"
        case .list: return "a list"
        case .map: return "a map"
        case .set: return "a set"
        case .tagged(let t, _): return "a #\(t) value"
        }
    }
}

/// Reads EDN forms one after another from UTF-8 bytes, remembering the line of each.
///
/// Hand-written (no dependencies) and strict: anything it cannot read is an
/// `HistoryError` with the line and what was expected, never a trap.
public struct EDNReader {
    private let bytes: [UInt8]
    private var pos = 0
    /// 1-based line of `pos`.
    public private(set) var line = 1
    private let file: String?
    /// Bound on nesting, so a hostile file cannot exhaust the stack.
    public static let depthMax = 256

    public init(bytes: [UInt8], file: String? = nil) { self.bytes = bytes; self.file = file }
    public init(_ text: String, file: String? = nil) { self.init(bytes: Array(text.utf8), file: file) }

    /// The next top-level form and the line it starts on; nil at the end of the input.
    public mutating func next() throws(HistoryError) -> (form: EDN, line: Int)? {
        skipSpace()
        guard pos < bytes.count else { return nil }
        let start = line
        return (try read(depth: 0), start)
    }

    private func fail(_ message: String) -> HistoryError { HistoryError(file: file, line: line, message) }

    private mutating func skipSpace() {
        while pos < bytes.count {
            let b = bytes[pos]
            if b == 0x0A { line += 1; pos += 1 }
            else if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x2C { pos += 1 }   // commas are whitespace
            else if b == 0x3B { while pos < bytes.count && bytes[pos] != 0x0A { pos += 1 } }   // ; comment
            else { return }
        }
    }

    private static func isDelimiter(_ b: UInt8) -> Bool {
        switch b {
        case 0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x28, 0x29, 0x5B, 0x5D, 0x7B, 0x7D, 0x22, 0x3B: return true
        default: return false
        }
    }

    private mutating func read(depth: Int) throws(HistoryError) -> EDN {
        guard depth < EDNReader.depthMax else { throw fail("EDN nested deeper than \(EDNReader.depthMax) levels") }
        skipSpace()
        guard pos < bytes.count else { throw fail("expected an EDN value, found the end of the input") }
        let b = bytes[pos]
        switch b {
        case 0x5B: pos += 1; return .vector(try readSeq(close: 0x5D, depth: depth))        // [
        case 0x28: pos += 1; return .list(try readSeq(close: 0x29, depth: depth))          // (
        case 0x7B: pos += 1; return try readMap(depth: depth)                              // {
        case 0x22: pos += 1; return .string(try readString())                              // "
        case 0x5D, 0x29, 0x7D: throw fail("unexpected '\(Character(Unicode.Scalar(b)))'")
        case 0x5C: pos += 1; return .string(readToken())                                   // \c character
        case 0x23:                                                                          // #
            pos += 1
            guard pos < bytes.count else { throw fail("expected a value after '#'") }
            if bytes[pos] == 0x7B { pos += 1; return .set(try readSeq(close: 0x7D, depth: depth)) }
            if bytes[pos] == 0x5F { pos += 1; _ = try read(depth: depth + 1); return try read(depth: depth) }   // #_ discard
            let tag = readToken()
            guard !tag.isEmpty else { throw fail("expected a tag or '{' after '#'") }
            return .tagged(tag, try read(depth: depth + 1))
        case 0x3A:                                                                          // :keyword
            pos += 1
            let name = readToken()
            guard !name.isEmpty else { throw fail("expected a keyword name after ':'") }
            return .keyword(name)
        default:
            let token = readToken()
            guard !token.isEmpty else { throw fail("unexpected character '\(Character(Unicode.Scalar(b)))'") }
            return try atom(token)
        }
    }

    private mutating func readSeq(close: UInt8, depth: Int) throws(HistoryError) -> [EDN] {
        var items: [EDN] = []
        while true {
            skipSpace()
            guard pos < bytes.count else {
                throw fail("expected '\(Character(Unicode.Scalar(close)))' to close a collection, found the end of the input")
            }
            if bytes[pos] == close { pos += 1; return items }
            items.append(try read(depth: depth + 1))
        }
    }

    private mutating func readMap(depth: Int) throws(HistoryError) -> EDN {
        var entries: [EDN.MapEntry] = []
        while true {
            skipSpace()
            guard pos < bytes.count else { throw fail("expected '}' to close a map, found the end of the input") }
            if bytes[pos] == 0x7D { pos += 1; return .map(entries) }
            let key = try read(depth: depth + 1)
            skipSpace()
            guard pos < bytes.count, bytes[pos] != 0x7D else { throw fail("map key \(key.kindDescription) has no value") }
            entries.append(EDN.MapEntry(key: key, value: try read(depth: depth + 1)))
        }
    }

    private mutating func readString() throws(HistoryError) -> String {
        var out: [UInt8] = []
        let startLine = line
        while pos < bytes.count {
            let b = bytes[pos]; pos += 1
            if b == 0x22 { return String(decoding: out, as: UTF8.self) }
            if b == 0x0A { line += 1 }
            if b != 0x5C { out.append(b); continue }
            guard pos < bytes.count else { break }
            let e = bytes[pos]; pos += 1
            switch e {
            case 0x6E: out.append(0x0A)      // \n
            case 0x74: out.append(0x09)      // \t
            case 0x72: out.append(0x0D)      // \r
            case 0x62: out.append(0x08)      // \b
            case 0x66: out.append(0x0C)      // \f
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x75:                        // \uXXXX
                guard pos + 4 <= bytes.count,
                      let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(v) else { throw fail("expected four hex digits after \\u in a string") }
                pos += 4
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw fail("unknown escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
        }
        throw HistoryError(file: file, line: startLine, "string starting on this line is not closed")
    }

    private mutating func readToken() -> String {
        let start = pos
        while pos < bytes.count && !EDNReader.isDelimiter(bytes[pos]) { pos += 1 }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private func atom(_ token: String) throws(HistoryError) -> EDN {
        switch token {
        case "nil": return .null
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        let first = token.utf8.first!
        let numeric = (first >= 0x30 && first <= 0x39)
            || ((first == 0x2D || first == 0x2B) && token.utf8.count > 1
                && token.utf8.dropFirst().first.map { $0 >= 0x30 && $0 <= 0x39 } == true)
        guard numeric else { return .symbol(token) }
        var digits = Substring(token)
        if digits.hasSuffix("N") { digits = digits.dropLast() }     // bigint marker
        if let i = Int64(digits) { return .int(i) }
        if digits.hasSuffix("M") { digits = digits.dropLast() }     // bigdecimal marker
        if let d = Double(digits) { return .double(d) }
        throw fail("'\(token)' is not a number EDN can hold here")
    }
}
