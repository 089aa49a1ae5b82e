extension RedisKeyspace {
    /// Items per RPUSH / HMSET command in a rewrite (Redis's AOF_REWRITE_ITEMS_PER_CMD).
    public static let rewriteItemsPerCommand = 64

    /// Commands that rebuild this keyspace, as Redis 7.0's AOF rewrite writes them: per key
    /// (sorted bytewise here, where Redis walks its hash table) `SET k v`, `RPUSH k ...` or
    /// `HMSET k f v ...` in batches of 64 items, then `PEXPIREAT k ms` when the key has an expiry.
    /// Like 7.0, keys already past their expiry are still written (their PEXPIREAT lies in the
    /// past and the loader keeps them until a primary deletes them). The `SELECT 0` that opens
    /// an AOF is the file writer's business, not part of this list.
    public func rewriteCommands(nowMs: Int64) -> [[[UInt8]]] {
        _ = nowMs  // 7.0 writes expired keys too; the time is part of the contract for other formats
        var commands: [[[UInt8]]] = []
        let batch = RedisKeyspace.rewriteItemsPerCommand
        for key in sortedKeys {
            guard let value = entries[key] else { continue }
            switch value {
            case .string(let bytes):
                commands.append([Array("SET".utf8), key, bytes])
            case .list(let items):
                var start = 0
                while start < items.count {
                    let end = min(start + batch, items.count)
                    commands.append([Array("RPUSH".utf8), key] + items[start..<end])
                    start = end
                }
            case .hash(let hash):
                var start = 0
                while start < hash.count {
                    let end = min(start + batch, hash.count)
                    var argv: [[UInt8]] = [Array("HMSET".utf8), key]
                    for i in start..<end { argv.append(hash.fields[i]); argv.append(hash.values[i]) }
                    commands.append(argv)
                    start = end
                }
            }
            if let when = expires[key] {
                commands.append([Array("PEXPIREAT".utf8), key, Array(String(when).utf8)])
            }
        }
        return commands
    }

    /// A stable 64-bit digest of keys, types, values and expiries (FNV-1a over a length-prefixed
    /// walk in sorted key order), so two replicas with the same data agree whatever order their
    /// dictionaries hold. The script cache is not data and is left out.
    public func digest() -> UInt64 {
        var h = FNV1a64()
        h.addWord(UInt64(entries.count))
        for key in sortedKeys {
            guard let value = entries[key] else { continue }
            h.add(key)
            switch value {
            case .string(let bytes):
                h.addByte(1); h.add(bytes)
            case .list(let items):
                h.addByte(2); h.addWord(UInt64(items.count))
                for item in items { h.add(item) }
            case .hash(let hash):
                h.addByte(3); h.addWord(UInt64(hash.count))
                for i in 0..<hash.count { h.add(hash.fields[i]); h.add(hash.values[i]) }
            }
            if let when = expires[key] { h.addByte(4); h.addWord(UInt64(bitPattern: when)) } else { h.addByte(5) }
        }
        return h.value
    }
}

/// FNV-1a, 64 bit: simple, stable across platforms and processes (unlike Hasher, which is seeded).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func addByte(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }

    mutating func addWord(_ n: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { addByte(UInt8(truncatingIfNeeded: n >> UInt64(shift))) }
    }

    /// Length first, so ("ab","c") and ("a","bc") differ.
    mutating func add(_ bytes: [UInt8]) {
        addWord(UInt64(bytes.count))
        for b in bytes { addByte(b) }
    }
}
