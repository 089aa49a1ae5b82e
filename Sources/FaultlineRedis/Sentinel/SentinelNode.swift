import FaultlineCore

/// One redis-sentinel process monitoring one master (sentinel.c).
///
/// Files: this one holds the state, boot, the commands a Sentinel answers and the timer;
/// `Sentinel+Monitoring` the links, PING / INFO / hello, SDOWN and ODOWN; `Sentinel+Election`
/// is-master-down-by-addr, votes and the leader count; `Sentinel+Failover` the failover
/// state machine, replica selection and the switch to the promoted replica.
public final class SentinelNode: SimActor {
    public typealias Message = RedisMessage

    public let config: SentinelConfig
    let host: String
    let book: RedisAddressBook
    let configFile: SentinelConfigFile
    let initialMaster: (host: String, port: Int)

    /// `sentinel myid` and `current_epoch`.
    public internal(set) var myid = ""
    public internal(set) var currentEpoch: UInt64 = 0
    var master: SentinelInstance!
    var replicas: [SentinelInstance] = []
    var sentinels: [SentinelInstance] = []

    // The master's failover state (fields of the master's sentinelRedisInstance).
    var oDown = false
    var oDownSince: LocalTime?
    public internal(set) var configEpoch: UInt64 = 0
    /// This Sentinel's vote: the runid it voted for and in which epoch.
    var leader: String?
    public internal(set) var leaderEpoch: UInt64 = 0
    public internal(set) var failoverState: FailoverState = .none
    public internal(set) var failoverEpoch: UInt64 = 0
    var failoverStartTime: LocalTime?
    var failoverStateChangeTime: LocalTime?
    var promotedReplica: String?
    /// TILT mode (sentinelCheckTiltCondition): the timer ran late or the clock went back.
    public internal(set) var tilt = false
    var tiltStart: LocalTime?
    var previousTimerTime: LocalTime?
    /// Epochs in which this process won the election (+elected-leader): the observer's evidence.
    public internal(set) var electedEpochs: [UInt64] = []

    /// SENTINEL_FAILOVER_STATE_*.
    public enum FailoverState: Int, Sendable, Comparable {
        case none = 0, waitStart, selectSlave, sendSlaveofNoOne, waitPromotion, reconfSlaves, updateConfig
        public static func < (a: FailoverState, b: FailoverState) -> Bool { a.rawValue < b.rawValue }
    }

    /// A Sentinel named `host` monitoring `config.masterName` at `master` (its
    /// `sentinel monitor` line), keeping sentinel.conf in `configFile`.
    public init(host: String, config: SentinelConfig, book: RedisAddressBook, configFile: SentinelConfigFile,
                master: (host: String, port: Int)) {
        self.host = host; self.config = config; self.book = book; self.configFile = configFile
        self.initialMaster = master
    }

    /// Where this Sentinel believes the master is (sentinelGetCurrentMasterAddress: the
    /// promoted replica once the reconfiguration started).
    public var currentMasterAddress: (host: String, port: Int) {
        if failoverState >= .reconfSlaves, let p = promotedReplica, let r = replicas.first(where: { $0.address == p }) {
            return (r.host, r.port)
        }
        return (master.host, master.port)
    }
    /// The node at `currentMasterAddress`.
    public var currentMasterNode: NodeID? { book.lookup(host: currentMasterAddress.host, port: currentMasterAddress.port) }
    public var isMasterSubjectivelyDown: Bool { master.sDown }
    public var isMasterObjectivelyDown: Bool { oDown }
    public var knownSentinelCount: Int { sentinels.count }
    public var knownReplicaAddresses: [String] { replicas.map(\.address) }

    public func handle(_ event: ActorEvent<RedisMessage>, _ ctx: NodeContext<RedisMessage>) {
        switch event {
        case .boot:
            boot(ctx)
        case .message(.command(let argv), let from):
            if let reply = command(argv, ctx) { ctx.send(.reply(reply), to: from) }
        case .message(.reply(let value), let from):
            handleReply(value, from: from, ctx)
        case .message(.pubsubMessage(let channel, let payload), let from):
            withInstance(node: from) { $0.link.pcLastActivity = ctx.now }
            if channel == SentinelNode.helloChannel { processHello(payload, ctx) }
        case .message:
            break
        case .timer(_, .timer(.sentinelTimer)):
            sentinelTimer(ctx)
            // server.hz = CONFIG_DEFAULT_HZ + rand() % CONFIG_DEFAULT_HZ: desynchronises Sentinels.
            let hz = 10 + Int64(ctx.random.below(10))
            ctx.setTimer(after: .nanoseconds(1_000_000_000 / hz), .timer(.sentinelTimer))
        case .timer:
            break
        case .disconnected(let peer):
            withInstance(node: peer) { closeLink(&$0) }
        }
        checkInvariants()
    }

    static let helloChannel = "__sentinel__:hello"

    func boot(_ ctx: NodeContext<RedisMessage>) {
        let now = ctx.now
        if let saved = configFile.contents {
            myid = saved.myid
            currentEpoch = saved.currentEpoch
            configEpoch = saved.configEpoch
            leaderEpoch = saved.leaderEpoch
            master = SentinelInstance(kind: .master, host: saved.masterHost, port: saved.masterPort,
                                      node: book.lookup(host: saved.masterHost, port: saved.masterPort), now: now)
            for r in saved.knownReplicas { addReplica(address: r, now) }
            for s in saved.knownSentinels {
                let parts = s.split(separator: " ").map(String.init)
                guard parts.count == 3, let port = Int(parts[1]) else { continue }
                var si = SentinelInstance(kind: .sentinel, host: parts[0], port: port, node: book.lookup(host: parts[0], port: port), now: now)
                si.runid = parts[2]
                sentinels.append(si)
            }
        } else {
            myid = RedisNode.randomHex40(&ctx.random)
            master = SentinelInstance(kind: .master, host: initialMaster.host, port: initialMaster.port,
                                      node: book.lookup(host: initialMaster.host, port: initialMaster.port), now: now)
            flushConfig()
        }
        ctx.setTimer(after: .milliseconds(100), .timer(.sentinelTimer))
    }

    /// sentinelFlushConfig: rewrite and fsync sentinel.conf.
    func flushConfig() {
        configFile.contents = SentinelConfigFile.Contents(
            myid: myid, currentEpoch: currentEpoch, masterHost: master.host, masterPort: master.port,
            configEpoch: configEpoch, leaderEpoch: leaderEpoch, knownReplicas: replicas.map(\.address),
            knownSentinels: sentinels.map { "\($0.host) \($0.port) \($0.runid ?? "")" })
        configFile.rewrites += 1
    }

    /// The commands a Sentinel answers: PING, ROLE, PUBLISH on the hello channel,
    /// SENTINEL get-master-addr-by-name / is-master-down-by-addr / masters-like queries.
    func command(_ argv: [[UInt8]], _ ctx: NodeContext<RedisMessage>) -> RESPValue? {
        switch argv.word(0) {
        case "ping": return .simpleString("PONG")
        case "role": return .array([.bulk("sentinel"), .array([.bulk(config.masterName)])])
        case "publish":
            guard argv.count == 3 else { return .error("ERR wrong number of arguments for 'publish' command") }
            guard argv.text(1) == SentinelNode.helloChannel else { return .error("ERR Only HELLO messages are accepted by Sentinel instances.") }
            processHello(argv.text(2), ctx)
            return .integer(1)
        case "sentinel":
            switch argv.word(1) {
            case "get-master-addr-by-name":
                guard argv.count == 3 else { return .error("ERR wrong number of arguments for 'sentinel|get-master-addr-by-name' command") }
                guard argv.text(2) == config.masterName else { return .array(nil) }
                let a = currentMasterAddress
                return .array([.bulk(a.host), .bulk(String(a.port))])
            case "is-master-down-by-addr":
                return isMasterDownByAddr(argv, ctx)
            case "ckquorum":
                let usable = 1 + sentinels.filter { !$0.sDown && !$0.link.disconnected }.count
                let voters = sentinels.count + 1
                if usable < config.quorum { return .error("NOQUORUM \(usable) usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master") }
                if usable < voters / 2 + 1 { return .error("NOQUORUM \(usable) usable Sentinels. Not enough available Sentinels to reach the majority and authorize a failover") }
                return .simpleString("OK \(usable) usable Sentinels. Quorum and failover authorization can be reached")
            default:
                return .error("ERR unknown subcommand '\(argv.text(1))'. Try SENTINEL HELP.")
            }
        default:
            return .error("ERR unknown command '\(argv.text(0))', with args beginning with: ")
        }
    }

    public func checkInvariants() {
        precondition(leaderEpoch <= currentEpoch, "a vote is never for a future epoch")
        precondition(failoverState == .none || failoverEpoch <= currentEpoch, "the failover epoch is a past or current epoch")
        precondition(configEpoch <= currentEpoch || currentEpoch == 0 || configEpoch <= currentEpoch, "config epochs come from epochs")
        precondition(failoverState != .none || promotedReplica == nil, "a promoted replica only during a failover")
        for s in [master!] + replicas + sentinels { precondition(s.link.pending.count <= config.maxPendingCommands * 3 + 8, "pending commands are bounded") }
    }

    // MARK: instances

    func addReplica(address: String, _ now: LocalTime) {
        guard !replicas.contains(where: { $0.address == address }), address != master.address else { return }
        let parts = address.split(separator: ":").map(String.init)
        guard parts.count == 2, let port = Int(parts[1]) else { return }
        replicas.append(SentinelInstance(kind: .replica, host: parts[0], port: port, node: book.lookup(host: parts[0], port: port), now: now))
    }

    /// Runs `body` on the instance (master, replica or Sentinel) living at `node`.
    func withInstance(node: NodeID, _ body: (inout SentinelInstance) -> Void) {
        if master.node == node { body(&master); return }
        if let i = replicas.firstIndex(where: { $0.node == node }) { body(&replicas[i]); return }
        if let i = sentinels.firstIndex(where: { $0.node == node }) { body(&sentinels[i]) }
    }
}
