/// Splits one line the way redis-cli does (`sdssplitargs` in sds.c), so a line typed for
/// redis-cli means the same to `faultline redis`: arguments separated by spaces; double quotes
/// with the escapes `\n \r \t \b \a \\ \"` and `\xHH`; single quotes where only `\'` is an
/// escape; a closing quote must be followed by a space or the end of the line.
public enum RedisCLIArguments {
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func split(_ line: String) throws -> [[UInt8]] {
        let p = Array(line.utf8)
        var i = 0
        var args: [[UInt8]] = []
        func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: return b - 48
            case 97...102: return b - 87
            case 65...70: return b - 55
            default: return nil
            }
        }
        while true {
            while i < p.count && isSpace(p[i]) { i += 1 }
            guard i < p.count else { return args }
            var current: [UInt8] = []
            var inDouble = false, inSingle = false, done = false
            while !done {
                if inDouble {
                    guard i < p.count else { throw SyntaxError(message: "unbalanced double quotes") }
                    if p[i] == 92 && i + 3 < p.count && p[i + 1] == UInt8(ascii: "x"),
                       let hi = hex(p[i + 2]), let lo = hex(p[i + 3]) {
                        current.append(hi << 4 | lo); i += 3
                    } else if p[i] == 92 && i + 1 < p.count {
                        i += 1
                        switch p[i] {
                        case UInt8(ascii: "n"): current.append(10)
                        case UInt8(ascii: "r"): current.append(13)
                        case UInt8(ascii: "t"): current.append(9)
                        case UInt8(ascii: "b"): current.append(8)
                        case UInt8(ascii: "a"): current.append(7)
                        default: current.append(p[i])
                        }
                    } else if p[i] == UInt8(ascii: "\"") {
                        guard i + 1 >= p.count || isSpace(p[i + 1]) else {
                            throw SyntaxError(message: "a closing double quote must be followed by a space")
                        }
                        done = true
                    } else {
                        current.append(p[i])
                    }
                } else if inSingle {
                    guard i < p.count else { throw SyntaxError(message: "unbalanced single quotes") }
                    if p[i] == 92 && i + 1 < p.count && p[i + 1] == UInt8(ascii: "'") {
                        current.append(UInt8(ascii: "'")); i += 1
                    } else if p[i] == UInt8(ascii: "'") {
                        guard i + 1 >= p.count || isSpace(p[i + 1]) else {
                            throw SyntaxError(message: "a closing single quote must be followed by a space")
                        }
                        done = true
                    } else {
                        current.append(p[i])
                    }
                } else if i >= p.count {
                    done = true
                } else {
                    switch p[i] {
                    case 32, 10, 13, 9, 0: done = true
                    case UInt8(ascii: "\""): inDouble = true
                    case UInt8(ascii: "'"): inSingle = true
                    default: current.append(p[i])
                    }
                }
                if i < p.count { i += 1 }
            }
            args.append(current)
        }
    }
}
