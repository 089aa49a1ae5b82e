/// A map from 64-bit keys to 32-bit values with open addressing, for the models' caches
/// on the search's hot path (one lookup per step), where `Dictionary`'s seeded SipHash
/// dominates the cost. A value type (copy-on-write, like the standard collections), so
/// a model copied for each partition never shares its cache. Grows by doubling.
struct IntMap: Sendable {
    private final class Storage: @unchecked Sendable {
        var keys: UnsafeMutablePointer<UInt64>
        var values: UnsafeMutablePointer<Int32>      // -1 = empty slot
        let capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            keys = .allocate(capacity: capacity)
            values = .allocate(capacity: capacity)
            values.initialize(repeating: -1, count: capacity)
        }

        func copy(capacity c: Int) -> Storage {
            let s = Storage(capacity: c)
            for i in 0..<capacity where values[i] >= 0 { s.insert(keys[i], values[i]) }
            return s
        }

        @inline(__always)
        func insert(_ key: UInt64, _ value: Int32) {
            let mask = capacity - 1
            var i = Int(truncatingIfNeeded: mix64(key)) & mask
            while values[i] >= 0 {
                if keys[i] == key { values[i] = value; return }
                i = (i + 1) & mask
            }
            keys[i] = key; values[i] = value; count += 1
        }

        deinit { keys.deallocate(); values.deallocate() }
    }

    private var storage: Storage

    init(capacity wanted: Int = 64) {
        var c = 16
        while c < wanted * 2 { c <<= 1 }
        storage = Storage(capacity: c)
    }

    var count: Int { storage.count }

    @inline(__always)
    func get(_ key: UInt64) -> Int32? {
        let s = storage
        let mask = s.capacity - 1
        var i = Int(truncatingIfNeeded: mix64(key)) & mask
        while true {
            let v = s.values[i]
            if v < 0 { return nil }
            if s.keys[i] == key { return v }
            i = (i + 1) & mask
        }
    }

    /// The count matches the occupied slots and each key is found where probing looks.
    func checkInvariants() {
        let st = storage
        var occupied = 0
        for i in 0..<st.capacity where st.values[i] >= 0 {
            occupied += 1
            precondition(get(st.keys[i]) == st.values[i], "key \(st.keys[i]) is not found by probing")
        }
        precondition(occupied == st.count && st.count * 2 <= st.capacity, "IntMap count and load")
    }

    /// Sets `key` to `value` (a value of 0 or more).
    mutating func set(_ key: UInt64, _ value: Int32) {
        precondition(value >= 0, "IntMap values are non-negative")
        if (storage.count + 1) * 2 > storage.capacity {
            storage = storage.copy(capacity: storage.capacity * 2)
        } else if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(capacity: storage.capacity)
        }
        storage.insert(key, value)
    }
}
