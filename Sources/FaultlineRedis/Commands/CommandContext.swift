/// Where a command runs, which decides how logically expired keys are treated (db.c's
/// `lookupKey` and `expireIfNeeded`).
enum ExecutionMode: Sendable {
    /// A client of a primary: an expired key found by a lookup is deleted and a DEL propagated.
    case primary
    /// A client of a replica: reads see an expired key as missing but leave it (the replica
    /// waits for the primary's DEL); writes (a writable replica) delete it.
    case replica
    /// The primary's replication stream, or an AOF being loaded: nothing counts as expired,
    /// and an expiry in the past is stored rather than turned into a DEL.
    case propagated
}

/// The state one command works on: the keyspace, the node's clock, and what it will propagate.
struct CommandContext {
    var keyspace: RedisKeyspace
    let nowMs: Int64
    let mode: ExecutionMode
    /// Effects in the order Redis emits them: lazy-expiry DELs first, then the command's own.
    var propagate: [[[UInt8]]] = []

    init(keyspace: RedisKeyspace, nowMs: Int64, mode: ExecutionMode) {
        self.keyspace = keyspace; self.nowMs = nowMs; self.mode = mode
    }

    static let delName = Array("DEL".utf8)

    /// `expireIfNeeded`: true when the key is logically expired (and then deleted on a primary,
    /// or on a replica when `forWrite`, with its DEL propagated).
    mutating func expireIfNeeded(_ key: [UInt8], forWrite: Bool) -> Bool {
        guard mode != .propagated, keyspace.isExpired(key, nowMs: nowMs) else { return false }
        if mode == .replica && !forWrite { return true }
        keyspace.delete(key)
        propagate.append([CommandContext.delName, key])
        return true
    }

    /// `lookupKeyRead`: the live value, or nil.
    mutating func lookupRead(_ key: [UInt8]) -> RedisValue? {
        if expireIfNeeded(key, forWrite: false) { return nil }
        return keyspace.value(key)
    }

    /// `lookupKeyWrite`: the live value, or nil; an expired key is gone afterwards.
    mutating func lookupWrite(_ key: [UInt8]) -> RedisValue? {
        if expireIfNeeded(key, forWrite: true) { return nil }
        return keyspace.value(key)
    }

    /// The command's own effect (what `call()` propagates when the command made the data dirty).
    mutating func propagateEffect(_ argv: [[UInt8]]) {
        propagate.append(argv)
    }

    /// An absolute expiry that is already past is a DEL on a primary, but stored as is on a
    /// replica or while loading (expire.c `checkAlreadyExpired`).
    func isAlreadyExpired(_ whenMs: Int64) -> Bool {
        whenMs <= nowMs && mode == .primary
    }
}
