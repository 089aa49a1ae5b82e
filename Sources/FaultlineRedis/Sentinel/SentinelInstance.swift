import FaultlineCore

/// What a Sentinel sent on a link and still waits an answer for, oldest first (hiredis
/// matches replies to callbacks in order).
enum SentinelPending: Sendable, Hashable {
    case ping, info, publish, subscribe, isMasterDown, discard
}

/// The command and Pub/Sub links to one instance (instanceLink). The model has one
/// connection per pair of nodes, so both links share it; their bookkeeping is kept apart.
struct SentinelLink: Sendable {
    var disconnected = true
    var pending: [SentinelPending] = []
    /// act_ping_time: when the oldest unanswered PING was sent (nil: none pending).
    var actPingTime: LocalTime?
    var lastPingTime: LocalTime?
    var lastPongTime: LocalTime
    var lastAvailTime: LocalTime
    var connTime: LocalTime
    var subscribed = false
    var pcLastActivity: LocalTime

    init(now: LocalTime) {
        actPingTime = now; lastPongTime = now; lastAvailTime = now; connTime = now; pcLastActivity = now
    }
}

/// A monitored master, one of its replicas, or another Sentinel (sentinelRedisInstance).
struct SentinelInstance: Sendable {
    enum Kind: Sendable, Hashable { case master, replica, sentinel }
    var kind: Kind
    var host: String
    var port: Int
    var node: NodeID?
    var runid: String?
    var link: SentinelLink

    var sDown = false
    var sDownSince: LocalTime?
    var infoRefresh: LocalTime?
    var roleReported: Kind
    var roleReportedTime: LocalTime
    var lastPubTime: LocalTime?

    // From a replica's INFO.
    var replicaMasterHost: String?
    var replicaMasterPort = 0
    var replicaMasterLinkUp = false
    var replicaConfChangeTime: LocalTime
    var replicaPriority = 100
    var replicaReplOffset: Int64 = 0
    /// master_link_down_since_seconds, in ms.
    var masterLinkDownTimeMs: Int64 = 0

    // Failover flags of a replica.
    var promoted = false
    var reconfSent = false
    var reconfInProgress = false
    var reconfDone = false
    var reconfSentTime: LocalTime?

    // Another Sentinel's answers to is-master-down-by-addr.
    var masterDown = false
    var lastMasterDownReplyTime: LocalTime?
    var leader: String?
    var leaderEpoch: UInt64 = 0
    var lastHelloTime: LocalTime?

    init(kind: Kind, host: String, port: Int, node: NodeID?, now: LocalTime) {
        self.kind = kind; self.host = host; self.port = port; self.node = node
        link = SentinelLink(now: now)
        roleReported = kind; roleReportedTime = now; replicaConfChangeTime = now
    }

    var address: String { "\(host):\(port)" }
}
