/// The value carried by an operation: what was written, read, compared, enqueued.
///
/// A small closed set rather than `Any` so histories are `Hashable`, `Sendable` and map
/// one-to-one onto EDN (`nil`, `true`, `3`, `"s"`, `[1 2]`), the format Jepsen's tools read.
public indirect enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case list([Value])

    /// The integer, when this is `.int`.
    public var intValue: Int64? { if case .int(let v) = self { return v } else { return nil } }
    /// The string, when this is `.string`.
    public var stringValue: String? { if case .string(let v) = self { return v } else { return nil } }
    /// The elements, when this is `.list`.
    public var listValue: [Value]? { if case .list(let v) = self { return v } else { return nil } }
    /// The flag, when this is `.bool`.
    public var boolValue: Bool? { if case .bool(let v) = self { return v } else { return nil } }
    public var isNull: Bool { self == .null }
}

extension Value: CustomStringConvertible {
    /// EDN spelling: `nil`, `true`, `42`, `"text"` (escaped), `[1 2 3]`.
    public var description: String {
        switch self {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return Value.ednQuoted(s)
        case .list(let items): return "[" + items.map(\.description).joined(separator: " ") + "]"
        }
    }

    /// A string as an EDN string literal: quotes, backslashes and control characters escaped.
    public static func ednQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// Literals for tests and workloads: `3`, `"x"`, `[1, 2]`, `true`. Deliberately not
/// `ExpressibleByNilLiteral`: with it, `nil` in a `Value?` context silently means `.null`.
extension Value: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
                 ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
}
