import FaultlineCore

/// The global invariants of a ZooKeeper ensemble, checked after every event with the
/// simulator's global knowledge (no server could check them itself):
/// - `zk.atMostOneLeaderPerEpoch`: no two servers ever establish leadership of one epoch;
/// - `zk.committedPrefix`: what every serving server applied is a prefix of one sequence;
/// - `zk.noCommittedTxnLost`: the newest established leader has applied every txn any
///   server ever applied as committed (nothing committed vanishes across crashes);
/// - `zk.lockHoldersNeverOverlap`: the lock / election recipe never has two holders.
public final class EnsembleInvariants {
    /// epoch -> myid of the leader that established it.
    public private(set) var leaderOfEpoch: [Int64: Int64] = [:]
    /// The committed sequence as hashes: entry i is the chain hash after i+1 txns.
    public private(set) var committed: [UInt64] = []
    var verified: [ObjectIdentifier?]
    var verifiedCount: [Int]
    public private(set) var newestEstablishedEpoch: Int64 = 0
    /// Called when an epoch is established for the first time (election-time measurements).
    var onEstablished: ((Int64, Int64, SimTime) -> Void)?

    init(nodeCount: Int) {
        verified = Array(repeating: nil, count: nodeCount)
        verifiedCount = Array(repeating: 0, count: nodeCount)
    }

    func install(on sim: Simulation<ZKMessage>, servers: [NodeID], ledger: LockLedger) {
        sim.addInvariant("zk.atMostOneLeaderPerEpoch") { [unowned self] sim in self.checkLeaders(sim, servers) }
        sim.addInvariant("zk.committedPrefix") { [unowned self] sim in self.checkPrefix(sim, servers) }
        sim.addInvariant("zk.noCommittedTxnLost") { [unowned self] sim in self.checkNewestLeader(sim, servers) }
        sim.addInvariant("zk.lockHoldersNeverOverlap") { _ in ledger.violation }
    }

    func checkLeaders(_ sim: Simulation<ZKMessage>, _ servers: [NodeID]) -> String? {
        for n in servers {
            guard let p = sim.actor(n, as: QuorumPeer.self), p.isEstablishedLeader, let e = p.leaderEpoch else { continue }
            if let other = leaderOfEpoch[e] {
                if other != p.myid { return "epoch \(e) established by server \(other) and server \(p.myid)" }
            } else {
                leaderOfEpoch[e] = p.myid
                if e > newestEstablishedEpoch { newestEstablishedEpoch = e }
                onEstablished?(e, p.myid, sim.now)
            }
        }
        return nil
    }

    func checkPrefix(_ sim: Simulation<ZKMessage>, _ servers: [NodeID]) -> String? {
        for n in servers {
            guard let p = sim.actor(n, as: QuorumPeer.self), p.isServing else { continue }
            let id = ObjectIdentifier(p)
            if verified[n.index] != id { verified[n.index] = id; verifiedCount[n.index] = p.appliedChainBase }
            var i = max(verifiedCount[n.index], p.appliedChainBase)
            if p.appliedChainBase > 0 && p.appliedChainBase <= committed.count && i == p.appliedChainBase,
               committed[p.appliedChainBase - 1] != (p.dataDir.snapshot?.chainHash ?? 0) {
                return "server \(p.myid) snapshot diverges from the committed sequence at txn \(p.appliedChainBase)"
            }
            while i < p.appliedCount {
                let h = p.appliedChain[i - p.appliedChainBase]
                if i < committed.count {
                    if committed[i] != h { return "server \(p.myid) applied txn #\(i + 1) that differs from the committed sequence" }
                } else {
                    committed.append(h)
                }
                i += 1
            }
            verifiedCount[n.index] = i
        }
        return nil
    }

    func checkNewestLeader(_ sim: Simulation<ZKMessage>, _ servers: [NodeID]) -> String? {
        for n in servers {
            guard let p = sim.actor(n, as: QuorumPeer.self), p.isEstablishedLeader, p.leaderEpoch == newestEstablishedEpoch else { continue }
            if p.appliedCount < committed.count {
                return "leader \(p.myid) of epoch \(newestEstablishedEpoch) has \(p.appliedCount) txns but \(committed.count) were committed"
            }
        }
        return nil
    }
}
