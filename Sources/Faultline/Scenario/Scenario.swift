import FaultlineCore

/// One failover story, as a scenario file describes it: the system and its configuration,
/// the network, what the clients do, which faults happen when, what is checked and what
/// the verdict is expected to be. docs/scenarios.md documents every field.
///
/// A scenario is a value: fuzzing, shrinking and failure files all work by editing a copy
/// and writing it back out as an editable file.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var description: String = ""
    /// The system adapter's name ("zookeeper", "redis").
    public var system: String
    /// A preset the adapter lists ("async", "cp"); settings override it.
    public var preset: String
    /// Server count; nil keeps the preset's.
    public var nodes: Int?
    /// Real setting names with their values ("min-replicas-to-write": 1).
    public var settings: [(name: String, value: SettingValue)] = []
    public var network = NetworkSpec()
    public var workload = WorkloadSpec()
    public var faults: [FaultSpec] = []
    public var nemesis: NemesisSpec?
    public var liveness = LivenessSpec()
    /// Check names the adapter lists; empty runs the adapter's default checks.
    public var checks: [String] = []
    /// What each check must do; a check not named here must pass.
    public var expect: [(check: String, outcome: ExpectedOutcome)] = []
    /// The seed `run` uses without `--seed`.
    public var seed: UInt64 = 1
    /// Set in failure files: what the failing run produced, for `replay`.
    public var recorded: RecordedRun?

    public init(name: String, system: String, preset: String) {
        self.name = name; self.system = system; self.preset = preset
    }

    public static func == (a: Scenario, b: Scenario) -> Bool { a.encoded() == b.encoded() }

    /// The outcome expected of `check`: explicit, or `.pass`.
    public func expected(_ check: String) -> ExpectedOutcome {
        expect.first { $0.check == check }?.outcome ?? .pass
    }
}

/// A setting's value as written: a number, a string, or a boolean. Adapters read them
/// with the real setting's type and reject the rest.
public enum SettingValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int64), string(String), bool(Bool)
    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        case .bool(let b): return b ? "yes" : "no"
        }
    }
    var json: JSONValue {
        switch self {
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        }
    }
}

/// Latency of every link, and the faults of datagram links (connections never lose
/// messages while they last; that is what partitions are for).
public struct NetworkSpec: Sendable, Equatable {
    public var latency: ClosedRange<SimDuration> = .microseconds(200)...(.milliseconds(1))
    public var drop: Ratio = .never
    public var duplicate: Ratio = .never
    public var reorder: Ratio = .never
    public init() {}
}

/// What the clients do during the safety phase.
public struct WorkloadSpec: Sendable, Equatable {
    /// Client processes, each one connection doing one operation at a time.
    public var clients = 3
    /// Length of the safety phase (faults on).
    public var duration: SimDuration = .seconds(10)
    /// Pause between one client's operations.
    public var interval: SimDuration = .milliseconds(50)
    /// How long a client waits for an answer before recording `info`.
    public var timeout: SimDuration = .seconds(1)
    /// Distinct keys the operations spread over.
    public var keys = 4
    /// Share of operations by name ("write": 3, "read": 1); names the adapter lists.
    public var mix: [(op: String, weight: Int)] = []
    public init() {}
    public static func == (a: WorkloadSpec, b: WorkloadSpec) -> Bool {
        a.clients == b.clients && a.duration == b.duration && a.interval == b.interval && a.timeout == b.timeout
            && a.keys == b.keys && a.mix.map(\.op) == b.mix.map(\.op) && a.mix.map(\.weight) == b.mix.map(\.weight)
    }
}

/// The final phase: heal every partition, restart every crashed node, resume every paused
/// one, then require the system to converge within `within`.
public struct LivenessSpec: Sendable, Equatable {
    public var enabled = true
    public var within: SimDuration = .seconds(30)
    public init() {}
}

/// What a check is expected to do.
public enum ExpectedOutcome: String, Sendable, Equatable, CaseIterable {
    /// The check must pass.
    case pass
    /// The check must find a violation (a known anomaly of this configuration).
    case fail
    /// Either verdict is accepted; the check is still reported.
    case any
}
