/// The rolling 64-bit hash that summarises a run.
///
/// Every delivered event is fed to it in a canonical encoding (time, kind, nodes, the
/// message's own digest), so two runs with the same hash handled the same events in the
/// same order. It is specified here (a multiply-xorshift mix over 64-bit words, FNV-1a for
/// bytes) rather than borrowed from `Hasher`, which Swift seeds differently per process.
public struct TraceHasher: Sendable, Hashable {
    @usableFromInline var _value: UInt64
    /// The hash so far.
    @inlinable public var value: UInt64 { _value }

    @inlinable public init(seed: UInt64 = 0x6A09_E667_F3BC_C909) { _value = seed }

    /// Mixes one 64-bit word in.
    @inlinable public mutating func combine(_ word: UInt64) {
        var h = (_value ^ word) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        _value = h ^ (h >> 29)
    }

    @inlinable public mutating func combine(_ word: Int64) { combine(UInt64(bitPattern: word)) }
    @inlinable public mutating func combine(_ word: Int) { combine(UInt64(bitPattern: Int64(word))) }
    @inlinable public mutating func combine(_ flag: Bool) { combine(flag ? 1 as UInt64 : 2) }

    /// Mixes a string in by its UTF-8 bytes (length first, so "ab"+"c" differs from "a"+"bc").
    @inlinable public mutating func combine(_ text: String) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        var n: UInt64 = 0
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3; n &+= 1 }
        combine(n)
        combine(h)
    }

    /// Mixes raw bytes in (payloads, keys).
    @inlinable public mutating func combine(bytes: [UInt8]) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        combine(UInt64(bytes.count))
        combine(h)
    }

    /// The hash as 16 hex digits, the form every report prints.
    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// What a message type must offer the simulation: a stable digest for the trace hash and a
/// short line for trace files.
///
/// `digest` must depend only on the message's content (never on a Dictionary's order or an
/// object's address). The default digests `summary`, which is correct but slower; hot
/// message types write their own.
public protocol SimMessage {
    /// Feeds the message's content to the trace hash.
    func digest(into hasher: inout TraceHasher)
    /// A short human-readable form, e.g. `PROPOSAL zxid=0x100000003`.
    var summary: String { get }
}

extension SimMessage {
    public func digest(into hasher: inout TraceHasher) { hasher.combine(summary) }
    public var summary: String { String(describing: self) }
}
