/// A value stored under one key, by Redis type.
///
/// Lists keep their order; hashes keep insertion order, which is what a small Redis hash
/// (listpack encoding, up to `hash-max-listpack-entries` 128 fields of 64 bytes) returns from
/// HGETALL. Larger real hashes switch to a hash table whose order depends on a per-process
/// random seed, so no model can reproduce it; insertion order is the deterministic choice.
public enum RedisValue: Hashable, Sendable {
    case string([UInt8])
    case list([[UInt8]])
    case hash(RedisHash)

    /// The name TYPE answers with.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .list: return "list"
        case .hash: return "hash"
        }
    }
}

/// Field/value pairs in insertion order, with field lookup.
public struct RedisHash: Hashable, Sendable {
    public private(set) var fields: [[UInt8]] = []
    public private(set) var values: [[UInt8]] = []

    public init() {}

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func index(of field: [UInt8]) -> Int? { fields.firstIndex(of: field) }

    public subscript(field: [UInt8]) -> [UInt8]? { index(of: field).map { values[$0] } }

    /// Sets a field; returns true when the field is new (what HSET counts).
    @discardableResult
    public mutating func set(_ field: [UInt8], _ value: [UInt8]) -> Bool {
        if let i = index(of: field) { values[i] = value; return false }
        fields.append(field); values.append(value)
        return true
    }

    /// Removes a field; returns true when it was there.
    @discardableResult
    public mutating func remove(_ field: [UInt8]) -> Bool {
        guard let i = index(of: field) else { return false }
        fields.remove(at: i); values.remove(at: i)
        return true
    }

    public func checkInvariants() {
        precondition(fields.count == values.count, "hash fields and values out of step")
        precondition(Set(fields).count == fields.count, "a hash holds a field twice")
    }
}
