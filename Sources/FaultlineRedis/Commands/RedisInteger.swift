/// Redis's strict integer parsing (`string2ll` in util.c), used wherever a command reads a
/// number: no sign but a leading `-`, no leading zeros, no spaces, no `+`, fits in 64 bits.
/// So "010", " 1", "1.5", "+1" and "-0" are all "value is not an integer or out of range".
enum RedisInteger {
    /// Longest accepted text: LONG_STR_SIZE (21) minus one.
    static let textLengthMax = 20

    static func parse(_ bytes: [UInt8]) -> Int64? {
        let n = bytes.count
        guard n > 0 && n <= textLengthMax else { return nil }
        if n == 1 && bytes[0] == UInt8(ascii: "0") { return 0 }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true; i = 1
            guard n > 1 else { return nil }
        }
        guard bytes[i] >= UInt8(ascii: "1") && bytes[i] <= UInt8(ascii: "9") else { return nil }
        var magnitude: UInt64 = 0
        while i < n {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
            guard !o1 && !o2 else { return nil }
            magnitude = m2
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    static func text(_ n: Int64) -> [UInt8] { Array(String(n).utf8) }
}

extension Array where Element == UInt8 {
    /// ASCII case-insensitive comparison with a lower-case literal (strcasecmp).
    func isToken(_ lower: String) -> Bool {
        let other = lower.utf8
        guard count == other.count else { return false }
        for (a, b) in zip(self, other) where (a >= 65 && a <= 90 ? a + 32 : a) != b { return false }
        return true
    }

    /// ASCII lower case, as Redis's command lookup folds names.
    var asciiLowercased: String {
        String(decoding: map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
