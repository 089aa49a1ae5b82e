/// A transcript of commands and the exact bytes a real server answered, in the format of
/// shared/data/redis/redis-7.0.15-replies.txt: `> COMMAND ARGS` (redis-cli syntax) followed by
/// an indented Python bytes literal of the reply (`b'+OK\r\n'`). Sections start with `########`,
/// comments with `#`; anything else is free text and ignored. Golden tests replay transcripts.
public struct RedisTranscript: Sendable {
    public struct Entry: Sendable {
        /// 1-based line of the `>` line.
        public let line: Int
        /// The command as written after `> `.
        public let text: String
        /// The section heading in force (`1. standalone master, no replicas ...`).
        public let section: String
        /// The reply bytes, decoded from the literal.
        public let reply: [UInt8]
    }

    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public let entries: [Entry]

    public init(parsing text: String) throws {
        var entries: [Entry] = []
        var section = ""
        var pending: (line: Int, text: String)? = nil
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(raw)
            if line.hasPrefix("########") {
                section = line.drop { $0 == "#" }.trimmingPrefixSpaces()
                pending = nil
            } else if line.hasPrefix("> ") {
                pending = (number, String(line.dropFirst(2)))
            } else if let p = pending, line.hasPrefix("  b'") || line.hasPrefix("  b\"") {
                let literal = String(line.dropFirst(2))
                guard let bytes = RedisTranscript.decodeBytesLiteral(literal) else {
                    throw FormatError(line: number, message: "expected a Python bytes literal, got \(literal)")
                }
                entries.append(Entry(line: p.line, text: p.text, section: section, reply: bytes))
                pending = nil
            }
        }
        self.entries = entries
    }

    /// Decodes `b'...'` or `b"..."` with Python's escapes (\r \n \t \\ \' \" \xHH).
    public static func decodeBytesLiteral(_ literal: String) -> [UInt8]? {
        let s = Array(literal.utf8)
        guard s.count >= 3, s[0] == UInt8(ascii: "b"), let quote = s.last, quote == s[1],
              quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var i = 2
        let end = s.count - 1
        func hex(_ b: UInt8) -> UInt8? {
            switch b { case 48...57: return b - 48; case 97...102: return b - 87; case 65...70: return b - 55; default: return nil }
        }
        while i < end {
            let b = s[i]
            if b != 92 { out.append(b); i += 1; continue }
            guard i + 1 < end else { return nil }
            switch s[i + 1] {
            case UInt8(ascii: "r"): out.append(13); i += 2
            case UInt8(ascii: "n"): out.append(10); i += 2
            case UInt8(ascii: "t"): out.append(9); i += 2
            case 92, 39, 34: out.append(s[i + 1]); i += 2
            case UInt8(ascii: "x"):
                guard i + 3 < end, let hi = hex(s[i + 2]), let lo = hex(s[i + 3]) else { return nil }
                out.append(hi << 4 | lo); i += 4
            default: return nil
            }
        }
        return out
    }
}

extension Substring {
    fileprivate func trimmingPrefixSpaces() -> String { String(drop { $0 == " " }) }
}
