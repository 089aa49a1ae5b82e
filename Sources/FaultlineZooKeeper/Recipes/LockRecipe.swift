import FaultlineCore

/// Who believes they hold a lock (or lead), in true time. Recipes write it the moment they
/// decide; the `lockHoldersNeverOverlap` observer reads it. Shared by the clients of a run.
public final class LockLedger {
    public private(set) var holders: [String] = []
    public private(set) var acquisitions = 0
    /// The first overlap seen: two holders at once.
    public private(set) var violation: String?
    public private(set) var log: [(time: SimTime, holder: String, acquired: Bool)] = []
    public init() {}

    /// holder -> the client process (node name) it runs on.
    var processOf: [String: String] = [:]

    public func acquire(_ who: String, process: String? = nil, at t: SimTime) {
        precondition(!holders.contains(who), "\(who) acquired twice")
        if let p = process { processOf[who] = p }
        if !holders.isEmpty && violation == nil { violation = "\(who) acquired at \(t) while \(holders) held it" }
        holders.append(who)
        acquisitions += 1
        log.append((t, who, true))
    }
    /// A crashed process holds nothing any more.
    public func processDied(_ process: String, at t: SimTime) {
        for h in holders where processOf[h] == process { release(h, at: t) }
    }

    public func release(_ who: String, at t: SimTime) {
        guard holders.contains(who) else { return }
        holders.removeAll { $0 == who }
        log.append((t, who, false))
    }
}

/// The lock recipe of the ZooKeeper docs (and Curator's InterProcessMutex): create an
/// ephemeral-sequential child of the lock node, hold the lock when it is the lowest, else
/// watch only the predecessor (no herd effect). Names carry a protection prefix with the
/// client's id, as Curator's protected mode does, so a create that failed with connection
/// loss is found again instead of leaking a second node.
///
/// A holder treats Disconnected as losing the lock (Curator's SUSPENDED advice): it cannot
/// know whether its session survives. With `holdFor == nil` it never releases: the leader
/// election recipe.
public class LockRecipe: ZooKeeperClientProgram {
    public let lockPath: String
    public let ownerName: String
    public let ledger: LockLedger
    public let holdFor: SimDuration?
    public let pauseBetween: SimDuration
    public private(set) var myNode: String?
    public private(set) var holding = false
    public private(set) var acquiredCount = 0
    var generation = 0

    enum Tag: Int { case createParent = 1, createNode, getChildren, exists, delete }
    enum TimerTag: Int { case release = 1, again }

    public init(lockPath: String = "/lock", ownerName: String, ledger: LockLedger,
                holdFor: SimDuration? = .milliseconds(500), pauseBetween: SimDuration = .milliseconds(300)) {
        self.lockPath = lockPath; self.ownerName = ownerName; self.ledger = ledger
        self.holdFor = holdFor; self.pauseBetween = pauseBetween
    }

    var prefix: String { "_c_\(ownerName)-lock-" }

    public func stateChanged(_ state: KeeperState, _ client: ZooKeeperClient) {
        switch state {
        case .syncConnected:
            if myNode == nil { client.submit(.create(path: lockPath, data: [], acl: ACL.openACLUnsafe, mode: .persistent), tag: Tag.createParent.rawValue) }
            else { client.submit(.getChildren(path: lockPath, watch: false), tag: Tag.getChildren.rawValue) }
        case .disconnected:
            lose(client, "connection suspended")
        case .expired:
            lose(client, "session expired")
            myNode = nil
            client.startNewSession()
        }
    }

    func lose(_ client: ZooKeeperClient, _ why: String) {
        if holding { holding = false; ledger.release(ownerName, at: client.historyTime) }
        generation += 1
    }

    public func completed(tag: Int, err: KeeperErrorCode, body: ReplyBody, _ client: ZooKeeperClient) {
        guard err != .connectionLoss, err != .sessionExpired else { return }
        switch Tag(rawValue: tag)! {
        case .createParent:
            client.submit(.getChildren(path: lockPath, watch: false), tag: Tag.getChildren.rawValue)
        case .createNode:
            if err == .ok, case .path(let p) = body { myNode = p }
            client.submit(.getChildren(path: lockPath, watch: false), tag: Tag.getChildren.rawValue)
        case .getChildren:
            guard err == .ok, case .children(let kids) = body else { return }
            checkPosition(kids, client)
        case .exists:
            // The predecessor vanished between getChildren and exists: look again.
            if err == .noNode { client.submit(.getChildren(path: lockPath, watch: false), tag: Tag.getChildren.rawValue) }
        case .delete:
            myNode = nil
            client.setTimer(after: pauseBetween, tag: TimerTag.again.rawValue)
        }
    }

    /// Sort by the sequence suffix; lowest holds; else watch the one just before us.
    func checkPosition(_ kids: [String], _ client: ZooKeeperClient) {
        func seq(_ s: String) -> String { String(s.suffix(10)) }
        let sorted = kids.filter { $0.contains("-lock-") }.sorted { seq($0) < seq($1) }
        guard let mine = sorted.firstIndex(where: { $0.hasPrefix(prefix) }) else {
            myNode = nil
            client.submit(.create(path: lockPath + "/" + prefix, data: Array(ownerName.utf8), acl: ACL.openACLUnsafe, mode: .ephemeralSequential), tag: Tag.createNode.rawValue)
            return
        }
        myNode = lockPath + "/" + sorted[mine]
        if mine == 0 {
            guard !holding else { return }
            holding = true
            acquiredCount += 1
            ledger.acquire(ownerName, process: client.clientName, at: client.historyTime)
            if let h = holdFor { client.setTimer(after: h, tag: TimerTag.release.rawValue + 10 * generation) }
        } else {
            client.submit(.exists(path: lockPath + "/" + sorted[mine - 1], watch: true), tag: Tag.exists.rawValue)
        }
    }

    public func watchTriggered(_ event: WatchedEvent, _ client: ZooKeeperClient) {
        if event.type == .nodeDeleted, client.isConnected {
            client.submit(.getChildren(path: lockPath, watch: false), tag: Tag.getChildren.rawValue)
        }
    }

    public func timerFired(tag: Int, _ client: ZooKeeperClient) {
        if tag == TimerTag.again.rawValue {
            if client.isConnected && myNode == nil { client.submit(.getChildren(path: lockPath, watch: false), tag: Tag.getChildren.rawValue) }
            return
        }
        guard tag == TimerTag.release.rawValue + 10 * generation, holding, let node = myNode else { return }
        // Release: stop believing first, then delete the node.
        holding = false
        ledger.release(ownerName, at: client.historyTime)
        client.submit(.delete(path: node, version: -1), tag: Tag.delete.rawValue)
    }
}
