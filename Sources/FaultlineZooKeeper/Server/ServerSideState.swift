import FaultlineCore

/// The client-facing state of one server process: connections, where each session lives,
/// LearnerSessionTracker's touch table (sessions pinged here, reported to the leader in the
/// next PING reply), requests awaiting their commit, and connects awaiting REVALIDATE.
struct ServerSideState {
    /// Client connections on this server: client node -> session id (0 while connecting).
    var connections: [NodeID: Int64] = [:]
    var sessionHome: [Int64: NodeID] = [:]
    var touches: [Int64: Int32] = [:]
    /// Per session, requests received and not answered yet, in order: writes wait for their
    /// commit; reads queued behind a write wait for it (CommitProcessor's per-session order).
    var pending: [Int64: [PendingRequest]] = [:]
    var nextSessionId: Int64 = 0
    /// Connects with a session id, waiting for the leader's REVALIDATE answer.
    var revalidating: [Int64: (client: NodeID, timeoutMs: Int32)] = [:]
    /// Bound on requests in flight per session (a real server throttles at globalOutstandingLimit).
    static let pendingPerSessionMax = 1000
}

struct PendingRequest {
    var xid: Int32
    var request: ZKRequest
    /// Submitted to the leader (writes and sync) rather than waiting to be served locally.
    var submitted: Bool
}

