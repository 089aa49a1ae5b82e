import Foundation
import FaultlineCore
import FaultlineCheck

extension Scenario {
    static let topFields = ["name", "description", "system", "preset", "nodes", "settings", "network", "workload",
                            "faults", "nemesis", "liveness", "checks", "expect", "seed", "recorded"]

    /// Reads and validates a scenario file. Every problem is a `ScenarioError` naming the
    /// file, the JSON path and what was expected.
    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(file: path, path: "", "cannot read the file (missing or unreadable)")
        }
        return try parse(data, file: path)
    }

    /// Parses and validates scenario text against the registered systems.
    public static func parse(_ data: Data, file: String) throws -> Scenario {
        let root = try JSONValue.parse(data, file: file)
        return try decode(root, file: file)
    }

    static func decode(_ root: JSONValue, file: String) throws -> Scenario {
        let top = try ObjectReader(root, file: file, path: "", allowed: topFields)
        let systemName = try top.requiredString("system")
        guard let adapter = SystemRegistry.adapter(named: systemName) else {
            throw top.error("system", "unknown system \"\(systemName)\"; systems: " + SystemRegistry.names.joined(separator: ", "))
        }
        let presetName = try top.requiredString("preset")
        guard let preset = adapter.preset(named: presetName) else {
            throw top.error("preset", "unknown preset \"\(presetName)\" of \(systemName); presets: "
                            + adapter.presets.map(\.name).joined(separator: ", "))
        }
        let fallbackName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        var s = Scenario(name: try top.string("name") ?? fallbackName, system: systemName, preset: presetName)
        s.description = try top.string("description") ?? ""
        if let n = try top.int("nodes", in: Int64(preset.nodeRange.lowerBound)...Int64(preset.nodeRange.upperBound)) { s.nodes = Int(n) }
        if let seed = top.raw("seed") {
            guard case .int(let v) = seed, v >= 0 else { throw top.error("seed", "expected a whole number from 0, got \(seed.jsonText)") }
            s.seed = UInt64(v)
        }
        s.settings = try decodeSettings(top, adapter: adapter)
        if let net = try top.object("network", allowed: ["latency", "drop", "duplicate", "reorder"]) {
            if let r = try net.durationRange("latency") { s.network.latency = r }
            s.network.drop = try net.ratio("drop") ?? .never
            s.network.duplicate = try net.ratio("duplicate") ?? .never
            s.network.reorder = try net.ratio("reorder") ?? .never
        }
        if let w = try top.object("workload", allowed: ["clients", "duration", "interval", "timeout", "keys", "mix"]) {
            s.workload = try decodeWorkload(w, adapter: adapter)
        }
        let servers = adapter.serverNames(for: s)
        let targets = TargetVocabulary(adapter: adapter, servers: servers)
        if let faults = try top.array("faults") {
            s.faults = try faults.enumerated().map { i, f in
                try decodeFault(f, file: file, path: "faults[\(i)]", targets: targets, adapter: adapter)
            }
        }
        if let n = try top.object("nemesis", allowed: ["kinds", "interval", "duration", "targets", "swarm"]) {
            s.nemesis = try decodeNemesis(n, targets: targets, adapter: adapter)
        }
        if let l = top.raw("liveness") {
            if case .bool(let b) = l { s.liveness.enabled = b } else {
                let lr = try ObjectReader(l, file: file, path: "liveness", allowed: ["enabled", "within"])
                s.liveness.enabled = try lr.bool("enabled") ?? true
                s.liveness.within = try lr.duration("within") ?? s.liveness.within
            }
        }
        let checkNames = Scenario.checkNames(of: adapter)
        if let checks = try top.stringList("checks") {
            for (i, c) in checks.enumerated() where !checkNames.contains(c) {
                throw ScenarioError(file: file, path: "checks[\(i)]", "unknown check \"\(c)\" of \(systemName); checks: " + checkNames.joined(separator: ", "))
            }
            s.checks = checks
        }
        if let e = top.raw("expect") {
            guard case .object(let entries) = e else { throw top.error("expect", "expected an object such as {\"lost-writes\": \"fail\"}, got \(e.kindName)") }
            for entry in entries {
                let p = "expect." + entry.key
                guard checkNames.contains(entry.key) else {
                    throw ScenarioError(file: file, path: p, "unknown check; checks: " + checkNames.joined(separator: ", "))
                }
                guard case .string(let o) = entry.value, let outcome = ExpectedOutcome(rawValue: o) else {
                    throw ScenarioError(file: file, path: p, "expected \"pass\", \"fail\" or \"any\", got \(entry.value.jsonText)")
                }
                s.expect.append((entry.key, outcome))
            }
        }
        if let r = try top.object("recorded", allowed: ["trace_hash", "events", "failed_checks", "checkpoints", "checkpoint_interval", "event_digests"]) {
            s.recorded = try decodeRecorded(r)
        }
        if let problem = adapter.validate(s) {
            throw ScenarioError(file: file, path: problem.path, problem.message)
        }
        return s
    }

    /// Checks a scenario of this system may name: the adapter's own, `convergence`, and
    /// every FaultlineCheck history checker by name (run on the clients' history).
    static func checkNames(of adapter: any SystemAdapter) -> [String] {
        var names = adapter.checks.map(\.name) + ["convergence"]
        for n in HistoryCheck.names where !names.contains(n) { names.append(n) }
        return names
    }

    static func decodeSettings(_ top: ObjectReader, adapter: any SystemAdapter) throws -> [(name: String, value: SettingValue)] {
        guard let raw = top.raw("settings") else { return [] }
        guard case .object(let entries) = raw else { throw top.error("settings", "expected an object of setting names and values, got \(raw.kindName)") }
        var out: [(name: String, value: SettingValue)] = []
        for e in entries {
            let p = "settings." + e.key
            guard let info = adapter.setting(named: e.key) else {
                throw ScenarioError(file: top.file, path: p, "unknown setting of \(adapter.name); settings: "
                                    + adapter.settings.map(\.name).joined(separator: ", "))
            }
            let value: SettingValue
            switch e.value {
            case .int(let i): value = .int(i)
            case .string(let s): value = .string(s)
            case .bool(let b): value = .bool(b)
            default: throw ScenarioError(file: top.file, path: p, "expected a number, a string or a boolean, got \(e.value.kindName)")
            }
            if let problem = info.problem(with: value) { throw ScenarioError(file: top.file, path: p, problem) }
            out.append((e.key, value))
        }
        return out
    }

    static func decodeWorkload(_ w: ObjectReader, adapter: any SystemAdapter) throws -> WorkloadSpec {
        var spec = WorkloadSpec()
        if let c = try w.int("clients", in: 1...64) { spec.clients = Int(c) }
        if let d = try w.duration("duration") {
            guard d > .zero else { throw w.error("duration", "expected a positive duration, got \"0\"") }
            spec.duration = d
        }
        if let d = try w.duration("interval") { spec.interval = d }
        if let d = try w.duration("timeout") {
            guard d > .zero else { throw w.error("timeout", "expected a positive duration, got \"0\"") }
            spec.timeout = d
        }
        if let k = try w.int("keys", in: 1...1024) { spec.keys = Int(k) }
        if let mix = w.raw("mix") {
            guard case .object(let entries) = mix, !entries.isEmpty else {
                throw w.error("mix", "expected an object of operation weights such as {\"write\": 3, \"read\": 1}, got \(mix.kindName)")
            }
            for e in entries {
                let p = w.child("mix") + "." + e.key
                guard adapter.operations.contains(e.key) else {
                    throw ScenarioError(file: w.file, path: p, "unknown operation; operations: " + adapter.operations.joined(separator: ", "))
                }
                guard case .int(let weight) = e.value, (0...1000).contains(weight) else {
                    throw ScenarioError(file: w.file, path: p, "expected a whole-number weight from 0 to 1000, got \(e.value.jsonText)")
                }
                spec.mix.append((e.key, Int(weight)))
            }
            guard spec.mix.contains(where: { $0.weight > 0 }) else { throw w.error("mix", "expected at least one positive weight") }
        }
        return spec
    }

    static func decodeNemesis(_ n: ObjectReader, targets: TargetVocabulary, adapter: any SystemAdapter) throws -> NemesisSpec {
        let names = try n.stringList("kinds") ?? []
        guard !names.isEmpty else { throw n.error("kinds", "missing; expected fault families from: " + NemesisKind.allCases.map(\.rawValue).joined(separator: ", ")) }
        var kinds: [NemesisKind] = []
        for (i, k) in names.enumerated() {
            guard let kind = NemesisKind(rawValue: k) else {
                throw ScenarioError(file: n.file, path: n.child("kinds") + "[\(i)]", "unknown fault family \"\(k)\"; families: "
                                    + NemesisKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if kind == .disk && adapter.diskFaults.isEmpty {
                throw ScenarioError(file: n.file, path: n.child("kinds") + "[\(i)]", "\(adapter.name) keeps no disk that faults could hit")
            }
            kinds.append(kind)
        }
        var spec = NemesisSpec(kinds: kinds)
        if let r = try n.durationRange("interval") { spec.interval = r }
        if let r = try n.durationRange("duration") { spec.duration = r }
        if let t = try n.stringList("targets") {
            for (i, name) in t.enumerated() { try targets.check(name, file: n.file, path: n.child("targets") + "[\(i)]") }
            spec.targets = t
        }
        spec.swarm = try n.bool("swarm") ?? true
        return spec
    }

    static func decodeRecorded(_ r: ObjectReader) throws -> RecordedRun {
        func hex(_ text: String?, _ key: String) throws -> UInt64 {
            guard let text, text.count == 16, let v = UInt64(text, radix: 16) else {
                throw r.error(key, "expected 16 hex digits")
            }
            return v
        }
        let hash = try hex(try r.string("trace_hash"), "trace_hash")
        let events = UInt64(try r.int("events", in: 0...Int64.max) ?? 0)
        let interval = UInt64(try r.int("checkpoint_interval", in: 1...Int64.max) ?? 10_000)
        var checkpoints: [RecordedRun.Checkpoint] = []
        for (i, c) in (try r.array("checkpoints") ?? []).enumerated() {
            guard case .array(let pair) = c, pair.count == 2, case .int(let e) = pair[0], case .string(let h) = pair[1],
                  h.count == 16, let hv = UInt64(h, radix: 16) else {
                throw ScenarioError(file: r.file, path: r.child("checkpoints") + "[\(i)]", "expected [events, \"16 hex digits\"]")
            }
            checkpoints.append(.init(events: UInt64(e), hash: hv))
        }
        let digests = try r.string("event_digests")
        if let digests {
            // A path relative to the failure file, so the pair can move together.
            guard !digests.isEmpty, !digests.hasPrefix("/"), !digests.hasPrefix("~"), !digests.contains("\u{0}") else {
                throw r.error("event_digests", "expected the event-digests file's path relative to this failure file (for example \"NAME.digests\"), got \(JSONValue.string(digests).jsonText)")
            }
        }
        return RecordedRun(traceHash: hash, events: events, failedChecks: try r.stringList("failed_checks") ?? [],
                           checkpoints: checkpoints, checkpointInterval: interval, eventDigests: digests)
    }
}
