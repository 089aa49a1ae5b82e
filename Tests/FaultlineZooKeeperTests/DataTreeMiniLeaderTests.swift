@testable import FaultlineZooKeeper

// Test support (named to fit this helper's DataTree*Tests.swift files): a leader in miniature.

/// A leader in miniature for tests: prepares each request with the next zxid, applies it to
/// the tree at once (commit = apply), and checks the invariants after every txn.
struct MiniLeader {
    var tree = DataTree()
    var prep = RequestPreparer()
    var zxid: Zxid = ZxidUtils.make(epoch: 1, counter: 0)
    var time: Int64 = 1_000_000

    /// Prepares without applying (a proposal still in flight).
    mutating func propose(_ r: ZKRequest, session: Int64 = 0x11) -> PreparedTxn {
        zxid += 1
        time += 10
        let p = prep.prepare(r, sessionId: session, cxid: Int32(truncatingIfNeeded: zxid), zxid: zxid, time: time, tree: tree)
        precondition(p != nil, "not a write")
        prep.checkInvariants()
        return p!
    }

    /// Applies a proposal (the commit arriving).
    @discardableResult
    mutating func commit(_ p: PreparedTxn) -> ProcessTxnResult {
        let rc = tree.processTxn(p.header, p.txn)
        prep.applied(zxid: p.header.zxid)
        if let d = p.digest { precondition(d.treeDigest == tree.treeDigest, "precalculated digest wrong at \(p.header.zxid)") }
        tree.checkInvariants()
        return rc
    }

    @discardableResult
    mutating func run(_ r: ZKRequest, session: Int64 = 0x11) -> ProcessTxnResult { commit(propose(r, session: session)) }

    static func create(_ path: String, _ data: String = "", _ mode: CreateMode = .persistent) -> ZKRequest {
        .create(path: path, data: Array(data.utf8), acl: ACL.openACLUnsafe, mode: mode)
    }
}
