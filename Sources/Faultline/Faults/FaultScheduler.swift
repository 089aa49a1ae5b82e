import FaultlineCore

/// A fault as it really happened in one run: when, to which nodes, and when it was undone.
public struct RealisedFault: Sendable {
    /// Position in the run's schedule.
    public var index: Int
    /// The spec with every target replaced by the nodes it hit, ready for a failure file.
    public var spec: FaultSpec
    public var start: SimTime
    /// When `for` (or the liveness phase) undid it; nil if it never was.
    public var end: SimTime?
    /// Nodes it hit, by name; empty when the role had no holder.
    public var nodes: [String]
    /// A short human form: "isolate n1 (primary)".
    public var summary: String
}

/// Applies a fault schedule to a cluster: timed faults as control events at their time,
/// triggered faults the moment their probe is reached, and each `for` as an undo event.
///
/// Control events are named "fault #i <action>" whatever the targets resolve to, and every
/// choice comes from the resolver's own stream, so a failure file that pins the targets
/// replays to the same trace hash.
final class FaultScheduler {
    let cluster: any SimulatedCluster
    let faults: [FaultSpec]
    var resolver: TargetResolver
    /// False once liveness began: late faults and undos do nothing.
    var active = true
    private(set) var realised: [RealisedFault] = []
    /// Links each fault cut, so its undo heals only those.
    private var cutLinks: [Int: [(NodeID, NodeID)]] = [:]

    init(cluster: any SimulatedCluster, faults: [FaultSpec]) {
        self.cluster = cluster; self.faults = faults
        resolver = TargetResolver(cluster: cluster, random: cluster.world.faultRandom.substream("targets"))
    }

    func install() {
        let world = cluster.world
        var pending: [Int] = []
        for (i, f) in faults.enumerated() {
            switch f.trigger {
            case .at(let t):
                world.scheduleAction(at: SimTime(nanoseconds: t.nanoseconds), named: "fault #\(i) \(f.action.rawValue)") { [unowned self] in fire(i) }
            case .probe:
                pending.append(i)
            }
        }
        guard !pending.isEmpty else { return }
        world.observeEveryEvent { [unowned self, unowned world] in
            guard active, !pending.isEmpty else { return }
            var k = 0
            while k < pending.count {
                let i = pending[k]
                guard case .probe(let probe, let count, let notBefore) = faults[i].trigger else { k += 1; continue }
                if world.now.sinceStart >= notBefore && world.coverage.count(probe) >= count {
                    pending.remove(at: k)
                    world.scheduleAction(at: world.now, named: "fault #\(i) \(faults[i].action.rawValue)") { [unowned self] in fire(i) }
                } else { k += 1 }
            }
        }
    }

    func fire(_ i: Int) {
        guard active else { return }
        let f = faults[i], world = cluster.world
        var realisedSpec = f
        var hit: [NodeID] = []
        let roleNote = f.target.filter { world.node(named: $0) == nil }.joined(separator: ",")
        switch f.action {
        case .isolate:
            hit = resolver.resolve(f.target)
            let others = cluster.servers.filter { !hit.contains($0) }
            cutAcross(i, hit, others)
        case .split:
            hit = resolver.minority(containing: resolver.resolve(f.target))
            cutAcross(i, hit, cluster.servers.filter { !hit.contains($0) })
        case .partition:
            var groups: [[NodeID]] = []
            for g in f.groups {
                let nodes = resolver.resolve(g).filter { n in !groups.contains { $0.contains(n) } }
                groups.append(nodes)
            }
            for a in 0..<groups.count { for b in (a + 1)..<max(a + 1, groups.count) { cutAcross(i, groups[a], groups[b]) } }
            hit = groups.flatMap { $0 }
            realisedSpec.groups = groups.map { $0.map(world.name(of:)) }
        case .bridge:
            var via = resolver.resolve(f.peer)
            if via.isEmpty { via = resolver.resolve(word: "any") }
            let rest = cluster.servers.filter { !via.contains($0) }
            let half = (rest.count + 1) / 2
            cutAcross(i, Array(rest.prefix(half)), Array(rest.dropFirst(half)))
            hit = via
            realisedSpec.peer = via.map(world.name(of:))
        case .oneWay:
            hit = resolver.resolve(f.target)
            let to = resolver.resolve(f.peer)
            for a in hit { for b in to where a != b && !world.network.isCut(from: a, to: b) { world.cut(from: a, to: b); cutLinks[i, default: []].append((a, b)) } }
            realisedSpec.peer = to.map(world.name(of:))
        case .heal:
            world.heal()
        case .crash:
            hit = resolver.resolve(f.target); hit.forEach(world.crash)
        case .restart:
            hit = f.target.isEmpty ? resolver.resolve(word: "crashed") : resolver.resolve(f.target); hit.forEach(world.restart)
        case .pause:
            hit = resolver.resolve(f.target); hit.forEach(world.pause)
        case .resume:
            hit = f.target.isEmpty ? resolver.resolve(word: "paused") : resolver.resolve(f.target); hit.forEach(world.resume)
        case .clockOffset:
            hit = resolver.resolve(f.target); for n in hit { world.setClockOffset(n, f.by!) }
        case .clockJump:
            hit = resolver.resolve(f.target); for n in hit { world.jumpClock(n, by: f.by!) }
        case .clockDrift:
            hit = resolver.resolve(f.target); for n in hit { world.setClockDrift(n, ppm: f.ppm!) }
        case .clog:
            hit = resolver.resolve(f.target)
            let until = world.now + (f.duration ?? .seconds(1))
            for a in hit { for b in world.allNodes where a != b { world.clog(from: a, to: b, until: until); world.clog(from: b, to: a, until: until) } }
        case .disk:
            hit = resolver.resolve(f.target).filter { cluster.applyDiskFault(f.diskFault!, to: $0) }
        }
        if f.action != .partition && f.action != .heal && f.action != .bridge { realisedSpec.target = hit.map(world.name(of:)) }
        if f.action == .restart || f.action == .resume { realisedSpec.target = f.target.isEmpty ? [] : hit.map(world.name(of:)) }
        let names = hit.map(world.name(of:))
        var verb = f.action.rawValue
        if let kind = f.diskFault { verb += " " + kind }
        if let by = f.by { verb += " by \(by)" }
        if let ppm = f.ppm { verb += " \(ppm)ppm" }
        if f.action == .oneWay { verb += " to " + realisedSpec.peer.joined(separator: ",") }
        if f.action == .bridge { verb += " via " + realisedSpec.peer.joined(separator: ",") }
        var summary = verb + (names.isEmpty || f.action == .bridge ? "" : " " + names.joined(separator: ","))
        if f.action == .partition { summary = verb + " " + realisedSpec.groups.map { $0.joined(separator: ",") }.joined(separator: " | ") }
        if !roleNote.isEmpty { summary += " (\(roleNote))" }
        if names.isEmpty && f.action.needsTarget { summary += ": no node held that role, skipped" }
        realised.append(RealisedFault(index: i, spec: realisedSpec, start: world.now, end: nil, nodes: names, summary: summary))
        if let d = f.duration, f.action.undoable, f.action != .clog {
            let slot = realised.count - 1
            world.scheduleAction(at: world.now + d, named: "undo fault #\(i) \(f.action.rawValue)") { [unowned self] in undo(slot, hit) }
        } else if f.action == .clog {
            realised[realised.count - 1].end = world.now + (f.duration ?? .seconds(1))
        } else if !f.action.undoable {
            realised[realised.count - 1].end = world.now
        }
    }

    func cutAcross(_ i: Int, _ a: [NodeID], _ b: [NodeID]) {
        let world = cluster.world
        for x in a { for y in b where x != y {
            if !world.network.isCut(from: x, to: y) { world.cut(from: x, to: y); cutLinks[i, default: []].append((x, y)) }
            if !world.network.isCut(from: y, to: x) { world.cut(from: y, to: x); cutLinks[i, default: []].append((y, x)) }
        } }
    }

    func undo(_ slot: Int, _ hit: [NodeID]) {
        guard active else { return }
        let world = cluster.world, i = realised[slot].index
        switch faults[i].action {
        case .isolate, .split, .partition, .bridge, .oneWay:
            for (a, b) in cutLinks[i] ?? [] where world.network.isCut(from: a, to: b) { world.heal(a, b) }
        case .crash: hit.forEach(world.restart)
        case .pause: hit.forEach(world.resume)
        case .clockDrift: for n in hit { world.setClockDrift(n, ppm: 0) }
        default: break
        }
        realised[slot].end = world.now
    }

    /// The liveness phase's first act: everything healed, restarted, resumed, clocks
    /// steadied. Faults still open end now.
    func endAll() {
        active = false
        let world = cluster.world
        world.heal()
        for n in world.allNodes {
            if world.status(of: n) == .paused { world.resume(n) }
            if world.status(of: n) == .crashed { world.restart(n) }
            if world.clock(of: n).driftPPM != 0 { world.setClockDrift(n, ppm: 0) }
        }
        for k in realised.indices where realised[k].end == nil { realised[k].end = world.now }
    }
}
