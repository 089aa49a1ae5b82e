/// `PathUtils.validatePath`: the server-side path rules. A violation is BadArguments.
public enum PathUtils {
    /// nil when `path` is a valid znode path, else the reason (as the real message says it).
    public static func validatePath(_ path: String) -> String? {
        let chars = Array(path.utf16)
        if chars.isEmpty { return "Path length must be > 0" }
        if chars[0] != 0x2F { return "Path must start with / character" }
        if chars.count == 1 { return nil }
        if chars[chars.count - 1] == 0x2F { return "Path must not end with / character" }
        var last: UInt16 = 0x2F
        for i in 1..<chars.count {
            let c = chars[i]
            if c == 0 { return "null character not allowed @\(i)" }
            if c == 0x2F && last == 0x2F { return "empty node name specified @\(i)" }
            let endsSegment = i + 1 == chars.count || chars[i + 1] == 0x2F
            if c == 0x2E && last == 0x2E && chars[i - 2] == 0x2F && endsSegment {
                return "relative paths not allowed @\(i)"
            }
            if c == 0x2E && chars[i - 1] == 0x2F && endsSegment { return "relative paths not allowed @\(i)" }
            if (c > 0x0000 && c <= 0x001F) || (c >= 0x007F && c <= 0x009F)
                || (c >= 0xD800 && c <= 0xF8FF) || (c >= 0xFFF0) {
                return "invalid character @\(i)"
            }
            last = c
        }
        return nil
    }

    /// `String.format("%010d", n)`: the suffix of a sequential node.
    public static func sequenceSuffix(_ n: Int32) -> String {
        let digits = String(n.magnitude)
        let width = n < 0 ? 9 : 10
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return n < 0 ? "-" + padded : padded
    }
}
