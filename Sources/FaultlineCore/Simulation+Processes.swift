/// Process faults (crash, restart, pause) and local clocks, and the timers that follow them.
extension Simulation {
    /// Kills the process: its actor (all volatile state) is gone, its timers die, its peers'
    /// connections close (their kernels see the FIN/RST where the link allows), and
    /// `onCrash` lets its disk drop what was never synced.
    public func crash(_ node: NodeID) {
        guard nodes[node.index].status != .crashed else { return }
        record(.crash, node: node, from: nil, detail: "crash \(name(of: node))", message: nil)
        nodes[node.index].actor = nil
        nodes[node.index].status = .crashed
        nodes[node.index].incarnation &+= 1
        nodes[node.index].timers = [:]
        nodes[node.index].deferred = []
        nodes[node.index].connectTimeout = nil
        for peer in allNodes where peer != node {
            _messagesLost &+= UInt64(endHungConnect(node, peer).count)
            network.endDead[network.link(node, peer)] = false
            network.noticePending[network.link(node, peer)] = false
            if network.open[network.pair(node, peer)] { closeConnection(node, peer, reaching: peer) }
        }
        nodes[node.index].onCrash?(node)
    }

    /// Starts a crashed process again: a fresh actor from the node's factory boots now.
    public func restart(_ node: NodeID) {
        guard nodes[node.index].status == .crashed else { return }
        record(.restart, node: node, from: nil, detail: "restart \(name(of: node))", message: nil)
        nodes[node.index].incarnation &+= 1
        boot(node)
    }

    /// A stop-the-world pause (GC, SIGSTOP, a VM freeze): the node handles nothing, timers
    /// and messages wait, its clock keeps running. Peers see only silence.
    public func pause(_ node: NodeID) {
        guard nodes[node.index].status == .up else { return }
        record(.pause, node: node, from: nil, detail: "pause \(name(of: node))", message: nil)
        nodes[node.index].status = .paused
    }

    /// Ends a pause: everything that waited is handled now, in the order it arrived.
    public func resume(_ node: NodeID) {
        guard nodes[node.index].status == .paused else { return }
        record(.resume, node: node, from: nil, detail: "resume \(name(of: node))", message: nil)
        nodes[node.index].status = .up
        let waiting = nodes[node.index].deferred
        nodes[node.index].deferred = []
        for event in waiting { queue.push(event, at: now) }
    }

    // MARK: clocks

    public func clock(of node: NodeID) -> LocalClock { nodes[node.index].clock }
    @inlinable public func localTime(of node: NodeID) -> LocalTime { nodes[node.index].clock.local(at: now) }

    /// Sets a node's drift rate from now on (parts per million, ±500000 at most).
    public func setClockDrift(_ node: NodeID, ppm: Int64) {
        record(.control, node: node, from: nil, detail: "drift \(name(of: node)) \(ppm)ppm", message: nil)
        nodes[node.index].clock.setDrift(ppm: ppm, now: now)
        rescheduleTimers(node)
    }

    /// Steps a node's clock forward or back: timers whose local deadline it passes fire now.
    public func jumpClock(_ node: NodeID, by delta: SimDuration) {
        record(.control, node: node, from: nil, detail: "clock jump \(name(of: node)) \(delta)", message: nil)
        nodes[node.index].clock.jump(by: delta, now: now)
        rescheduleTimers(node)
    }

    /// Sets a node's clock offset before the run (a clock that was never in sync).
    public func setClockOffset(_ node: NodeID, _ offset: SimDuration) {
        let current = nodes[node.index].clock.local(at: now).nanoseconds - now.nanoseconds
        jumpClock(node, by: SimDuration(nanoseconds: offset.nanoseconds - current))
    }

    /// Every pending local-clock timer of `node` gets a new due time from its clock, in timer
    /// order (never Dictionary order); their old queue entries go stale by epoch.
    func rescheduleTimers(_ node: NodeID) {
        let incarnation = nodes[node.index].incarnation
        for raw in nodes[node.index].timers.keys.sorted() {
            guard var entry = nodes[node.index].timers[raw], !entry.isIO else { continue }
            entry.epoch &+= 1
            nodes[node.index].timers[raw] = entry
            let due = nodes[node.index].clock.trueTime(whenLocalReads: entry.deadline, now: now)
            queue.push(.timer(node, TimerID(raw: raw), incarnation: incarnation, epoch: entry.epoch), at: due)
        }
    }

    // MARK: timers

    @inlinable func setTimer(node: NodeID, localDelay: SimDuration, message: Message) -> TimerID {
        precondition(localDelay >= .zero, "a timer cannot fire in the past")
        let id = TimerID(raw: nextTimerID)
        nextTimerID &+= 1
        let clock = nodes[node.index].clock
        let deadline = clock.local(at: now) + localDelay
        nodes[node.index].timers[id.raw] = TimerEntry(deadline: deadline, message: message, isIO: false, epoch: 0)
        queue.push(.timer(node, id, incarnation: nodes[node.index].incarnation, epoch: 0),
                   at: clock.trueTime(whenLocalReads: deadline, now: now))
        return id
    }

    func setIOTimer(node: NodeID, delay: SimDuration, message: Message) -> TimerID {
        precondition(delay >= .zero, "an I/O cannot complete in the past")
        let id = TimerID(raw: nextTimerID)
        nextTimerID &+= 1
        nodes[node.index].timers[id.raw] = TimerEntry(deadline: LocalTime(nanoseconds: 0), message: message, isIO: true, epoch: 0)
        queue.push(.timer(node, id, incarnation: nodes[node.index].incarnation, epoch: 0), at: now + delay)
        return id
    }

    @inlinable func cancelTimer(node: NodeID, _ id: TimerID) {
        nodes[node.index].timers[id.raw] = nil
    }

    /// Timers a node has pending (tests and bounds checks).
    public func pendingTimerCount(_ node: NodeID) -> Int { nodes[node.index].timers.count }
}
