import FaultlineCore

/// The words a fault target may use, for one system and cluster shape: node names, the
/// adapter's roles, and the generic groups.
struct TargetVocabulary {
    static let generic = ["any", "all", "minority", "majority", "crashed", "paused"]
    let roles: [String]
    let servers: [String]

    init(adapter: any SystemAdapter, servers: [String]) {
        roles = adapter.roles; self.servers = servers
    }

    func check(_ name: String, file: String, path: String) throws {
        if TargetVocabulary.generic.contains(name) || roles.contains(name) || servers.contains(name) { return }
        throw ScenarioError(file: file, path: path, "unknown role or node \"\(name)\"; roles: " + roles.joined(separator: ", ")
                            + "; nodes: " + servers.joined(separator: ", ") + "; or " + TargetVocabulary.generic.joined(separator: ", "))
    }
}

/// Turns target words into nodes at the instant a fault fires, drawing any choice (which
/// follower, which minority) from its own substream of the run's `faults` stream, so aiming
/// a fault never shifts what the network or the models draw.
struct TargetResolver {
    let cluster: any SimulatedCluster
    var random: SeededRandom

    mutating func resolve(_ words: [String]) -> [NodeID] {
        var out: [NodeID] = []
        for w in words {
            for n in resolve(word: w) where !out.contains(n) { out.append(n) }
        }
        return out
    }

    mutating func resolve(word: String) -> [NodeID] {
        let world = cluster.world, servers = cluster.servers
        switch word {
        case "all": return servers
        case "any": return random.element(of: servers).map { [$0] } ?? []
        case "crashed": return servers.filter { world.status(of: $0) == .crashed }
        case "paused": return servers.filter { world.status(of: $0) == .paused }
        case "minority": return pick((servers.count - 1) / 2, from: servers)
        case "majority": return pick(servers.count / 2 + 1, from: servers)
        default:
            if let node = world.node(named: word) { return [node] }
            // A role: the node in it now; if several claim it, one of them.
            let holders = cluster.nodes(inRole: word)
            return random.element(of: holders).map { [$0] } ?? []
        }
    }

    mutating func pick(_ k: Int, from nodes: [NodeID]) -> [NodeID] {
        var pool = nodes
        random.shuffle(&pool)
        return Array(pool.prefix(k)).sorted()
    }

    /// A minority side of the servers that contains `members` (padded with others).
    mutating func minority(containing members: [NodeID]) -> [NodeID] {
        let servers = cluster.servers
        let size = max(members.count, (servers.count - 1) / 2)
        var side = members
        var rest = servers.filter { !members.contains($0) }
        random.shuffle(&rest)
        for n in rest where side.count < size { side.append(n) }
        return side.sorted()
    }
}
