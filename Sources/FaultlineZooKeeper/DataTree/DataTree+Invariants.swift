extension DataTree {
    /// The tree's structural invariants: every node but the root has its parent and is
    /// listed among the parent's children; children lists name only existing nodes; the
    /// ephemeral index matches the owners; ephemerals have no children; the running digest
    /// equals a recomputation. Tests call it after every txn.
    public func checkInvariants() {
        precondition(nodes["/"] != nil, "root missing")
        for (path, node) in nodes {
            for child in node.children {
                precondition(nodes[Self.childPath(path, child)] != nil, "\(path) lists missing child \(child)")
            }
            if path != "/" {
                guard let (parent, child) = Self.parentAndChild(path), let p = nodes[parent] else {
                    preconditionFailure("\(path) has no parent")
                }
                precondition(p.children.contains(child), "\(parent) does not list \(child)")
            }
            let owner = node.stat.ephemeralOwner
            if owner != 0 && EphemeralType.of(owner) == .normal {
                precondition(ephemeralsBySession[owner]?.contains(path) == true, "ephemeral \(path) not indexed")
                precondition(node.children.isEmpty, "ephemeral \(path) has children")
            }
            precondition(aclCache.convertLong(node.acl) != nil, "\(path) has dangling ACL \(node.acl)")
        }
        for (owner, paths) in ephemeralsBySession {
            precondition(!paths.isEmpty, "empty ephemeral set kept for \(owner)")
            for path in paths { precondition(nodes[path]?.stat.ephemeralOwner == owner, "index names \(path) wrongly") }
        }
        precondition(recomputedDigest() == treeDigest, "running digest drifted")
        aclCache.checkInvariants()
        dataWatches.checkInvariants()
        childWatches.checkInvariants()
    }
}
