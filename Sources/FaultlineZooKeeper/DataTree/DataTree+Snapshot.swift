extension DataTree {
    /// Builds a tree from a snapshot's nodes (`DataTree.deserialize`): parents come before
    /// children, every parent must exist, ephemeral owners are re-indexed, the ACL cache is
    /// reloaded and purged of unused entries, and the digest is recomputed.
    init(snapshotNodes: [(path: String, node: DataNode)], acls: [(key: Int64, acls: [ACL])],
         lastProcessedZxid: Zxid, fileName: String) throws(ZKFileError) {
        self.init(empty: ())
        aclCache.load(acls)
        for (path, node) in snapshotNodes {
            if path != "/" {
                guard let (parent, child) = Self.parentAndChild(path), nodes[parent] != nil else {
                    throw ZKFileError(file: fileName, "Invalid Datatree, unable to find parent of path \(path)")
                }
                nodes[parent]!.children.insert(child)
            }
            guard nodes[path] == nil else { throw ZKFileError(file: fileName, "node \(path) appears twice") }
            nodes[path] = node
            aclCache.addUsage(node.acl)
            let owner = node.stat.ephemeralOwner
            if owner != 0 && EphemeralType.of(owner) == .normal { ephemeralsBySession[owner, default: []].insert(path) }
        }
        guard nodes["/"] != nil else { throw ZKFileError(file: fileName, "snapshot has no root node") }
        for (path, node) in nodes where aclCache.convertLong(node.acl) == nil {
            throw ZKFileError(file: fileName, "node \(path) names ACL \(node.acl), which the ACL map lacks")
        }
        aclCache.purgeUnused()
        treeDigest = recomputedDigest()
        self.lastProcessedZxid = lastProcessedZxid
    }
}
