/// The only source of randomness in a run: xoshiro256** (Blackman and Vigna, 2018),
/// seeded through SplitMix64.
///
/// A run has one seed. Each consumer (the network, the fault schedule, the workload, each
/// node) draws from its own *stream*, derived from the seed and the stream's name, so that
/// adding a client or a node never shifts what the network or the faults do. Derivation:
/// `state = SplitMix64(seed ^ FNV-1a-64(name))`, four outputs fill the 256-bit state.
///
/// Every operation is integer-only and specified here, not delegated to the standard
/// library, so the same seed gives the same numbers with any toolchain on any machine.
public struct SeededRandom: Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A stream named `stream` of the run seeded with `seed`.
    public init(seed: UInt64, stream: String) {
        self.init(rawSeed: seed ^ SeededRandom.fnv1a64(stream))
    }

    /// A generator whose state is expanded from one 64-bit value by SplitMix64.
    public init(rawSeed: UInt64) {
        var sm = rawSeed
        s0 = SeededRandom.splitMix64(&sm)
        s1 = SeededRandom.splitMix64(&sm)
        s2 = SeededRandom.splitMix64(&sm)
        s3 = SeededRandom.splitMix64(&sm)
        // xoshiro's state must not be all zero; SplitMix64 cannot produce four zeros in a
        // row, but assert the invariant rather than trust it.
        assert(s0 | s1 | s2 | s3 != 0)
    }

    /// A child stream: independent of this one, and drawing from it does not move this one.
    public func substream(_ name: String) -> SeededRandom {
        SeededRandom(rawSeed: (s0 &+ s3) ^ SeededRandom.fnv1a64(name))
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, unbiased).
    @inlinable public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "below(0) has no possible value")
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    /// A uniform integer in the closed range.
    @inlinable public mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if span == 0 { return Int64(bitPattern: next()) } // the whole Int64 range
        return range.lowerBound &+ Int64(bitPattern: below(span))
    }

    /// A uniform index into a collection of `count` elements.
    @inlinable public mutating func index(_ count: Int) -> Int {
        Int(below(UInt64(count)))
    }

    /// True with probability `ratio`, decided in integers.
    @inlinable public mutating func chance(_ ratio: Ratio) -> Bool {
        if ratio.numerator == 0 { return false }
        if ratio.numerator >= ratio.denominator { return true }
        return below(ratio.denominator) < ratio.numerator
    }

    /// A uniform duration in the closed range.
    @inlinable public mutating func duration(in range: ClosedRange<SimDuration>) -> SimDuration {
        SimDuration(nanoseconds: int(in: range.lowerBound.nanoseconds...range.upperBound.nanoseconds))
    }

    /// One element, uniformly; nil for an empty array.
    @inlinable public mutating func element<T>(of array: [T]) -> T? {
        array.isEmpty ? nil : array[index(array.count)]
    }

    /// Fisher-Yates, with this generator.
    @inlinable public mutating func shuffle<T>(_ array: inout [T]) {
        if array.count < 2 { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = Int(below(UInt64(i + 1)))
            if i != j { array.swapAt(i, j) }
        }
    }

    @inlinable static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over the UTF-8 bytes: a stable name hash (Swift's own Hasher is seeded per
    /// process and must never reach a simulation decision).
    public static func fnv1a64(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}

@inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

/// A probability as an exact integer ratio, so no decision depends on floating point.
public struct Ratio: Hashable, Sendable, CustomStringConvertible {
    public let numerator: UInt64
    public let denominator: UInt64

    public init(_ numerator: UInt64, _ denominator: UInt64) {
        precondition(denominator > 0, "a ratio needs a positive denominator")
        self.numerator = min(numerator, denominator)
        self.denominator = denominator
    }

    public static let never = Ratio(0, 1)
    public static let always = Ratio(1, 1)

    /// Reads "1/100", "0.01", "1%", "0" or "1"; nil for anything else or a value above 1.
    public static func parse(_ text: String) -> Ratio? {
        let t = text.trimmingSpaces
        if let slash = t.firstIndex(of: "/") {
            guard let n = UInt64(t[..<slash]), let d = UInt64(t[t.index(after: slash)...]), d > 0, n <= d else { return nil }
            return Ratio(n, d)
        }
        if t.hasSuffix("%") {
            guard let r = decimalAny(String(t.dropLast())), r.0 <= r.1 * 100 else { return nil }
            return Ratio(r.0, r.1 * 100)
        }
        guard let r = decimalAny(t), r.0 <= r.1 else { return nil }
        return Ratio(r.0, r.1)
    }

    /// A non-negative decimal as (numerator, denominator), any size.
    private static func decimalAny(_ t: String) -> (UInt64, UInt64)? {
        guard !t.isEmpty, t.unicodeScalars.allSatisfy({ $0 == "." || $0.digitValue != nil }) else { return nil }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, let whole = UInt64(parts[0]) else { return nil }
        var n = whole, d: UInt64 = 1
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 12, let f = UInt64(parts[1]) else { return nil }
            for _ in 0..<parts[1].count { d *= 10 }
            n = whole * d + f
        }
        return (n, d)
    }

    public var description: String { "\(numerator)/\(denominator)" }
}
