import FaultlineCore

/// The leader election recipe of the ZooKeeper docs (Curator's LeaderLatch): the same
/// ephemeral-sequential children as the lock, under an election node; the lowest leads and
/// keeps leading until its session is in doubt (Disconnected) or gone (Expired).
/// `ledger` then holds who believes they lead; at most one at a time is the invariant.
public final class LeaderElectionRecipe: LockRecipe {
    public init(electionPath: String = "/election", candidate: String, ledger: LockLedger) {
        super.init(lockPath: electionPath, ownerName: candidate, ledger: ledger, holdFor: nil)
    }
    public var isLeader: Bool { holding }
}
