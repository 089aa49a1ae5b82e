/// The strings a kv search builds by put and append, each held once.
///
/// A key's state is a node: the empty string, a put value, or a node plus an appended
/// value. Nodes are canonical (two nodes never hold the same string), so comparing
/// states compares node numbers. Each node keeps a polynomial hash and the length of its
/// string, computed in O(1) from its parent's; a hash only proposes a match, and the
/// bytes decide, so collisions cost time, never a wrong answer. Building a string from
/// its node happens only to confirm a proposed match.
struct KVStrings: Sendable {
    /// Interned values (puts, appends, get answers): id -> bytes.
    private(set) var values: [[UInt8]] = [[]]
    private var valueIDs: [String: Int32] = ["": 0]
    private var valueHash: [UInt64] = [0]
    private var valuePower: [UInt64] = [1]      // base ^ length
    /// For get answers: the hash of every prefix (index = prefix length); empty otherwise.
    private var prefixHashes: [[UInt64]] = [[0]]

    private var parent: [Int32] = [-1]
    private var appendedValue: [Int32] = [0]
    private var nodeHash: [UInt64] = [0]
    private var nodeLength: [Int] = [0]
    /// Content key -> the newest node with it; `sameContent` chains to older ones.
    private var nodesByContent = IntMap()
    private var sameContent: [Int32] = [-1]
    private var transitions = IntMap(capacity: 4096)
    private var putNode = IntMap()
    /// For a get answer, the node found to hold it.
    private var answerNode = IntMap()

    static let base: UInt64 = 0x100_0000_01B3     // FNV prime: odd, spreads bytes

    var nodeCount: Int { parent.count }

    mutating func valueID(_ s: String) -> Int32 {
        if let id = valueIDs[s] { return id }
        let id = Int32(values.count)
        let bytes = Array(s.utf8)
        var h: UInt64 = 0, p: UInt64 = 1
        for b in bytes { h = h &* Self.base &+ UInt64(b) &+ 1; p = p &* Self.base }
        valueIDs[s] = id; values.append(bytes); valueHash.append(h); valuePower.append(p); prefixHashes.append([])
        return id
    }

    /// `valueID` for a string a get returned, with its prefix hashes for `mayExtend`.
    mutating func answerID(_ s: String) -> Int32 {
        let id = valueID(s)
        if prefixHashes[Int(id)].isEmpty {
            var hashes = [UInt64](repeating: 0, count: values[Int(id)].count + 1)
            var h: UInt64 = 0
            for (i, b) in values[Int(id)].enumerated() { h = h &* Self.base &+ UInt64(b) &+ 1; hashes[i + 1] = h }
            prefixHashes[Int(id)] = hashes
        }
        return id
    }

    /// The node holding exactly value `v`.
    mutating func put(_ v: Int32) -> Int32 {
        if v == 0 { return 0 }
        if let n = putNode.get(UInt64(v)) { return n }
        let n = canonical(parent: 0, value: v)
        putNode.set(UInt64(v), n)
        return n
    }

    /// The node holding `node`'s string followed by value `v`.
    @inline(__always)
    mutating func append(_ node: Int32, _ v: Int32) -> Int32 {
        if v == 0 { return node }
        let key = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: v))
        if let n = transitions.get(key) { return n }
        let n = canonical(parent: node, value: v)
        transitions.set(key, n)
        return n
    }

    /// Whether `node` holds exactly value `v` (a get answer).
    @inline(__always)
    mutating func holds(_ node: Int32, _ v: Int32) -> Bool {
        if v == 0 { return node == 0 }
        if let known = answerNode.get(UInt64(v)) { return known == node }
        let i = Int(node)
        guard nodeLength[i] == values[Int(v)].count, nodeHash[i] == valueHash[Int(v)],
              string(of: node) == values[Int(v)] else { return false }
        answerNode.set(UInt64(v), node)        // nodes are canonical: no other node can hold it
        return true
    }

    /// False when value `v` certainly does not start with `node`'s string: it is shorter,
    /// or its prefix of that length hashes differently (equal strings hash equally, so a
    /// differing hash proves they differ). True means "maybe".
    @inline(__always)
    func mayExtend(_ node: Int32, to v: Int32) -> Bool {
        let length = nodeLength[Int(node)]
        let hashes = prefixHashes[Int(v)]
        guard !hashes.isEmpty else { return true }      // not an answer: no prefix table, say maybe
        guard length < hashes.count else { return false }
        return hashes[length] == nodeHash[Int(node)]
    }

    /// The string a node holds, built from its chain of appends.
    func string(of node: Int32) -> [UInt8] {
        var chain: [Int32] = []
        var n = node
        while n > 0 { chain.append(appendedValue[Int(n)]); n = parent[Int(n)] }
        var out: [UInt8] = []
        out.reserveCapacity(nodeLength[Int(node)])
        for v in chain.reversed() { out.append(contentsOf: values[Int(v)]) }
        return out
    }

    /// Each node's hash and length match its string, and no two nodes hold the same string.
    func checkInvariants() {
        var seen: [[UInt8]: Int32] = [:]
        for n in 0..<Int32(parent.count) {
            let bytes = string(of: n)
            var h: UInt64 = 0
            for b in bytes { h = h &* Self.base &+ UInt64(b) &+ 1 }
            precondition(h == nodeHash[Int(n)] && bytes.count == nodeLength[Int(n)], "node \(n) hash or length")
            precondition(seen.updateValue(n, forKey: bytes) == nil, "node \(n) duplicates another node's string")
        }
    }

    /// The existing node with `parent`'s string + `v`, or a new one.
    private mutating func canonical(parent p: Int32, value v: Int32) -> Int32 {
        let h = nodeHash[Int(p)] &* valuePower[Int(v)] &+ valueHash[Int(v)]
        let length = nodeLength[Int(p)] + values[Int(v)].count
        let contentKey = h ^ mix64(UInt64(length))
        let newest = nodesByContent.get(contentKey) ?? -1
        if newest >= 0 {
            let wanted = string(of: p) + values[Int(v)]
            var c = newest
            while c >= 0 {
                if nodeLength[Int(c)] == length && string(of: c) == wanted { return c }
                c = sameContent[Int(c)]
            }
        }
        let n = Int32(parent.count)
        parent.append(p); appendedValue.append(v); nodeHash.append(h); nodeLength.append(length)
        sameContent.append(newest)
        nodesByContent.set(contentKey, n)
        return n
    }
}
