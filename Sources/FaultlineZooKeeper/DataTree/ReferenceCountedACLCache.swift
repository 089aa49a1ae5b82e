/// `ReferenceCountedACLCache`: nodes store a long that names an ACL list, so a tree of a
/// million nodes with one ACL keeps one copy. Snapshots write this map before the nodes.
///
/// Indices are assigned by counting up from the highest ever used, and an entry goes away
/// when its last node does, exactly like the real cache, so two servers that applied the
/// same txns hold the same map.
public struct ReferenceCountedACLCache: Hashable, Sendable {
    /// The key meaning OPEN_ACL_UNSAFE with no cache entry (used for the built-in nodes).
    public static let openUnsafeACLId: Int64 = -1

    public private(set) var longKeyMap: [Int64: [ACL]] = [:]
    private var aclKeyMap: [[ACL]: Int64] = [:]
    private var referenceCounter: [Int64: Int64] = [:]
    private var aclIndex: Int64 = 0

    public init() {}

    /// The key for `acls`, adding an entry if new, and counting one more user.
    public mutating func convertAcls(_ acls: [ACL]) -> Int64 {
        let key: Int64
        if let existing = aclKeyMap[acls] {
            key = existing
        } else {
            aclIndex += 1
            key = aclIndex
            longKeyMap[key] = acls
            aclKeyMap[acls] = key
        }
        addUsage(key)
        return key
    }

    public func convertLong(_ key: Int64) -> [ACL]? {
        if key == Self.openUnsafeACLId { return ACL.openACLUnsafe }
        return longKeyMap[key]
    }

    public mutating func addUsage(_ key: Int64) {
        guard key != Self.openUnsafeACLId, longKeyMap[key] != nil else { return }
        referenceCounter[key, default: 0] += 1
    }

    public mutating func removeUsage(_ key: Int64) {
        guard key != Self.openUnsafeACLId, let acls = longKeyMap[key] else { return }
        let count = (referenceCounter[key] ?? 0) - 1
        if count <= 0 {
            referenceCounter[key] = nil
            aclKeyMap[acls] = nil
            longKeyMap[key] = nil
        } else {
            referenceCounter[key] = count
        }
    }

    /// Entries in key order (the snapshot writes them in this deterministic order).
    public var sortedEntries: [(key: Int64, acls: [ACL])] {
        longKeyMap.keys.sorted().map { ($0, longKeyMap[$0]!) }
    }

    public var count: Int { longKeyMap.count }

    /// Replaces the cache with a snapshot's map; usages are re-added as nodes load.
    public mutating func load(_ entries: [(key: Int64, acls: [ACL])]) {
        self = ReferenceCountedACLCache()
        for entry in entries {
            aclIndex = max(aclIndex, entry.key)
            longKeyMap[entry.key] = entry.acls
            aclKeyMap[entry.acls] = entry.key
            referenceCounter[entry.key] = 0
        }
    }

    /// Drops entries no node uses (`purgeUnused`, after a snapshot load).
    public mutating func purgeUnused() {
        for key in referenceCounter.keys.sorted() where (referenceCounter[key] ?? 0) <= 0 {
            if let acls = longKeyMap[key] { aclKeyMap[acls] = nil }
            longKeyMap[key] = nil
            referenceCounter[key] = nil
        }
    }

    public func checkInvariants() {
        precondition(longKeyMap.count == aclKeyMap.count, "ACL cache maps disagree")
        for (key, acls) in longKeyMap {
            precondition(aclKeyMap[acls] == key, "ACL cache reverse entry missing for \(key)")
            precondition(key <= aclIndex, "ACL key \(key) above index \(aclIndex)")
        }
    }
}
