/// Database 0 of a Redis server: the main dictionary and the expires dictionary.
///
/// As in Redis, an expiry is an absolute unix time in milliseconds kept beside the value, and a
/// key whose time has passed stays in the dictionary until something deletes it: a lookup on a
/// primary (lazy expiry), the active expire cycle, or a DEL from the primary on a replica. So
/// `count` (what DBSIZE answers) may include keys that reads already treat as gone.
public struct RedisKeyspace: Sendable {
    public private(set) var entries: [[UInt8]: RedisValue] = [:]
    /// Absolute unix ms at which the key expires; only for keys present in `entries`.
    public private(set) var expires: [[UInt8]: Int64] = [:]
    /// SHA1s (lower-case hex) of scripts loaded by EVAL or SCRIPT LOAD, for EVALSHA. Server
    /// state rather than data: it is not in the digest, the rewrite or `count`, and FLUSHALL
    /// keeps it, as in Redis. A fresh keyspace after a restart has none, as a restarted Redis.
    public internal(set) var loadedScripts: Set<String> = []

    /// Keys held at most (a model bound, far above what any scenario writes).
    public static let keysMax = 1_000_000

    public init() {}

    /// Keys in the dictionary, expired or not (DBSIZE).
    public var count: Int { entries.count }

    /// The stored value, ignoring expiry (callers apply expiry rules; see `RedisCommands`).
    public func value(_ key: [UInt8]) -> RedisValue? { entries[key] }

    /// The absolute expiry in unix ms, or nil when the key has none.
    public func expireAt(_ key: [UInt8]) -> Int64? { expires[key] }

    /// Every key, sorted bytewise, so no Dictionary order ever leaks out.
    public var sortedKeys: [[UInt8]] { entries.keys.sorted { $0.lexicographicallyPrecedes($1) } }

    /// True when the key has an expiry strictly in the past (Redis's `keyIsExpired`: now > when).
    public func isExpired(_ key: [UInt8], nowMs: Int64) -> Bool {
        guard let when = expires[key] else { return false }
        return nowMs > when
    }

    // MARK: mutation (internal: commands go through RedisCommands)

    /// Stores a value. Unless `keepTTL`, an existing expiry is removed, as SET does.
    mutating func set(_ key: [UInt8], _ value: RedisValue, keepTTL: Bool = false) {
        precondition(entries.count < RedisKeyspace.keysMax || entries[key] != nil, "keyspace bound reached")
        entries[key] = value
        if !keepTTL { expires[key] = nil }
    }

    /// Replaces the value of an existing key, keeping its expiry (dbReplaceValue).
    mutating func replace(_ key: [UInt8], _ value: RedisValue) {
        assert(entries[key] != nil, "replace of a missing key")
        entries[key] = value
    }

    /// Removes the key and its expiry; returns whether it was there.
    @discardableResult
    mutating func delete(_ key: [UInt8]) -> Bool {
        expires[key] = nil
        return entries.removeValue(forKey: key) != nil
    }

    mutating func setExpire(_ key: [UInt8], _ whenMs: Int64) {
        precondition(entries[key] != nil, "an expiry needs a key")
        expires[key] = whenMs
    }

    @discardableResult
    mutating func removeExpire(_ key: [UInt8]) -> Bool { expires.removeValue(forKey: key) != nil }

    mutating func removeAll() {
        entries.removeAll(); expires.removeAll()
    }

    public func checkInvariants() {
        for key in expires.keys { precondition(entries[key] != nil, "an expiry without its key") }
        precondition(entries.count <= RedisKeyspace.keysMax, "keyspace over its bound")
        for (_, value) in entries {
            switch value {
            case .string: break
            case .list(let items): precondition(!items.isEmpty, "an empty list must be deleted")
            case .hash(let h): precondition(!h.isEmpty, "an empty hash must be deleted"); h.checkInvariants()
            }
        }
    }
}
