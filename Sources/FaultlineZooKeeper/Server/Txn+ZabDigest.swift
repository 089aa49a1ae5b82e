import FaultlineCore

extension Txn {
    /// Feeds the txn to a trace hash: the chain hash the invariant observers compare across
    /// servers, and PROPOSAL digests in the trace. Field by field, never through `Hasher`
    /// (seeded per process).
    func zabDigest(into h: inout TraceHasher) {
        h.combine(Int(opCode.rawValue))
        switch self {
        case .create(let p, let d, _, let e, let c): h.combine(p); h.combine(bytes: d); h.combine(e); h.combine(Int(c))
        case .createContainer(let p, let d, _, let c): h.combine(p); h.combine(bytes: d); h.combine(Int(c))
        case .createTTL(let p, let d, _, let c, let t): h.combine(p); h.combine(bytes: d); h.combine(Int(c)); h.combine(t)
        case .delete(let p): h.combine(p)
        case .setData(let p, let d, let v): h.combine(p); h.combine(bytes: d); h.combine(Int(v))
        case .setACL(let p, let a, let v): h.combine(p); h.combine(a.count); h.combine(Int(v))
        case .check(let p, let v): h.combine(p); h.combine(Int(v))
        case .createSession(let t): h.combine(Int(t))
        case .closeSession(let ps): for p in ps ?? [] { h.combine(p) }
        case .error(let c): h.combine(Int(c.rawValue))
        case .multi(let txns): h.combine(txns.count); for t in txns { t.zabDigest(into: &h) }
        }
    }
}

/// A zxid as the server logs print it: 0x followed by hex digits.
func zxidHex(_ z: Zxid) -> String { "0x" + ZxidUtils.hex(z) }
