/// Handing one event to its actor: staleness checks, pause deferral, hashing, invariants.
extension Simulation {
    @inlinable func dispatch(_ event: PendingEvent<Message>) {
        switch event {
        case .boot(let node, let incarnation):
            guard nodes[node.index].incarnation == incarnation, nodes[node.index].status != .crashed else { return }
            if deferIfPaused(node, event) { return }
            deliver(.boot, to: node, from: nil, message: nil, .boot)

        case .deliver(let from, let to, let generation, let message):
            let p = network.pair(from, to)
            guard network.open[p], network.generation[p] == generation else { _messagesLost &+= 1; return }
            // A receiver whose old socket died silently has now accepted this connection and
            // answers on it; one still due a notice must hear it first.
            let back = network.link(to, from)
            if network.endDead[back] && !network.noticePending[back] { network.endDead[back] = false }
            if nodes[to.index].status == .paused {
                nodes[to.index].deferred.append(.arrived(from: from, to: to, incarnation: nodes[to.index].incarnation, message: message))
                return
            }
            deliver(.message, to: to, from: from, message: message, .message(message, from: from))

        case .arrived(let from, let to, let incarnation, let message):
            guard nodes[to.index].incarnation == incarnation, nodes[to.index].status != .crashed else { return }
            if deferIfPaused(to, event) { return }
            deliver(.message, to: to, from: from, message: message, .message(message, from: from))

        case .datagram(let from, let to, let message):
            guard nodes[to.index].status != .crashed else { _messagesLost &+= 1; return }
            if deferIfPaused(to, event) { return }
            deliver(.datagram, to: to, from: from, message: message, .message(message, from: from))

        case .timer(let node, let id, let incarnation, let epoch):
            guard nodes[node.index].incarnation == incarnation,
                  let entry = nodes[node.index].timers[id.raw], entry.epoch == epoch else { return }
            if deferIfPaused(node, event) { return }
            if !entry.isIO {
                // A clock slowed after the timer was set: not due yet by the node's own clock.
                let due = nodes[node.index].clock.trueTime(whenLocalReads: entry.deadline, now: now)
                if due > now { queue.push(event, at: due); return }
            }
            nodes[node.index].timers[id.raw] = nil
            deliver(.timer, to: node, from: nil, message: entry.message, .timer(id, entry.message))

        case .disconnected(let node, let peer, let incarnation):
            guard nodes[node.index].incarnation == incarnation, nodes[node.index].status != .crashed else { return }
            // The end closed its socket itself meanwhile: the notice is moot.
            let l = network.link(node, peer)
            guard network.noticePending[l] else { return }
            if deferIfPaused(node, event) { return }
            network.noticePending[l] = false
            network.endDead[l] = false
            deliver(.disconnected, to: node, from: peer, message: nil, .disconnected(peer: peer))

        case .synRetransmit(let from, let to, let step, let token):
            synRetransmitted(from, to, step: step, token: token)

        case .control(let index):
            guard let control = controls[index] else { return }
            controls[index] = nil
            record(.control, node: nil, from: nil, detail: control.name, message: nil)
            control.action(self)
            afterEvent()
        }
    }

    /// Holds an event for a paused node; true when it did.
    @inlinable func deferIfPaused(_ node: NodeID, _ event: PendingEvent<Message>) -> Bool {
        guard nodes[node.index].status == .paused else { return false }
        nodes[node.index].deferred.append(event)
        return true
    }

    @inlinable func deliver(_ kind: EventKind, to node: NodeID, from: NodeID?, message: Message?,
                            _ event: ActorEvent<Message>) {
        guard let actor = nodes[node.index].actor else { return }
        hasher.combine(now.nanoseconds)
        hasher.combine(UInt64(kind.rawValue))
        hasher.combine(node.index)
        hasher.combine(from?.index ?? -1)
        if let message { message.digest(into: &hasher) }
        _eventCount &+= 1
        lastEvent = (kind, node, from, message)
        if let sink { emit(kind, node: node, from: from, message: message, sink: sink) }
        actor.handle(event, contexts[node.index])
        afterEvent()
    }

    @usableFromInline func emit(_ kind: EventKind, node: NodeID, from: NodeID?, message: Message?, sink: TraceSink) {
        if sink.wantsLines {
            sink.record(TraceLine(index: eventCount, time: now, kind: kind, node: nodes[node.index].name,
                                  from: from.map { nodes[$0.index].name }, detail: message?.summary ?? "",
                                  hash: hasher.value))
        }
        if eventCount % checkpointInterval == 0 { sink.checkpoint(events: eventCount, hash: hasher.value) }
    }

    /// Folds a non-actor event (a fault, a control action, a note) into the hash and trace.
    @usableFromInline func record(_ kind: EventKind, node: NodeID?, from: NodeID?, detail: String, message: Message?) {
        hasher.combine(now.nanoseconds)
        hasher.combine(UInt64(kind.rawValue))
        hasher.combine(node?.index ?? -1)
        hasher.combine(detail)
        _eventCount &+= 1
        lastEvent = (kind, node ?? NodeID(0), from, message)
        if let sink {
            if sink.wantsLines {
                sink.record(TraceLine(index: eventCount, time: now, kind: kind, node: node.map { nodes[$0.index].name } ?? "-",
                                      from: from.map { nodes[$0.index].name }, detail: detail, hash: hasher.value))
            }
            if eventCount % checkpointInterval == 0 { sink.checkpoint(events: eventCount, hash: hasher.value) }
        }
    }

    func note(_ text: String, node: NodeID) {
        hasher.combine(UInt64(EventKind.note.rawValue))
        hasher.combine(text)
        if let sink, sink.wantsLines {
            sink.record(TraceLine(index: eventCount, time: now, kind: .note, node: nodes[node.index].name,
                                  from: nil, detail: text, hash: hasher.value))
        }
    }

    @inlinable func afterEvent() {
        if invariants.isEmpty { return }
        for inv in invariants {
            if let message = inv.check(self) { reportViolation(inv.name, message); return }
        }
    }

    @usableFromInline func reportViolation(_ invariant: String, _ message: String) {
        let e = lastEvent
        var what = "\(e.kind) at \(e.node.index < nodes.count ? nodes[e.node.index].name : "-")"
        if let from = e.from { what += " from \(nodes[from.index].name)" }
        if let m = e.detail { what += ": \(m.summary)" }
        _violation = InvariantViolation(invariant: invariant, message: message, time: now,
                                        eventIndex: eventCount, event: what)
    }
}
