/// The search's memory of configurations already explored: (set of linearized
/// operations, model state), as in Lowe's refinement of the Wing-Gong search.
///
/// Why it is sound: what the search can still do from a configuration depends only on
/// which operations are linearized (that fixes which calls and returns remain) and on
/// the model state, so a configuration that failed once fails again. Equality is exact
/// (full bitset and `==` on the state); the hash only finds candidates, so a hash
/// collision costs a comparison, never a wrong verdict.
///
/// Layout: open addressing with linear probing over two flat arrays (hash, entry), the
/// bitsets of all entries packed in one arena, states in one array. Nothing is allocated
/// per lookup; inserting grows the arrays geometrically.
struct MemoTable<State: Hashable> {
    private(set) var count = 0
    private let words: Int
    private var capacity: Int            // slots, a power of two
    private var slotHash: UnsafeMutablePointer<UInt64>
    private var slotEntry: UnsafeMutablePointer<Int32>   // entry + 1; 0 = empty
    private var arena: UnsafeMutablePointer<UInt64>
    private var arenaEntries: Int
    private var states: [State] = []

    init(words: Int, capacity initial: Int = 512) {
        precondition(words > 0)
        var c = 16
        while c < initial { c <<= 1 }
        self.words = words
        capacity = c
        slotHash = .allocate(capacity: c)
        slotEntry = .allocate(capacity: c)
        slotEntry.initialize(repeating: 0, count: c)
        arenaEntries = c / 2
        arena = .allocate(capacity: arenaEntries * words)
        states.reserveCapacity(arenaEntries)
    }

    /// Frees the table; the search calls this once when done.
    mutating func deallocate() {
        slotHash.deallocate(); slotEntry.deallocate(); arena.deallocate()
        states = []
    }

    /// Inserts (bits, state) unless it is present; returns true when it was new.
    @inline(__always)
    mutating func insert(hash: UInt64, bits: UnsafePointer<UInt64>, state: State) -> Bool {
        var i = Int(truncatingIfNeeded: hash) & (capacity - 1)
        while true {
            let e = Int(slotEntry[i])
            if e == 0 { break }
            if slotHash[i] == hash && sameBits(e - 1, bits) && states[e - 1] == state { return false }
            i = (i + 1) & (capacity - 1)
        }
        if count == arenaEntries { growArena() }
        (arena + count * words).update(from: bits, count: words)
        states.append(state)
        count += 1
        slotHash[i] = hash
        slotEntry[i] = Int32(truncatingIfNeeded: count)
        if count * 2 > capacity { rehash() }
        return true
    }

    /// Every entry is reachable from its hash's probe start and slots are at most half full.
    func checkInvariants() {
        precondition(capacity & (capacity - 1) == 0 && count * 2 <= capacity, "memo load factor")
        var occupied = 0
        for s in 0..<capacity where slotEntry[s] != 0 {
            occupied += 1
            var i = Int(truncatingIfNeeded: slotHash[s]) & (capacity - 1)
            while i != s {
                precondition(slotEntry[i] != 0, "an empty slot breaks the probe run of entry \(slotEntry[s])")
                i = (i + 1) & (capacity - 1)
            }
        }
        precondition(occupied == count && states.count == count, "memo count")
    }

    @inline(__always)
    private func sameBits(_ entry: Int, _ bits: UnsafePointer<UInt64>) -> Bool {
        let stored = arena + entry * words
        for w in 0..<words where stored[w] != bits[w] { return false }
        return true
    }

    private mutating func growArena() {
        let bigger = arenaEntries * 2
        let a = UnsafeMutablePointer<UInt64>.allocate(capacity: bigger * words)
        a.moveInitialize(from: arena, count: count * words)
        arena.deallocate()
        arena = a
        arenaEntries = bigger
    }

    private mutating func rehash() {
        let c = capacity * 2
        let h = UnsafeMutablePointer<UInt64>.allocate(capacity: c)
        let e = UnsafeMutablePointer<Int32>.allocate(capacity: c)
        e.initialize(repeating: 0, count: c)
        for s in 0..<capacity where slotEntry[s] != 0 {
            var i = Int(truncatingIfNeeded: slotHash[s]) & (c - 1)
            while e[i] != 0 { i = (i + 1) & (c - 1) }
            h[i] = slotHash[s]; e[i] = slotEntry[s]
        }
        slotHash.deallocate(); slotEntry.deallocate()
        slotHash = h; slotEntry = e; capacity = c
    }
}
