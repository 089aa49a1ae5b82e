/// `org.apache.zookeeper.data.Id`: an authentication scheme and an identity in it.
public struct ZKId: Hashable, Sendable {
    public var scheme: String
    public var id: String
    public init(scheme: String, id: String) { self.scheme = scheme; self.id = id }
    /// `world:anyone`.
    public static let anyoneIdUnsafe = ZKId(scheme: "world", id: "anyone")
}

/// `org.apache.zookeeper.data.ACL`: a permission bit set for one identity.
public struct ACL: Hashable, Sendable {
    public var perms: Int32
    public var id: ZKId
    public init(perms: Int32, id: ZKId) { self.perms = perms; self.id = id }

    /// `ZooDefs.Perms`.
    public enum Perms {
        public static let read: Int32 = 1
        public static let write: Int32 = 2
        public static let create: Int32 = 4
        public static let delete: Int32 = 8
        public static let admin: Int32 = 16
        public static let all: Int32 = 31
    }

    /// `ZooDefs.Ids.OPEN_ACL_UNSAFE`: everything for world:anyone (what most clients pass).
    public static let openACLUnsafe: [ACL] = [ACL(perms: Perms.all, id: .anyoneIdUnsafe)]
    /// `ZooDefs.Ids.READ_ACL_UNSAFE`: the ACL of /zookeeper/config.
    public static let readACLUnsafe: [ACL] = [ACL(perms: Perms.read, id: .anyoneIdUnsafe)]
}
