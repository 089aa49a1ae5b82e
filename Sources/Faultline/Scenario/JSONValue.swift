import Foundation
import FaultlineCore

/// A JSON5 document as a tree, read through Foundation's `JSONDecoder` (`allowsJSON5`:
/// comments, trailing commas, unquoted keys) and then walked by `ScenarioReader`, which
/// knows the path of every value and so can say exactly which field is wrong.
///
/// Objects keep their keys sorted, so nothing downstream ever sees Dictionary order.
public indirect enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: Key.self) {
            var entries: [(key: String, value: JSONValue)] = []
            for key in keyed.allKeys { entries.append((key.stringValue, try keyed.decode(JSONValue.self, forKey: key))) }
            entries.sort { $0.key < $1.key }
            self = .object(entries)
            return
        }
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !list.isAtEnd { items.append(try list.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let i = try? single.decode(Int64.self) { self = .int(i) }
        else if let d = try? single.decode(Double.self) { self = .double(d) }
        else { self = .string(try single.decode(String.self)) }
    }

    /// Parses JSON5 text; a syntax error becomes a `ScenarioError` naming the file.
    /// Deeper nesting than this is refused before decoding (the decoder recurses per level).
    public static let depthMax = 64
    /// Files larger than this are refused (a scenario is a few kilobytes).
    public static let bytesMax = 4 << 20

    public static func parse(_ data: Data, file: String) throws -> JSONValue {
        guard data.count <= bytesMax else {
            throw ScenarioError(file: file, path: "", "is \(data.count) bytes; a scenario file is at most \(bytesMax)")
        }
        if let line = tooDeep(data) {
            throw ScenarioError(file: file, path: "", "nests objects and arrays deeper than \(depthMax) levels (line \(line))")
        }
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        do {
            return try decoder.decode(JSONValue.self, from: data)
        } catch {
            throw ScenarioError(file: file, path: "", "is not valid JSON5" + JSONValue.syntaxHint(data))
        }
    }

    /// The line where nesting first exceeds `depthMax`, ignoring brackets inside strings.
    static func tooDeep(_ data: Data) -> Int? {
        var depth = 0, line = 1, quote: UInt8 = 0, escaped = false
        for b in data {
            if b == 10 { line += 1 }
            if quote != 0 {
                if escaped { escaped = false } else if b == 92 { escaped = true } else if b == quote { quote = 0 }
                continue
            }
            switch b {
            case 34, 39: quote = b
            case 91, 123: depth += 1; if depth > depthMax { return line }
            case 93, 125: depth -= 1
            default: break
            }
        }
        return nil
    }

    /// Foundation does not say where a syntax error is; point at the likeliest line: the
    /// first whose brackets leave the document unbalanced, or the last non-empty one.
    static func syntaxHint(_ data: Data) -> String {
        guard let text = String(data: data, encoding: .utf8) else { return " (not UTF-8)" }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return " (the file is empty)" }
        var depth = 0, inString: Character? = nil, escaped = false, line = 1
        for ch in text {
            if ch == "\n" { line += 1 }
            if let q = inString {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == q { inString = nil }
                continue
            }
            switch ch {
            case "\"", "'": inString = ch
            case "{", "[": depth += 1
            case "}", "]":
                depth -= 1
                if depth < 0 { return " (unbalanced '\(ch)' at line \(line))" }
            default: break
            }
        }
        if depth > 0 { return " (an object or array is not closed by the end, line \(line))" }
        return " (check the line with a missing value, comma or quote)"
    }

    /// The kind, as an error message names it.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "a whole number"
        case .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Compact JSON text, keys in the order held.
    public var jsonText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? String(d) : "null"
        case .string(let s): return jsonString(s)
        case .array(let a): return "[" + a.map(\.jsonText).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.map { jsonString($0.key) + ": " + $0.value.jsonText }.joined(separator: ", ") + "}"
        }
    }

    /// Indented JSON text for files people edit; short arrays and objects stay on one line.
    public func pretty(indent: String = "") -> String {
        switch self {
        case .array(let a):
            if a.isEmpty { return "[]" }
            let flat = jsonText
            if flat.count + indent.count <= 100 { return flat }
            let inner = indent + "  "
            return "[\n" + a.map { inner + $0.pretty(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let o):
            if o.isEmpty { return "{}" }
            let flat = jsonText
            if flat.count + indent.count <= 110 && !o.contains(where: { if case .object = $0.value { return true }; return false }) { return flat }
            let inner = indent + "  "
            return "{\n" + o.map { inner + jsonString($0.key) + ": " + $0.value.pretty(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return jsonText
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o.first { $0.key == key }?.value }
        return nil
    }
}
