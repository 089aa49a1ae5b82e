import FaultlineCore
import FaultlineHistory
import FaultlineCheck
import FaultlineStorage

/// A textbook primary/backup set store (Alsberg and Day, 1976), the smallest system with a
/// real failover story: backups promote themselves when the primary falls silent, and the
/// `sync-acks` setting decides whether a write is acknowledged before it reached any backup
/// (async: an isolated primary loses acknowledged writes) or only once every backup has it.
///
/// Each server keeps its set in a log on its own disk (`PrimaryBackupStore`), appended before
/// the reply and fsynced on the next tick (like Redis's appendfsync everysec), and rebuilds
/// from it after a restart.
///
/// It is not a model of a product; it is the reference adapter that exercises the scenario
/// layer (validation, faults, phases, fuzz, shrink, replay, report, matrix) on its own and
/// shows, in one file, what a new system's adapter must provide.
public struct PrimaryBackupSystem: SystemAdapter {
    public init() {}
    public let name = "primary-backup"
    public let summary = "textbook primary/backup set store (reference system for the scenario layer)"
    public var presets: [PresetInfo] {
        [
            PresetInfo(name: "async", summary: "acknowledge on the primary alone; failover may lose acknowledged writes",
                       nodes: 3, nodeRange: 2...7, settings: [("sync-acks", .int(0))], promises: ["election-safety"]),
            PresetInfo(name: "sync", summary: "acknowledge once every backup has the write; no acknowledged write is lost while one server keeps running (memory only)",
                       nodes: 3, nodeRange: 2...7, settings: [("sync-acks", .string("all"))], promises: ["election-safety", "lost-writes"]),
        ]
    }
    public var settings: [SettingInfo] {
        [
            SettingInfo("sync-acks", .choice(["0", "1", "2", "3", "4", "5", "6", "all"]), default: .string("0"),
                        "backup acknowledgements a write waits for before the client hears OK"),
            SettingInfo("failover-timeout", .milliseconds, default: .int(1000), "silence after which a backup promotes itself"),
            SettingInfo("heartbeat-interval", .milliseconds, default: .int(100), "how often the primary heartbeats its backups"),
        ]
    }
    public var diskFaults: [String] { SimDiskFaultModes.names }
    /// `run --data-dir DIR` puts each server's log in DIR/<node>/pb.log (FileDisk).
    public var supportsDataDirectory: Bool { true }

    public let roles = ["primary", "backup"]
    public let mainRole = "primary"
    public let operations = ["add", "read"]
    public var checks: [CheckInfo] {
        [
            CheckInfo("lost-writes", "every acknowledged add is in the final read of its key"),
            CheckInfo("election-safety", "never two primaries that both think they are in the same epoch (checked at every step)"),
        ]
    }

    public func serverNames(for scenario: Scenario) -> [String] {
        (1...(scenario.nodes ?? preset(named: scenario.preset)?.nodes ?? 3)).map { "n\($0)" }
    }

    public func validate(_ scenario: Scenario) -> (path: String, message: String)? {
        let n = scenario.nodes ?? preset(named: scenario.preset)?.nodes ?? 3
        if let acks = scenario.setting("sync-acks", in: self)?.description, let k = Int(acks), k > n - 1 {
            return ("settings.sync-acks", "expected at most \(n - 1) (the backups of a \(n)-node cluster), got \(k)")
        }
        return nil
    }

    public func makeCluster(_ scenario: Scenario, seed: UInt64, dataDirectory: DataDirectory?) throws -> any SimulatedCluster {
        let n = scenario.nodes ?? preset(named: scenario.preset)?.nodes ?? 3
        let acksText = scenario.setting("sync-acks", in: self)?.description ?? "0"
        let config = PBConfig(
            servers: n, syncAcks: acksText == "all" ? n - 1 : Int(acksText) ?? 0,
            failoverTimeout: scenario.setting("failover-timeout", in: self)?.durationValue ?? .seconds(1),
            heartbeat: scenario.setting("heartbeat-interval", in: self)?.durationValue ?? .milliseconds(100))
        return try PBCluster(config: config, scenario: scenario, seed: seed, dataDirectory: dataDirectory)
    }
}

struct PBConfig {
    var servers: Int
    var syncAcks: Int
    var failoverTimeout: SimDuration
    var heartbeat: SimDuration
}

enum PBMessage: SimMessage {
    case add(op: Int, key: Int, value: Int64)
    case read(op: Int, key: Int)
    case reply(op: Int, ok: Bool, values: [Int64], error: String)
    case replicate(epoch: Int64, seq: Int, key: Int, value: Int64)
    case ack(epoch: Int64, seq: Int)
    case heartbeat(epoch: Int64, seq: Int)
    case syncRequest(epoch: Int64)
    case syncState(epoch: Int64, seq: Int, data: [[Int64]])
    case tick, writeTimeout(seq: Int), nextOp, opTimeout(op: Int), fsyncDone(SyncTicket)

    var summary: String {
        switch self {
        case .add(let op, let k, let v): return "ADD op=\(op) k\(k) \(v)"
        case .read(let op, let k): return "READ op=\(op) k\(k)"
        case .reply(let op, let ok, let vs, let e): return "REPLY op=\(op) \(ok ? "ok" : "err \(e)") n=\(vs.count)"
        case .replicate(let e, let s, let k, let v): return "REPLICATE epoch=\(e) seq=\(s) k\(k) \(v)"
        case .ack(let e, let s): return "ACK epoch=\(e) seq=\(s)"
        case .heartbeat(let e, let s): return "HEARTBEAT epoch=\(e) seq=\(s)"
        case .syncRequest(let e): return "SYNC epoch=\(e)"
        case .syncState(let e, let s, _): return "SYNCSTATE epoch=\(e) seq=\(s)"
        case .tick: return "tick"
        case .writeTimeout(let s): return "write-timeout seq=\(s)"
        case .nextOp: return "next-op"
        case .opTimeout(let op): return "op-timeout \(op)"
        case .fsyncDone(let t): return "fsync-done \(t.id)"
        }
    }
}

/// One server. Epochs are `round << 8 | node`, so two promotions never share an epoch.
final class PBServer: SimActor {
    let config: PBConfig
    var isPrimary = false
    var epoch: Int64 = 0
    var primary: NodeID?
    var data: [[Int64]]
    var seq = 0
    var lastHeard = LocalTime(nanoseconds: 0)
    /// Writes waiting for backup acks: seq -> (client, op, acks so far).
    var waiting: [(seq: Int, client: NodeID, op: Int, acks: [NodeID])] = []
    static let waitingMax = 1024

    /// True only for n1's first boot: the cluster starts with n1 as primary of epoch 1.
    let initialPrimary: Bool

    let store: PrimaryBackupStore

    init(config: PBConfig, keys: Int, initialPrimary: Bool, store: PrimaryBackupStore) {
        self.config = config
        self.initialPrimary = initialPrimary
        self.store = store
        data = Array(repeating: [], count: keys)
    }

    func handle(_ event: ActorEvent<PBMessage>, _ ctx: NodeContext<PBMessage>) {
        switch event {
        case .boot:
            // No disk: a restarted server comes back empty and resyncs from whoever leads.
            if initialPrimary { isPrimary = true; epoch = 1 << 8; primary = ctx.node; store.append("epoch \(epoch)") }
            // A restarted server rebuilds from its log and comes back as a backup of its epoch.
            else if let saved = store.load(keys: data.count) { epoch = saved.epoch; seq = saved.seq; data = saved.data; ctx.probe("pb.recovered") }
            lastHeard = ctx.now
            ctx.setTimer(after: config.heartbeat, .tick)
        case .timer(_, .fsyncDone(let ticket)):
            store.complete(ticket)
        case .timer(_, .tick):
            if let ticket = store.requestSync() { ctx.afterIO(ticket.latency, .fsyncDone(ticket)) }
            tick(ctx)
            ctx.setTimer(after: config.heartbeat, .tick)
        case .timer(_, .writeTimeout(let s)):
            if let i = waiting.firstIndex(where: { $0.seq == s }) {
                let w = waiting.remove(at: i)
                ctx.send(.reply(op: w.op, ok: false, values: [], error: "TIMEOUT waiting for backups"), to: w.client)
            }
        case .message(let m, let from):
            receive(m, from: from, ctx)
        default: break
        }
    }

    func tick(_ ctx: NodeContext<PBMessage>) {
        if isPrimary {
            for b in 0..<config.servers where b != ctx.node.index { ctx.send(.heartbeat(epoch: epoch, seq: seq), to: NodeID(b)) }
            return
        }
        // Stagger by node so the lowest live backup usually wins the race to promote.
        let patience = config.failoverTimeout + config.heartbeat * Int64(ctx.node.index)
        if ctx.now - lastHeard >= patience {
            ctx.probe("pb.promote")
            isPrimary = true
            epoch = ((epoch >> 8) + 1) << 8 | Int64(ctx.node.index)
            primary = ctx.node
            ctx.note("promoted to primary epoch=\(epoch)")
            store.append("epoch \(epoch)")
            for b in 0..<config.servers where b != ctx.node.index { ctx.send(.heartbeat(epoch: epoch, seq: seq), to: NodeID(b)) }
        }
    }

    func receive(_ m: PBMessage, from: NodeID, _ ctx: NodeContext<PBMessage>) {
        switch m {
        case .add(let op, let key, let value):
            guard isPrimary else { ctx.send(.reply(op: op, ok: false, values: [], error: "NOTPRIMARY"), to: from); return }
            guard waiting.count < PBServer.waitingMax else { ctx.send(.reply(op: op, ok: false, values: [], error: "BUSY"), to: from); return }
            seq += 1
            data[key].append(value)
            store.append("add \(seq) \(key) \(value)")
            for b in 0..<config.servers where b != ctx.node.index {
                ctx.send(.replicate(epoch: epoch, seq: seq, key: key, value: value), to: NodeID(b))
            }
            if config.syncAcks == 0 {
                ctx.send(.reply(op: op, ok: true, values: [], error: ""), to: from)
            } else {
                waiting.append((seq, from, op, []))
                ctx.setTimer(after: config.failoverTimeout, .writeTimeout(seq: seq))
            }
        case .read(let op, let key):
            guard isPrimary else { ctx.send(.reply(op: op, ok: false, values: [], error: "NOTPRIMARY"), to: from); return }
            ctx.send(.reply(op: op, ok: true, values: data[key], error: ""), to: from)
        case .replicate(let e, let s, let key, let value):
            guard adopt(e, from: from, ctx) else { return }
            if s == seq + 1 {
                seq = s; data[key].append(value)
                store.append("add \(s) \(key) \(value)")
                ctx.send(.ack(epoch: e, seq: s), to: from)
            }
            else if s > seq + 1 { ctx.send(.syncRequest(epoch: e), to: from) }
        case .ack(let e, let s):
            guard isPrimary, e == epoch, let i = waiting.firstIndex(where: { $0.seq == s }) else { return }
            if !waiting[i].acks.contains(from) { waiting[i].acks.append(from) }
            if waiting[i].acks.count >= config.syncAcks {
                let w = waiting.remove(at: i)
                ctx.send(.reply(op: w.op, ok: true, values: [], error: ""), to: w.client)
            }
        case .heartbeat(let e, let s):
            guard adopt(e, from: from, ctx) else { return }
            if s != seq { ctx.send(.syncRequest(epoch: e), to: from) }
        case .syncRequest(let e):
            if isPrimary && e == epoch { ctx.send(.syncState(epoch: epoch, seq: seq, data: data), to: from) }
        case .syncState(let e, let s, let d):
            guard adopt(e, from: from, ctx) else { return }
            ctx.probe("pb.full-resync")
            seq = s; data = d
            store.rewrite(epoch: epoch, seq: seq, data: data)
        default: break
        }
    }

    /// Follows a primary of `e` if that epoch is at least ours; false to ignore the message.
    func adopt(_ e: Int64, from: NodeID, _ ctx: NodeContext<PBMessage>) -> Bool {
        if e < epoch { return false }
        if e > epoch || primary != from {
            if isPrimary {
                ctx.probe("pb.step-down")
                ctx.note("stepping down: epoch \(e) is newer than \(epoch)")
                for w in waiting { ctx.send(.reply(op: w.op, ok: false, values: [], error: "STEPPED DOWN"), to: w.client) }
                waiting = []
            }
            let wasPrimary = isPrimary
            isPrimary = false; epoch = e; primary = from
            store.append("epoch \(e)")
            lastHeard = ctx.now
            // A deposed primary may hold writes nobody else has: it resyncs from scratch.
            if wasPrimary || seq > 0 { ctx.send(.syncRequest(epoch: e), to: from) }
            return true
        }
        lastHeard = ctx.now
        return true
    }

    func checkInvariants() {
        precondition(waiting.count <= PBServer.waitingMax)
        precondition(!isPrimary || primary != nil)
    }
}

/// A client process: one operation at a time against the server it believes is primary.
final class PBClient: SimActor {
    let process: Int
    let servers: Int
    let spec: WorkloadSpec
    let recorder: PBHistoryRecorder
    var target = 0
    var inflight: (op: Int, f: String, key: Int, value: Int64, timer: TimerID)?
    var counter: Int64 = 0
    var stopped = false
    var finalReads = false
    var readKey = 0

    init(process: Int, servers: Int, spec: WorkloadSpec, recorder: PBHistoryRecorder) {
        self.process = process; self.servers = servers; self.spec = spec; self.recorder = recorder
    }

    func handle(_ event: ActorEvent<PBMessage>, _ ctx: NodeContext<PBMessage>) {
        switch event {
        case .boot:
            ctx.setTimer(after: spec.interval, .nextOp)
        case .timer(_, .nextOp):
            issue(ctx)
        case .timer(_, .opTimeout(let op)):
            guard let f = inflight, f.op == op else { return }
            complete(.info, values: nil, ctx)
            ctx.disconnect(from: NodeID(target))
            target = (target + 1) % servers
        case .message(.reply(let op, let ok, let values, let error), _):
            guard let f = inflight, f.op == op else { return }
            ctx.cancelTimer(f.timer)
            if ok { complete(.ok, values: values, ctx) } else {
                // NOTPRIMARY and BUSY mean nothing was applied: a definite failure. A sync
                // timeout or a step-down left the add on the primary (and perhaps on some
                // backups): it may yet survive, so it is indeterminate.
                let definite = error == "NOTPRIMARY" || error == "BUSY"
                complete(definite ? .fail : .info, values: nil, ctx)
                target = (target + 1) % servers
            }
        case .disconnected(let peer):
            guard let f = inflight, peer.index == target else { return }
            ctx.cancelTimer(f.timer)
            complete(.info, values: nil, ctx)
            target = (target + 1) % servers
        default: break
        }
    }

    func issue(_ ctx: NodeContext<PBMessage>) {
        guard inflight == nil else { return }
        if stopped && !finalReads { ctx.setTimer(after: spec.interval, .nextOp); return }
        let op = recorder.nextOp()
        var f = "read", key: Int, value: Int64 = 0
        if finalReads {
            key = readKey; readKey = (readKey + 1) % spec.keys
        } else {
            key = ctx.random.index(spec.keys)
            let mix = spec.mix.isEmpty ? [("add", 3), ("read", 1)] : spec.mix.map { ($0.op, $0.weight) }
            var roll = Int(ctx.random.below(UInt64(mix.reduce(0) { $0 + $1.1 })))
            for (name, w) in mix { if roll < w { f = name; break }; roll -= w }
            if f == "add" { counter += 1; value = Int64(process) * 1_000_000 + counter }
        }
        let timer = ctx.setTimer(after: spec.timeout, .opTimeout(op: op))
        inflight = (op, f, key, value, timer)
        recorder.record(Operation(process: process, type: .invoke, f: f, key: "k\(key)", value: f == "add" ? .int(value) : .null,
                                  time: ctx.historyTime.nanoseconds), final: finalReads)
        ctx.send(f == "add" ? .add(op: op, key: key, value: value) : .read(op: op, key: key), to: NodeID(target))
    }

    func complete(_ type: OpType, values: [Int64]?, _ ctx: NodeContext<PBMessage>) {
        guard let f = inflight else { return }
        inflight = nil
        let value: Value = f.f == "add" ? .int(f.value) : (type == .ok ? .list((values ?? []).map { .int($0) }) : .null)
        recorder.record(Operation(process: process, type: type, f: f.f, key: "k\(f.key)", value: value,
                                  time: ctx.historyTime.nanoseconds, node: "n\(target + 1)"), final: finalReads)
        ctx.setTimer(after: spec.interval, .nextOp)
    }
}

/// Counts n1's boots, so only its first one starts as primary.
final class PBBootLog { var count = 0 }

/// The clients' shared history (one per cluster, written in event order).
final class PBHistoryRecorder {
    var history = History()
    var ops = 0
    /// History indexes of the final reads (the liveness phase's).
    var finalReadIndexes: [Int] = []
    func nextOp() -> Int { ops += 1; return ops }
    func record(_ op: Operation, final: Bool) {
        history.append(op)
        if final { finalReadIndexes.append(history.count - 1) }
    }
}

final class PBCluster: SimulatedCluster {
    let sim: Simulation<PBMessage>
    let config: PBConfig
    let spec: WorkloadSpec
    let recorder = PBHistoryRecorder()
    let servers: [NodeID]
    var clients: [NodeID] = []
    var agreedAt: SimTime?

    /// Each server's data directory, by server index; survives crashes.
    let stores: [PrimaryBackupStore]

    init(config: PBConfig, scenario: Scenario, seed: UInt64, dataDirectory: DataDirectory?) throws {
        self.config = config
        spec = scenario.workload
        var network = Network(defaultLatency: .uniform(scenario.network.latency.lowerBound, scenario.network.latency.upperBound))
        network.datagramFaults = DatagramFaults(drop: scenario.network.drop, duplicate: scenario.network.duplicate, reorder: scenario.network.reorder)
        let sim = Simulation<PBMessage>(seed: seed, network: network)
        self.sim = sim
        let keys = scenario.workload.keys
        let boots = PBBootLog()
        stores = try (0..<config.servers).map { i in
            let disk = SimDisk(random: SeededRandom(seed: seed, stream: "disk:n\(i + 1)"))
            try dataDirectory?.mirror(disk, node: "n\(i + 1)")
            return PrimaryBackupStore(disk: disk)
        }
        let stores = self.stores
        servers = (0..<config.servers).map { i in
            sim.addNode(name: "n\(i + 1)", make: { _ in
                boots.count += i == 0 ? 1 : 0
                return PBServer(config: config, keys: keys, initialPrimary: i == 0 && boots.count == 1, store: stores[i])
            }, onCrash: { _ in stores[i].crash() })
        }
        for p in 0..<scenario.workload.clients {
            let recorder = self.recorder, spec = self.spec, n = config.servers
            clients.append(sim.addNode(name: "c\(p + 1)") { _ in PBClient(process: p, servers: n, spec: spec, recorder: recorder) })
        }
        let servers = self.servers
        #if DEBUG
        // Each server's local invariants after every event (debug builds: tests and fuzzing).
        sim.addInvariant("pb.checkInvariants") { sim in
            for n in servers { sim.actor(n, as: PBServer.self)?.checkInvariants() }
            return nil
        }
        #endif
        sim.addInvariant("election-safety") { sim in
            var seen: [(Int64, NodeID)] = []
            for n in servers {
                guard let s = sim.actor(n, as: PBServer.self), s.isPrimary else { continue }
                if let other = seen.first(where: { $0.0 == s.epoch }) {
                    return "\(sim.name(of: other.1)) and \(sim.name(of: n)) are both primary in epoch \(s.epoch)"
                }
                seen.append((s.epoch, n))
            }
            return nil
        }
    }

    var world: any SimulationWorld { sim }
    var history: History { recorder.history }

    func nodes(inRole role: String) -> [NodeID] {
        servers.filter { n in
            guard let s = sim.actor(n, as: PBServer.self) else { return false }
            return role == "primary" ? s.isPrimary : !s.isPrimary
        }
    }

    func roleLabel(of node: NodeID) -> String {
        guard let s = sim.actor(node, as: PBServer.self) else { return "down" }
        return s.isPrimary ? "primary" : "backup"
    }

    func stopWorkload() {
        for c in clients { sim.actor(c, as: PBClient.self)?.stopped = true }
    }

    func applyDiskFault(_ kind: String, to node: NodeID) -> Bool {
        guard let i = servers.firstIndex(of: node) else { return false }
        return SimDiskFaultModes.apply(kind, to: stores[i].disk)
    }

    func beginLiveness() {
        for s in stores { SimDiskFaultModes.heal(s.disk) }
        // One client reads every key, over and over, until the servers agree.
        if let c = clients.first { sim.actor(c, as: PBClient.self)?.finalReads = true }
    }

    func convergence() -> String? {
        let primaries = nodes(inRole: "primary")
        guard primaries.count == 1, let p = sim.actor(primaries[0], as: PBServer.self) else {
            agreedAt = nil
            return "\(primaries.count) nodes think they are primary"
        }
        for n in servers where n != primaries[0] {
            guard let s = sim.actor(n, as: PBServer.self), s.epoch == p.epoch, s.seq == p.seq else {
                agreedAt = nil
                return "\(sim.name(of: n)) has not caught up with primary \(sim.name(of: primaries[0]))"
            }
        }
        if agreedAt == nil { agreedAt = sim.now }
        let fresh = Set(recorder.finalReadIndexes.compactMap { i -> String? in
            let op = recorder.history[i]
            return op.type == .ok && op.time >= agreedAt!.nanoseconds ? op.key : nil
        })
        return fresh.count >= spec.keys ? nil : "final reads: \(fresh.count) of \(spec.keys) keys read since the servers agreed"
    }

    func check(_ name: String) -> CheckResult {
        switch name {
        case "lost-writes": return lostWrites()
        case "election-safety":
            return CheckResult(name: name, passed: true, detail: "never two primaries in one epoch (checked after every event)")
        default:
            return CheckResult(name: name, passed: false, detail: "unknown check")
        }
    }

    /// Jepsen's set check per key (FaultlineCheck's SetLostWrites): every add acknowledged
    /// `ok` must be in the key's final read, no failed add may show up.
    func lostWrites() -> CheckResult {
        let h = recorder.history
        guard !recorder.finalReadIndexes.isEmpty else {
            return CheckResult(name: "lost-writes", passed: nil, detail: "no final read completed: cannot tell whether writes survived")
        }
        var (result, _) = IndependentKeys.check(h, name: "lost-writes") { (sub: History) throws(HistoryError) -> CheckResult in
            try SetLostWrites().check(sub)
        }
        let lost = result.figure("lost"), acked = result.figure("acknowledged")
        if result.passed == false, let op = result.evidence.first(where: { $0.f == "add" && $0.type == .ok }) {
            let read = result.evidence.last { $0.f == "read" && $0.type == .ok }
            result.detail = "\(lost) of \(acked) acknowledged adds lost; first: process \(op.process) added \(op.value) to \(op.key ?? "") "
                + "on \(op.node ?? "?") (ok at \(SimTime(nanoseconds: op.time))), but the final read"
                + (read.map { " #\($0.index) on \($0.node ?? "?")" } ?? "") + " does not hold it; "
                + "failed-but-present \(result.figure("failed-but-present")), unexpected \(result.figure("unexpected"))"
        } else if result.passed == true {
            result.detail = "all \(acked) acknowledged adds are in the final reads (\(result.figure("recovered")) indeterminate ones survived)"
        }
        return result
    }

    func nodeStates() -> [(node: String, state: String)] {
        servers.map { n in
            guard let s = sim.actor(n, as: PBServer.self) else { return (sim.name(of: n), "down") }
            return (sim.name(of: n), "\(s.isPrimary ? "primary" : "backup") epoch=\(s.epoch) seq=\(s.seq)")
        }
    }
}
