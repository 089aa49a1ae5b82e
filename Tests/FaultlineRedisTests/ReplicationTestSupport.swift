import FaultlineCore
@testable import FaultlineRedis

/// A test client that sends its commands one by one to one server, `interval` apart (or at
/// once after each reply when `interval` is zero), and keeps the replies.
final class ScriptedClient: SimActor {
    typealias Message = RedisMessage
    var script: [[String]]
    let target: NodeID
    let interval: SimDuration
    var replies: [RESPValue] = []
    var sent = 0
    init(target: NodeID, interval: SimDuration, script: [[String]]) {
        self.target = target; self.interval = interval; self.script = script
    }
    func handle(_ event: ActorEvent<RedisMessage>, _ ctx: NodeContext<RedisMessage>) {
        switch event {
        case .boot: ctx.setTimer(after: interval, .timer(.clientStep))
        case .timer(_, .timer(.clientStep)):
            guard sent < script.count else { return }
            ctx.send(.command(script[sent].map { Array($0.utf8) }), to: target)
            sent += 1
            ctx.setTimer(after: interval, .timer(.clientStep))
        case .message(.reply(let v), _): replies.append(v)
        default: break
        }
    }
}

/// A primary and `replicas` replicas (no Sentinel), plus a scripted client writing to the
/// primary: the setup of the replication stories.
struct ReplicationRig {
    let sim: Simulation<RedisMessage>
    let primary: NodeID
    let replicas: [NodeID]
    let client: NodeID
    let dirs: [RedisDataDir]

    init(seed: UInt64, replicas count: Int = 1, config: RedisConfig = RedisConfig(), script: [[String]],
         interval: SimDuration = .milliseconds(50), clientStart: SimDuration = .zero) {
        sim = Simulation(seed: seed)
        var book = RedisAddressBook()
        for i in 0...count { book.add(host: "redis-\(i + 1)", port: 6379, node: NodeID(i)) }
        var nodes: [NodeID] = []
        var dirs: [RedisDataDir] = []
        for i in 0...count {
            let dir = RedisDataDir(seed: seed, name: "redis-\(i + 1)"); dirs.append(dir)
            let name = "redis-\(i + 1)", b = book
            let of: (host: String, port: Int)? = i == 0 ? nil : ("redis-1", 6379)
            nodes.append(sim.addNode(name: name, make: { _ in RedisNode(host: name, config: config, book: b, dataDir: dir, replicaOf: of) },
                                     onCrash: { _ in dir.crash() }))
        }
        primary = nodes[0]; replicas = Array(nodes.dropFirst()); self.dirs = dirs
        let p = primary
        client = sim.addNode(name: "client", make: { _ in ScriptedClient(target: p, interval: interval, script: script) })
    }

    func node(_ id: NodeID) -> RedisNode { sim.actor(id, as: RedisNode.self)! }
    var scripted: ScriptedClient { sim.actor(client, as: ScriptedClient.self)! }
}

func writes(_ n: Int, prefix: String = "k", valueBytes: Int = 8) -> [[String]] {
    (0..<n).map { ["SET", "\(prefix)\($0)", String(repeating: "v", count: valueBytes)] }
}
