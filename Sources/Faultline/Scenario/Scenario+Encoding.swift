import FaultlineCore

extension Scenario {
    /// The scenario as a JSON tree, fields in the order docs/scenarios.md lists them, so
    /// failure files and shrunk scenarios read like hand-written ones.
    public func encoded() -> JSONValue {
        var top: [(key: String, value: JSONValue)] = [("name", .string(name))]
        if !description.isEmpty { top.append(("description", .string(description))) }
        top.append(("system", .string(system)))
        top.append(("preset", .string(preset)))
        if let nodes { top.append(("nodes", .int(Int64(nodes)))) }
        if !settings.isEmpty { top.append(("settings", .object(settings.map { ($0.name, $0.value.json) }))) }
        top.append(("seed", .int(Int64(bitPattern: seed))))
        var net: [(key: String, value: JSONValue)] = [("latency", .string(Scenario.rangeText(network.latency)))]
        if network.drop != .never { net.append(("drop", .string(network.drop.description))) }
        if network.duplicate != .never { net.append(("duplicate", .string(network.duplicate.description))) }
        if network.reorder != .never { net.append(("reorder", .string(network.reorder.description))) }
        top.append(("network", .object(net)))
        var w: [(key: String, value: JSONValue)] = [
            ("clients", .int(Int64(workload.clients))), ("duration", .string(workload.duration.description)),
            ("interval", .string(workload.interval.description)), ("timeout", .string(workload.timeout.description)),
            ("keys", .int(Int64(workload.keys))),
        ]
        if !workload.mix.isEmpty { w.append(("mix", .object(workload.mix.map { ($0.op, .int(Int64($0.weight))) }))) }
        top.append(("workload", .object(w)))
        top.append(("faults", .array(faults.map { $0.encoded() })))
        if let nemesis { top.append(("nemesis", nemesis.encoded())) }
        top.append(("liveness", .object([("enabled", .bool(liveness.enabled)), ("within", .string(liveness.within.description))])))
        if !checks.isEmpty { top.append(("checks", .array(checks.map { .string($0) }))) }
        if !expect.isEmpty { top.append(("expect", .object(expect.map { ($0.check, .string($0.outcome.rawValue)) }))) }
        if let recorded { top.append(("recorded", recorded.encoded())) }
        return .object(top)
    }

    /// Text for a scenario file (a trailing newline, two-space indentation).
    public func fileText() -> String { encoded().pretty() + "\n" }

    static func rangeText(_ r: ClosedRange<SimDuration>) -> String {
        r.lowerBound == r.upperBound ? r.lowerBound.description : "\(r.lowerBound)..\(r.upperBound)"
    }
}

extension FaultSpec {
    func encoded() -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [("do", .string(action.rawValue))]
        switch trigger {
        case .at(let t): o.append(("at", .string(t.description)))
        case .probe(let name, let count, let notBefore):
            if notBefore > .zero { o.append(("at", .string(notBefore.description))) }
            o.append(("when", count == 1 ? .string(name) : .object([("count", .int(Int64(count))), ("probe", .string(name))])))
        }
        if !target.isEmpty || action.needsTarget { o.append(("target", .array(target.map { .string($0) }))) }
        if let duration { o.append(("for", .string(duration.description))) }
        if !groups.isEmpty { o.append(("groups", .array(groups.map { .array($0.map { .string($0) }) }))) }
        if !peer.isEmpty { o.append((action == .bridge ? "via" : "to", .array(peer.map { .string($0) }))) }
        if let by { o.append(("by", .string(by.nanoseconds < 0 ? "-" + (SimDuration.zero - by).description : by.description))) }
        if let ppm { o.append(("ppm", .int(ppm))) }
        if let diskFault { o.append(("fault", .string(diskFault))) }
        return .object(o)
    }
}

extension NemesisSpec {
    func encoded() -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [
            ("kinds", .array(kinds.map { .string($0.rawValue) })),
            ("interval", .string(Scenario.rangeText(interval))),
            ("duration", .string(Scenario.rangeText(duration))),
        ]
        if !targets.isEmpty { o.append(("targets", .array(targets.map { .string($0) }))) }
        o.append(("swarm", .bool(swarm)))
        return .object(o)
    }
}

extension RecordedRun {
    func encoded() -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [
            ("trace_hash", .string(TraceHasher.hexString(traceHash))),
            ("events", .int(Int64(events))),
            ("failed_checks", .array(failedChecks.map { .string($0) })),
        ]
        if let eventDigests { o.append(("event_digests", .string(eventDigests))) }
        o.append(("checkpoint_interval", .int(Int64(checkpointInterval))))
        o.append(("checkpoints", .array(checkpoints.map { .array([.int(Int64($0.events)), .string(TraceHasher.hexString($0.hash))]) })))
        return .object(o)
    }
}
