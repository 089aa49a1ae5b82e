/// RESP, the Redis serialization protocol, as the append-only file uses it: every command
/// is an array of bulk strings, `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument.
public enum RESP {
    /// Appends `arguments` as one RESP command to `buffer`.
    public static func encodeCommand(_ arguments: [[UInt8]], into buffer: inout [UInt8]) {
        precondition(!arguments.isEmpty, "a command has at least its name")
        buffer.append(UInt8(ascii: "*"))
        buffer.append(contentsOf: String(arguments.count).utf8)
        buffer.append(contentsOf: crlf)
        for arg in arguments {
            buffer.append(UInt8(ascii: "$"))
            buffer.append(contentsOf: String(arg.count).utf8)
            buffer.append(contentsOf: crlf)
            buffer.append(contentsOf: arg)
            buffer.append(contentsOf: crlf)
        }
    }

    static let crlf: [UInt8] = [13, 10]

    /// How reading an append-only file ended, in the terms Redis's loader uses.
    public enum LoadEnd: Equatable, Sendable {
        /// Every byte was part of a complete command.
        case complete
        /// The file ends inside a command (or inside MULTI without EXEC): a short read.
        /// Commands up to `validUpTo` are good.
        case truncated(validUpTo: Int)
        /// Something other than RESP where a command had to be ("Bad file format").
        case badFormat(position: Int, expected: String)
    }

    /// Parses the commands of an append-only file the way `loadSingleAppendOnlyFile` does:
    /// `#` annotation lines are skipped, a command cut short by the end of the file is a
    /// truncation, and an unfinished MULTI at the end is reverted like one.
    public static func parseCommands(_ bytes: [UInt8]) -> (commands: [[[UInt8]]], end: LoadEnd) {
        var commands: [[[UInt8]]] = []
        var i = 0
        var validBeforeMulti: Int?
        var commandsBeforeMulti = 0
        func line(_ from: Int) -> (Range<Int>, Int)? {
            var j = from
            while j + 1 < bytes.count {
                if bytes[j] == 13 && bytes[j + 1] == 10 { return (from..<j, j + 2) }
                j += 1
            }
            return nil
        }
        func number(_ r: Range<Int>) -> Int? {
            guard r.count > 0 && r.count <= 18 else { return nil }
            var n = 0
            for k in r {
                guard bytes[k] >= 48 && bytes[k] <= 57 else { return nil }
                n = n * 10 + Int(bytes[k] - 48)
            }
            return n
        }
        func cut(_ start: Int) -> ([[[UInt8]]], LoadEnd) {
            if let v = validBeforeMulti { return (Array(commands[..<commandsBeforeMulti]), .truncated(validUpTo: v)) }
            return (commands, .truncated(validUpTo: start))
        }
        while i < bytes.count {
            let start = i
            if bytes[i] == UInt8(ascii: "#") {
                guard let (_, next) = line(i) else { return cut(start) }
                i = next
                continue
            }
            guard bytes[i] == UInt8(ascii: "*") else { return (commands, .badFormat(position: i, expected: "'*' starting a command")) }
            guard let (countRange, afterCount) = line(i) else { return cut(start) }
            guard let argc = number(countRange.dropFirst()), argc >= 1 else {
                return (commands, .badFormat(position: i, expected: "an argument count of at least 1"))
            }
            i = afterCount
            var args: [[UInt8]] = []
            args.reserveCapacity(argc)
            for _ in 0..<argc {
                if i >= bytes.count { return cut(start) }
                guard bytes[i] == UInt8(ascii: "$") else { return (commands, .badFormat(position: i, expected: "'$' starting a bulk string")) }
                guard let (lenRange, afterLen) = line(i) else { return cut(start) }
                guard let len = number(lenRange.dropFirst()) else {
                    return (commands, .badFormat(position: i, expected: "a bulk string length"))
                }
                if afterLen + len + 2 > bytes.count { return cut(start) }
                guard bytes[afterLen + len] == 13 && bytes[afterLen + len + 1] == 10 else {
                    return (commands, .badFormat(position: afterLen + len, expected: "CRLF after a bulk string"))
                }
                args.append(Array(bytes[afterLen..<afterLen + len]))
                i = afterLen + len + 2
            }
            let name = String(decoding: args[0], as: UTF8.self).uppercased()
            if name == "MULTI" { validBeforeMulti = start; commandsBeforeMulti = commands.count }
            if name == "EXEC" { validBeforeMulti = nil }
            commands.append(args)
        }
        if validBeforeMulti != nil { return cut(bytes.count) }
        return (commands, .complete)
    }
}
