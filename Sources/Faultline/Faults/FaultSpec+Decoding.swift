import FaultlineCore

extension Scenario {
    static let commonFaultFields = ["do", "at", "when", "target", "for"]

    static func decodeFault(_ value: JSONValue, file: String, path: String, targets: TargetVocabulary,
                            adapter: any SystemAdapter) throws -> FaultSpec {
        let probe = try ObjectReader(value, file: file, path: path,
                                     allowed: commonFaultFields + FaultAction.allCases.flatMap(\.specificFields))
        let verb = try probe.requiredString("do")
        guard let action = FaultAction(rawValue: verb) else {
            throw probe.error("do", "unknown fault \"\(verb)\"; faults: " + FaultAction.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let r = try ObjectReader(value, file: file, path: path, allowed: commonFaultFields + action.specificFields)
        var spec = FaultSpec(action, at: .zero)
        let at = try r.duration("at")
        if let when = r.raw("when") {
            switch when {
            case .string(let name): spec.trigger = .probe(name, count: 1, notBefore: at ?? .zero)
            default:
                let w = try ObjectReader(when, file: file, path: r.child("when"), allowed: ["probe", "count"])
                spec.trigger = .probe(try w.requiredString("probe"), count: Int(try w.int("count", in: 1...1_000_000) ?? 1), notBefore: at ?? .zero)
            }
        } else {
            guard let at else { throw r.error("at", "missing; a fault needs \"at\" (a time such as \"5s\") or \"when\" (a probe name)") }
            spec.trigger = .at(at)
        }
        func targetList(_ key: String) throws -> [String] {
            let list = try r.stringList(key) ?? []
            var isArray = false
            if case .array? = r.raw(key) { isArray = true }
            for (i, t) in list.enumerated() {
                try targets.check(t, file: file, path: isArray ? r.child(key) + "[\(i)]" : r.child(key))
            }
            return list
        }
        spec.target = try targetList("target")
        // An explicit empty list is allowed: failure files record a fault whose role no node held.
        if action.needsTarget && !r.has("target") {
            throw r.error("target", "missing; \"\(verb)\" needs a target (a node, a role such as \(adapter.mainRole), or any/minority/...)")
        }
        if let d = try r.duration("for") {
            guard action.undoable else { throw r.error("for", "\"\(verb)\" cannot be undone after a while; remove \"for\"") }
            spec.duration = d
        }
        if action == .clog && spec.duration == nil {
            throw r.error("for", "missing; \"clog\" needs \"for\": how long the links stay slow")
        }
        switch action {
        case .partition:
            guard let groups = try r.array("groups"), groups.count >= 2 else {
                throw r.error("groups", "expected at least two groups of targets, such as [[\"\(adapter.mainRole)\"], [\"n2\", \"n3\"]]")
            }
            spec.groups = try groups.enumerated().map { i, g in
                let gp = r.child("groups") + "[\(i)]"
                guard case .array(let items) = g, !items.isEmpty else { throw ScenarioError(file: file, path: gp, "expected a non-empty array of targets, got \(g.kindName)") }
                return try items.enumerated().map { j, item in
                    guard case .string(let t) = item else { throw ScenarioError(file: file, path: gp + "[\(j)]", "expected a string, got \(item.kindName)") }
                    try targets.check(t, file: file, path: gp + "[\(j)]")
                    return t
                }
            }
        case .bridge: spec.peer = try targetList("via")
        case .oneWay:
            spec.peer = try targetList("to")
            if spec.peer.isEmpty { throw r.error("to", "missing; \"one-way\" needs \"to\": the side that stops hearing the target") }
        case .clockOffset, .clockJump:
            guard let by = try r.signedDuration("by") else { throw r.error("by", "missing; expected a duration such as \"5s\" or \"-2s\"") }
            spec.by = by
        case .clockDrift:
            guard let ppm = try r.int("ppm", in: -LocalClock.driftPPMMax...LocalClock.driftPPMMax) else {
                throw r.error("ppm", "missing; expected parts per million from -\(LocalClock.driftPPMMax) to \(LocalClock.driftPPMMax)")
            }
            spec.ppm = ppm
        case .disk:
            let kind = try r.requiredString("fault")
            guard adapter.diskFaults.contains(kind) else {
                throw r.error("fault", adapter.diskFaults.isEmpty ? "\(adapter.name) keeps no disk that faults could hit"
                              : "unknown disk fault \"\(kind)\"; disk faults: " + adapter.diskFaults.joined(separator: ", "))
            }
            spec.diskFault = kind
        default: break
        }
        return spec
    }
}
