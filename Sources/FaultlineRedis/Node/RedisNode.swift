import FaultlineCore
import FaultlineStorage

/// One redis-server process: a primary or a replica, with its dataset, its replication
/// state and its clients, acting only through its `NodeContext`.
///
/// Files: this one holds the state and the command dispatch (role errors included);
/// `RedisNode+ServerCommands` INFO, ROLE, REPLICAOF, WAIT, MULTI/EXEC, CLIENT KILL and Pub/Sub;
/// `Replication/RedisNode+Primary` the primary's side (PSYNC, full sync, the stream, ACKs,
/// min-replicas); `Replication/RedisNode+Replica` the replica's (handshake, applying the
/// stream, REPLCONF ACK, repl-timeout); `Persistence/RedisNode+Persistence` AOF and snapshots.
public final class RedisNode: SimActor {
    public typealias Message = RedisMessage

    /// Unix milliseconds at local time zero: absolute expiries look like real ones.
    public static let unixEpochOffsetMs: Int64 = 1_767_225_600_000

    public internal(set) var config: RedisConfig
    let host: String
    let book: RedisAddressBook
    let dataDir: RedisDataDir?
    /// The `replicaof` line of redis.conf: where the node replicates from at boot. Read from
    /// the data directory's redis.conf when it has one; the constructor's value otherwise.
    var configuredMaster: (host: String, port: Int)?

    /// `run_id`: 40 hex characters, new at every start.
    public internal(set) var runID = ""
    public internal(set) var keyspace = RedisKeyspace()
    /// `master_replid` / `master_replid2` / `master_repl_offset` / `second_repl_offset`.
    public internal(set) var replid = ""
    public internal(set) var replid2 = RedisNode.zeroReplid
    public internal(set) var masterReplOffset: Int64 = 0
    public internal(set) var secondReplOffset: Int64 = -1
    var backlog: ReplicationBacklog?
    /// The stream's next command must be preceded by SELECT (server.slaveseldb == -1).
    var streamNeedsSelect = true

    // The primary's side.
    var replicas: [ReplicaLink] = []
    /// Ports announced by REPLCONF listening-port before PSYNC, by peer.
    var announcedPorts: [(node: NodeID, port: Int)] = []
    public internal(set) var goodReplicasCount = 0
    var disklessSyncScheduled = false
    var noReplicasSince: LocalTime?
    var cronLoops: Int64 = 0

    // The replica's side: nil while a primary.
    public internal(set) var masterLink: MasterLink?
    /// The replica can PSYNC with its replid and offset: it synced before, or it was a
    /// primary (replicationCacheMasterUsingMyself). Otherwise it sends PSYNC ? -1.
    var cachedMasterUsable = false

    // Clients.
    var blockedWaits: [BlockedWait] = []
    var nextWaitID: UInt64 = 1
    /// The offset after each client's last write (c->woff), for WAIT.
    var clientWriteOffset: [NodeID: Int64] = [:]
    /// Peers that issued ordinary commands (CLIENT KILL TYPE normal closes them).
    var normalClients: [NodeID] = []
    var multiQueues: [NodeID: [[[UInt8]]]] = [:]
    var subscribers: [(node: NodeID, channel: String)] = []

    // Persistence: this incarnation's engines over the data directory's disk.
    var aof: AppendOnlyFile<SimDisk>?
    /// dump.rdb, replaced atomically by each save.
    var rdb: CheckpointFile<SimDisk>?
    var pendingIO: [(id: UInt64, sync: PendingSync, owner: IOOwner)] = []
    var nextIOID: UInt64 = 0
    /// Replies waiting for their write's fsync (appendfsync always), oldest first.
    var heldReplies: [(mark: UInt64, client: NodeID, reply: RESPValue)] = []
    /// The AOF mark of the write being executed (set by `propagate`).
    var replyMark: UInt64?
    var snapshotInProgress = false
    var dirtySinceSave: Int64 = 0
    var lastSave = LocalTime(nanoseconds: 0)
    var lastFsync = LocalTime(nanoseconds: 0)

    static let zeroReplid = String(repeating: "0", count: 40)

    /// A node named `host` (its node name), configured by `config`, with its data directory
    /// (nil: nothing survives a crash) and an optional `replicaof` from its redis.conf.
    public init(host: String, config: RedisConfig, book: RedisAddressBook, dataDir: RedisDataDir?,
                replicaOf: (host: String, port: Int)? = nil) {
        self.host = host; self.config = config; self.book = book; self.dataDir = dataDir
        self.configuredMaster = replicaOf
    }

    /// True while this node replicates from another.
    public var isReplica: Bool { masterLink != nil }
    /// The node's local time as Redis's `mstime()` in unix milliseconds.
    func unixMs(_ ctx: NodeContext<RedisMessage>) -> Int64 { RedisNode.unixEpochOffsetMs + ctx.now.milliseconds }

    public func handle(_ event: ActorEvent<RedisMessage>, _ ctx: NodeContext<RedisMessage>) {
        switch event {
        case .boot:
            boot(ctx)
        case .message(.command(let argv), let from):
            if let link = masterLink, link.node == from, link.state == .connected {
                applyStreamCommand(argv, ctx)
            } else {
                processCommand(argv, from: from, ctx)
            }
        case .message(.reply(let value), let from):
            if let link = masterLink, link.node == from { handleMasterReply(value, ctx) }
        case .message(.rdbPayload(let payload), let from):
            if let link = masterLink, link.node == from, link.state == .transfer { loadRDBPayload(payload, ctx) }
        case .message(.pubsubMessage, _):
            break
        case .message(.timer, _):
            break
        case .timer(_, .timer(let t)):
            handleTimer(t, ctx)
        case .timer:
            break
        case .disconnected(let peer):
            connectionClosed(peer, ctx)
        }
        checkInvariants()
    }

    func boot(_ ctx: NodeContext<RedisMessage>) {
        runID = RedisNode.randomHex40(&ctx.random)
        replid = RedisNode.randomHex40(&ctx.random)
        loadConfigFileAtBoot(ctx)
        loadDataAtBoot(ctx)
        lastSave = ctx.now; lastFsync = ctx.now
        noReplicasSince = ctx.now
        if let m = configuredMaster { setMaster(host: m.host, port: m.port, ctx, atBoot: true) }
        ctx.setTimer(after: .seconds(1), .timer(.replicationCron))
    }

    func handleTimer(_ t: RedisTimer, _ ctx: NodeContext<RedisMessage>) {
        switch t {
        case .replicationCron:
            replicationCron(ctx)
            persistenceCron(ctx)
            ctx.setTimer(after: .seconds(1), .timer(.replicationCron))
        case .waitTimeout(let id):
            waitTimedOut(id, ctx)
        case .disklessSyncStart:
            startBgsaveForReplication(ctx)
        case .ioDone(let id):
            ioDone(id, ctx)
        default:
            break
        }
    }

    func connectionClosed(_ peer: NodeID, _ ctx: NodeContext<RedisMessage>) {
        if let link = masterLink, link.node == peer { masterLinkBroken(ctx, reason: "connection lost") }
        if let i = replicas.firstIndex(where: { $0.node == peer }) {
            replicas.remove(at: i)
            ctx.probe("redis.replica-disconnected")
            if replicas.isEmpty { noReplicasSince = ctx.now }
            refreshGoodReplicasCount(ctx)
        }
        announcedPorts.removeAll { $0.node == peer }
        subscribers.removeAll { $0.node == peer }
        normalClients.removeAll { $0 == peer }
        multiQueues[peer] = nil
        clientWriteOffset[peer] = nil
        blockedWaits.removeAll { $0.client == peer }
        heldReplies.removeAll { $0.client == peer }
    }

    // MARK: commands

    /// processCommand(): server commands first, then the role checks real Redis makes before
    /// calling a write (-NOREPLICAS, -READONLY), then the data command itself.
    func processCommand(_ argv: [[UInt8]], from peer: NodeID, _ ctx: NodeContext<RedisMessage>) {
        guard !argv.isEmpty else { return }
        let name = argv.word(0)
        if !["replconf", "psync", "sync"].contains(name), !normalClients.contains(peer) {
            normalClients.append(peer); normalClients.sort()
        }
        if multiQueues[peer] != nil, !["exec", "discard", "multi"].contains(name) {
            multiQueues[peer]!.append(argv)
            ctx.send(.reply(.simpleString("QUEUED")), to: peer)
            return
        }
        if let reply = serverCommand(name, argv, from: peer, ctx) {
            if case .some(let value) = reply { sendReply(value, to: peer, ctx) }
            return
        }
        replyMark = nil
        let reply = dataCommand(argv, from: peer, ctx)
        sendReply(reply, to: peer, ctx)
    }

    /// A reply waits behind the fsync of its own write (appendfsync always) and behind any
    /// earlier reply to the same client still waiting, so a connection's replies stay in order.
    func sendReply(_ reply: RESPValue, to peer: NodeID, _ ctx: NodeContext<RedisMessage>) {
        let behind = heldReplies.last { $0.client == peer }?.mark
        if let mark = replyMark ?? behind {
            heldReplies.append((max(mark, behind ?? 0), peer, reply))
            assert(heldReplies.count <= 100_000, "held replies are bounded by writes in flight")
            replyMark = nil
            return
        }
        ctx.send(.reply(reply), to: peer)
    }

    /// A data command with the role checks; returns the reply.
    func dataCommand(_ argv: [[UInt8]], from peer: NodeID, _ ctx: NodeContext<RedisMessage>) -> RESPValue {
        let isWrite = RedisCommands.isWrite(argv.word(0))
        if isWrite, !isReplica, config.minReplicasToWrite > 0, config.minReplicasMaxLag > 0,
           goodReplicasCount < config.minReplicasToWrite {
            ctx.probe("redis.noreplicas")
            return .error("NOREPLICAS Not enough good replicas to write.")
        }
        if isWrite, isReplica, config.replicaReadOnly {
            ctx.probe("redis.readonly")
            return .error("READONLY You can't write against a read only replica.")
        }
        if let link = masterLink, link.state != .connected, !config.replicaServeStaleData,
           !["info", "ping", "replicaof", "slaveof", "role"].contains(argv.word(0)) {
            return .error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")
        }
        let now = unixMs(ctx)
        let result = runWatchdogScript(argv, nowMs: now)
            ?? RedisCommands.execute(argv, in: &keyspace, nowMs: now, isReplica: isReplica)
        if !result.propagate.isEmpty {
            propagate(result.propagate, ctx)
            clientWriteOffset[peer] = masterReplOffset
        }
        return result.reply
    }

    /// propagate(): a write's effects go to the AOF and, on a primary, to the replication
    /// stream (backlog and replicas).
    func propagate(_ commands: [[[UInt8]]], _ ctx: NodeContext<RedisMessage>) {
        dirtySinceSave += Int64(commands.count)
        replyMark = appendToAOF(commands, ctx)
        if !isReplica { feedReplicationStream(commands, ctx) }
    }

    public func checkInvariants() {
        precondition(replid.utf8.count == 40 || replid.isEmpty, "replid is 40 characters")
        precondition(masterReplOffset >= 0, "offsets never go negative")
        if let b = backlog {
            precondition(b.histlen <= b.sizeLimit, "the backlog stays within repl-backlog-size")
            precondition(b.firstByteOffset + b.histlen == masterReplOffset + 1, "the backlog ends at master_repl_offset")
        }
        precondition(secondReplOffset == -1 || replid2 != RedisNode.zeroReplid, "second offset only with a replid2")
        precondition(masterLink == nil || blockedWaits.isEmpty, "a replica has no clients blocked in WAIT")
        for r in replicas { precondition(r.ackOffset <= masterReplOffset, "a replica cannot ack beyond the stream") }
    }

    static func randomHex40(_ random: inout SeededRandom) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(40)
        for _ in 0..<40 { s.append(digits[Int(random.below(16))]) }
        return s
    }
}

/// A replica as its primary sees it (a `client` with CLIENT_SLAVE in Redis).
public struct ReplicaLink: Sendable, Hashable {
    /// SLAVE_STATE_WAIT_BGSAVE_START / SEND_BULK (snapshot sent, waiting for the first
    /// ACK) / ONLINE.
    public enum State: String, Sendable, Hashable { case waitBgsave = "wait_bgsave", sendBulk = "send_bulk", online }
    public var node: NodeID
    public var listeningPort: Int
    public var state: State
    /// `repl_ack_off` and `repl_ack_time`.
    public var ackOffset: Int64
    public var ackTime: LocalTime
}

/// The replica's link to its primary (server.masterhost, server.repl_state, server.master).
public struct MasterLink: Sendable, Hashable {
    /// REPL_STATE_CONNECT ... REPL_STATE_CONNECTED, collapsed to the steps that matter.
    public enum State: String, Sendable, Hashable {
        case connect, connecting, receivePong = "receive_pong", receiveReplconf = "receive_replconf",
             receivePsync = "receive_psync", transfer, connected
    }
    public var host: String
    public var port: Int
    public var node: NodeID?
    public var state: State
    /// Replies still expected during the handshake.
    var pendingReplies: Int = 0
    /// `lastinteraction`: the last byte from the primary.
    public var lastInteraction: LocalTime
    /// When the handshake or transfer began (repl_transfer_lastio), for repl-timeout.
    public var handshakeStart: LocalTime
    /// `repl_down_since`.
    public var downSince: LocalTime?
}

/// A client blocked in WAIT.
struct BlockedWait: Sendable, Hashable {
    var id: UInt64
    var client: NodeID
    var numReplicas: Int
    var targetOffset: Int64
    var timer: TimerID?
}
