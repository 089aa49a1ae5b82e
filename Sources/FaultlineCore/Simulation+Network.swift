/// Sending, connections and partitions: what the network does to messages.
///
/// Connections behave like TCP: opened on first send when both directions are up and the
/// peer's process runs; reliable and FIFO per direction while they last. A cut in either
/// direction breaks the connection silently (in-flight messages are lost, neither end is
/// told); a crash or a close reaches the other end as `.disconnected` (the kernel's FIN or
/// RST); a send on a dead socket after the partition healed draws an RST, so the sender
/// hears `.disconnected` then. Connecting to a crashed process is refused the same way.
///
/// A connect across a cut hangs as Linux's does: the SYN is retransmitted 1, 3, 7, 15, 31
/// and 63 s after the first (tcp_syn_retries 6, initial RTO 1 s) and the connect fails with
/// ETIMEDOUT at 127 s. The first retransmission after the heal connects, and what the end
/// sent meanwhile (a client library's output buffer) follows in order, unless the end gave
/// up first (`disconnect`) or crashed.
extension Simulation {
    /// When the kernel retransmits the SYN of a hung connect, after the first; it gives up
    /// (ETIMEDOUT) at `synGiveUp`.
    static var synRetransmissions: [SimDuration] { [1, 3, 7, 15, 31, 63].map { SimDuration.seconds($0) } }
    static var synGiveUp: SimDuration { .seconds(127) }

    /// When step `step` of a hung connect by `a` happens, counted from its first SYN: the
    /// retransmissions before the give-up, then the give-up itself (the kernel's, or the
    /// process's connect timeout if shorter). Returns nil past the give-up.
    func hungConnectStep(_ step: Int, of a: NodeID) -> (after: SimDuration, givesUp: Bool)? {
        let giveUp = min(Self.synGiveUp, nodes[a.index].connectTimeout ?? Self.synGiveUp)
        let retransmissions = Self.synRetransmissions.prefix { $0 < giveUp }
        if step < retransmissions.count { return (retransmissions[step], false) }
        return step == retransmissions.count ? (giveUp, true) : nil
    }

    @usableFromInline static func connectBufferKey(_ a: NodeID, _ b: NodeID) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: a.index)) << 32 | UInt64(UInt32(truncatingIfNeeded: b.index))
    }

    @inlinable func send(_ message: Message, from a: NodeID, to b: NodeID) {
        precondition(a != b, "a node does not send to itself over the network")
        if nodes[a.index].status == .crashed { return }
        let l = network.link(a, b), p = network.pair(a, b)
        if network.connecting[l] {
            connectBuffers[Self.connectBufferKey(a, b), default: []].append(message)
            return
        }
        if network.endDead[l] {
            _messagesLost &+= 1
            // Healed: the peer's kernel answers the stale socket's segment with an RST.
            if network.canConnect(a, b) && nodes[b.index].status != .crashed {
                notifyDisconnected(a, peer: b, after: roundTrip(a, b))
            }
            return
        }
        if !network.open[p] {
            guard network.canConnect(a, b) else {
                // The SYN goes nowhere: the connect hangs, retransmitting.
                startHungConnect(a, b, message)
                return
            }
            if nodes[b.index].status == .crashed {
                // Refused; the socket stays unusable until the sender has heard so.
                _messagesLost &+= 1
                notifyDisconnected(a, peer: b, after: roundTrip(a, b))
                return
            }
            network.generation[p] &+= 1
            network.open[p] = true
            // The peer's own end is not revived here: an old socket of its that died stays
            // dead until it hears so or accepts a message on this connection (dispatch).
            network.lastArrival[l] = .zero
            network.lastArrival[network.link(b, a)] = .zero
        }
        var arrival = now + network.latency(from: a, to: b).draw(&networkRandom)
        if arrival < network.lastArrival[l] { arrival = network.lastArrival[l] }
        if arrival < network.clogUntil[l] { arrival = network.clogUntil[l] }
        network.lastArrival[l] = arrival
        queue.push(.deliver(from: a, to: b, generation: network.generation[p], message: message), at: arrival)
    }

    func sendDatagram(_ message: Message, from a: NodeID, to b: NodeID) {
        if nodes[a.index].status == .crashed { return }
        let faults = network.datagramFaults
        let l = network.link(a, b)
        if network.cut[l] || networkRandom.chance(faults.drop) { _messagesLost &+= 1; return }
        let copies = networkRandom.chance(faults.duplicate) ? 2 : 1
        for _ in 0..<copies {
            var arrival = now + network.latency(from: a, to: b).draw(&networkRandom)
            if networkRandom.chance(faults.reorder) {
                arrival += networkRandom.duration(in: .zero...faults.reorderDelayMax)
            }
            if arrival < network.clogUntil[l] { arrival = network.clogUntil[l] }
            queue.push(.datagram(from: a, to: b, message: message), at: arrival)
        }
    }

    @usableFromInline func startHungConnect(_ a: NodeID, _ b: NodeID, _ message: Message) {
        let l = network.link(a, b)
        network.connecting[l] = true
        network.connectToken[l] &+= 1
        network.connectStart[l] = now
        connectBuffers[Self.connectBufferKey(a, b)] = [message]
        scheduleHungConnectStep(0, a, b)
    }

    func scheduleHungConnectStep(_ step: Int, _ a: NodeID, _ b: NodeID) {
        let l = network.link(a, b)
        guard let next = hungConnectStep(step, of: a) else { return }
        queue.push(.synRetransmit(from: a, to: b, step: step, token: network.connectToken[l]), at: network.connectStart[l] + next.after)
    }

    /// Ends a hung connect; returns what waited in its buffer.
    func endHungConnect(_ a: NodeID, _ b: NodeID) -> [Message] {
        let l = network.link(a, b)
        guard network.connecting[l] else { return [] }
        network.connecting[l] = false
        network.connectToken[l] &+= 1
        return connectBuffers.removeValue(forKey: Self.connectBufferKey(a, b)) ?? []
    }

    /// A step of a hung connect: a retransmission that finds the way open connects (or
    /// meets the peer kernel's refusal) and sends the buffer; one that does not waits for the
    /// next; the give-up fails the connect and the end hears `.disconnected`.
    @usableFromInline func synRetransmitted(_ a: NodeID, _ b: NodeID, step: Int, token: UInt32) {
        let l = network.link(a, b)
        guard network.connecting[l], network.connectToken[l] == token, let current = hungConnectStep(step, of: a) else { return }
        if !current.givesUp {
            if network.canConnect(a, b) {
                for message in endHungConnect(a, b) { send(message, from: a, to: b) }
            } else {
                scheduleHungConnectStep(step + 1, a, b)
            }
            return
        }
        _messagesLost &+= UInt64(endHungConnect(a, b).count)
        notifyDisconnected(a, peer: b, after: .zero)
    }

    func disconnect(_ a: NodeID, from b: NodeID) {
        _messagesLost &+= UInt64(endHungConnect(a, b).count)
        let p = network.pair(a, b)
        // Closing its own socket is how an end gives up on it: any notice still on its
        // way about that socket is moot.
        network.endDead[network.link(a, b)] = false
        network.noticePending[network.link(a, b)] = false
        guard network.open[p] else { return }
        closeConnection(a, b, reaching: b)
    }

    func hasConnection(_ a: NodeID, to b: NodeID) -> Bool {
        let l = network.link(a, b)
        return network.open[network.pair(a, b)] || network.endDead[l] || network.connecting[l]
    }

    /// Closes an open connection; `survivor` hears of it if the FIN can reach it.
    func closeConnection(_ a: NodeID, _ b: NodeID, reaching survivor: NodeID) {
        let p = network.pair(a, b)
        assert(network.open[p])
        network.open[p] = false
        network.generation[p] &+= 1
        let closer = survivor == a ? b : a
        if network.isCut(from: closer, to: survivor) {
            network.endDead[network.link(survivor, closer)] = true
        } else {
            notifyDisconnected(survivor, peer: closer, after: network.latency(from: closer, to: survivor).draw(&networkRandom))
        }
    }

    /// Queues the news that `node`'s socket to `peer` is gone. From now until `node` handles
    /// it (or closes the socket itself) that end is dead: sends are dropped, and no fresh
    /// connection opens behind it. One notice per end at a time.
    @usableFromInline func notifyDisconnected(_ node: NodeID, peer: NodeID, after delay: SimDuration) {
        let l = network.link(node, peer)
        network.endDead[l] = true
        if network.noticePending[l] { return }
        network.noticePending[l] = true
        queue.push(.disconnected(node, peer: peer, incarnation: nodes[node.index].incarnation), at: now + delay)
    }

    @usableFromInline func roundTrip(_ a: NodeID, _ b: NodeID) -> SimDuration {
        network.latency(from: a, to: b).draw(&networkRandom) + network.latency(from: b, to: a).draw(&networkRandom)
    }

    /// Breaks the pair's connection without telling either end (a partition).
    func breakSilently(_ a: NodeID, _ b: NodeID) {
        let p = network.pair(a, b)
        guard network.open[p] else { return }
        network.open[p] = false
        network.generation[p] &+= 1
        network.endDead[network.link(a, b)] = true
        network.endDead[network.link(b, a)] = true
    }

    // MARK: partitions

    /// Cuts the directed link: nothing from `a` reaches `b`. Breaks their connection.
    public func cut(from a: NodeID, to b: NodeID) {
        guard a != b, !network.cut[network.link(a, b)] else { return }
        network.cut[network.link(a, b)] = true
        breakSilently(a, b)
        record(.control, node: a, from: nil, detail: "cut \(name(of: a))->\(name(of: b))", message: nil)
    }

    /// Cuts both directions between `a` and `b`.
    public func cutBoth(_ a: NodeID, _ b: NodeID) { cut(from: a, to: b); cut(from: b, to: a) }

    /// Cuts every link between `node` and every other node.
    public func isolate(_ node: NodeID) {
        for other in allNodes where other != node { cutBoth(node, other) }
    }

    /// Splits the nodes into groups that cannot reach each other. Nodes in no group keep
    /// their links (clients left out of a split, say).
    public func split(_ groups: [[NodeID]]) {
        for (i, g) in groups.enumerated() {
            for (j, h) in groups.enumerated() where i != j {
                for a in g { for b in h { cut(from: a, to: b) } }
            }
        }
    }

    /// Splits `members` into a majority (the first ⌊n/2⌋+1 in the given order) and a minority;
    /// returns (majority, minority).
    @discardableResult
    public func splitMajorityMinority(_ members: [NodeID]) -> (majority: [NodeID], minority: [NodeID]) {
        let k = members.count / 2 + 1
        let majority = Array(members.prefix(k)), minority = Array(members.dropFirst(k))
        split([majority, minority])
        return (majority, minority)
    }

    /// Two sides that cannot reach each other, both reaching `bridge` (Jepsen's bridge).
    public func bridge(_ left: [NodeID], _ right: [NodeID], via bridge: NodeID) {
        split([left.filter { $0 != bridge }, right.filter { $0 != bridge }])
    }

    /// Restores every cut link and ends every clog (connections that broke stay broken;
    /// their ends reconnect).
    public func heal() {
        let wasCut = network.cutLinks
        for (a, b) in wasCut { network.cut[network.link(a, b)] = false }
        for i in 0..<network.clogUntil.count { network.clogUntil[i] = .zero }
        record(.control, node: nil, from: nil, detail: "heal", message: nil)
    }

    /// Restores the links between two nodes.
    public func heal(_ a: NodeID, _ b: NodeID) {
        network.cut[network.link(a, b)] = false
        network.cut[network.link(b, a)] = false
        record(.control, node: a, from: b, detail: "heal \(name(of: a))<->\(name(of: b))", message: nil)
    }

    /// Slows the directed link: nothing sent on it arrives before `until` (FoundationDB's
    /// clogging). Messages are delayed, never lost.
    public func clog(from a: NodeID, to b: NodeID, until: SimTime) {
        let l = network.link(a, b)
        if network.clogUntil[l] < until { network.clogUntil[l] = until }
        record(.control, node: a, from: b, detail: "clog \(name(of: a))->\(name(of: b)) until \(until)", message: nil)
    }
}
