/// A span of virtual time in integer nanoseconds.
///
/// Integer nanoseconds keep arithmetic exact and identical on every machine; no
/// floating point ever decides when an event happens. Durations read and print the way
/// people write them in configuration files: "250ms", "1.5s", "2m", "1m30s".
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimDuration(nanoseconds: 0)

    @inlinable public static func nanoseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n) }
    @inlinable public static func microseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000) }
    @inlinable public static func milliseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000) }
    @inlinable public static func seconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000_000) }
    @inlinable public static func minutes(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 60_000_000_000) }
    @inlinable public static func hours(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 3_600_000_000_000) }

    /// Whole milliseconds, truncated toward zero (what Redis and ZooKeeper settings use).
    @inlinable public var milliseconds: Int64 { nanoseconds / 1_000_000 }
    /// Seconds as a Double, for reports only: never feed this back into the simulation.
    public var secondsForReport: Double { Double(nanoseconds) / 1e9 }

    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: SimDuration, b: SimDuration) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds + b.nanoseconds) }
    @inlinable public static func - (a: SimDuration, b: SimDuration) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds - b.nanoseconds) }
    @inlinable public static func * (a: SimDuration, k: Int64) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds * k) }
    @inlinable public static func / (a: SimDuration, k: Int64) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds / k) }
    @inlinable public static func += (a: inout SimDuration, b: SimDuration) { a.nanoseconds += b.nanoseconds }
    @inlinable public static func -= (a: inout SimDuration, b: SimDuration) { a.nanoseconds -= b.nanoseconds }

    /// The text form that `parse` reads back to the same value.
    public var description: String { SimDuration.format(nanoseconds) }
}

extension SimDuration {
    /// Units a duration may be written in, longest suffix first so "ms" wins over "m".
    static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Reads "250ms", "1.5s", "2m", "1m30s", "0". Fractions are exact (integer arithmetic);
    /// a fraction finer than a nanosecond, a negative value, a missing unit or an overflow
    /// is rejected with `nil`.
    public static func parse(_ text: String) -> SimDuration? {
        let s = Array(text.trimmingSpaces.unicodeScalars)
        if s.isEmpty { return nil }
        if s == ["0"] { return .zero }
        var i = 0
        var total: Int64 = 0
        while i < s.count {
            var whole: Int64 = 0, fraction: Int64 = 0, fractionDigits = 0, digits = 0
            while i < s.count, let d = s[i].digitValue {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                whole = a; digits += 1; i += 1
            }
            if i < s.count, s[i] == "." {
                i += 1
                while i < s.count, let d = s[i].digitValue {
                    if fractionDigits >= 18 { return nil }
                    fraction = fraction * 10 + Int64(d); fractionDigits += 1; i += 1
                }
                if fractionDigits == 0 { return nil }
            }
            if digits == 0 && fractionDigits == 0 { return nil }
            var unitEnd = i
            while unitEnd < s.count, s[unitEnd].digitValue == nil, s[unitEnd] != "." { unitEnd += 1 }
            let unitText = String(String.UnicodeScalarView(s[i..<unitEnd]))
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            i = unitEnd
            let (w, o3) = whole.multipliedReportingOverflow(by: unit.nanoseconds)
            if o3 { return nil }
            var scale: Int64 = 1
            for _ in 0..<fractionDigits { scale *= 10 }
            // The fraction must land on whole nanoseconds.
            let (fn, o4) = fraction.multipliedReportingOverflow(by: unit.nanoseconds)
            if o4 || fn % scale != 0 { return nil }
            let (t1, o5) = total.addingReportingOverflow(w)
            let (t2, o6) = t1.addingReportingOverflow(fn / scale)
            if o5 || o6 { return nil }
            total = t2
        }
        return SimDuration(nanoseconds: total)
    }

    static func format(_ ns: Int64) -> String {
        if ns == 0 { return "0s" }
        if ns < 0 { return "-" + format(-ns) }
        let hour: Int64 = 3_600_000_000_000, minute: Int64 = 60_000_000_000
        if ns % hour == 0 { return "\(ns / hour)h" }
        if ns % minute == 0 { return "\(ns / minute)m" }
        if ns >= 1_000_000_000 { return decimal(ns, 1_000_000_000, "s") }
        if ns >= 1_000_000 { return decimal(ns, 1_000_000, "ms") }
        if ns >= 1_000 { return decimal(ns, 1_000, "us") }
        return "\(ns)ns"
    }

    private static func decimal(_ ns: Int64, _ unit: Int64, _ suffix: String) -> String {
        let whole = ns / unit, rest = ns % unit
        if rest == 0 { return "\(whole)\(suffix)" }
        var digits = String(rest)
        let width = String(unit - 1).count
        digits = String(repeating: "0", count: width - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)\(suffix)"
    }
}

extension Unicode.Scalar {
    var digitValue: Int? { (48...57).contains(value) ? Int(value - 48) : nil }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
