import FaultlineCore
import FaultlineHistory
import FaultlineCheck

/// How a modelled system plugs into scenarios: one adapter file per system under Systems/
/// plus one line in `SystemRegistry.all`. The scenario layer (validation, fault schedules,
/// nemesis, phases, fuzz, shrink, replay, report, matrix) knows nothing else about it.
///
/// The adapter says what a scenario may name (presets, settings, roles, checks, operations,
/// disk faults) and builds a running cluster from a scenario. Systems never import
/// Faultline; the adapter imports the system.
public protocol SystemAdapter: Sendable {
    /// The `system` value of scenario files: "zookeeper", "redis".
    var name: String { get }
    var summary: String { get }
    var presets: [PresetInfo] { get }
    /// Every setting a scenario may override, by its real name.
    var settings: [SettingInfo] { get }
    /// Role names a fault target may use ("primary", "replica", "sentinel").
    var roles: [String] { get }
    /// The role a nemesis aims at by default ("leader", "primary").
    var mainRole: String { get }
    var checks: [CheckInfo] { get }
    /// Operation names the workload `mix` may use.
    var operations: [String] { get }
    /// Disk faults the `disk` action may name; empty when the system keeps no disk.
    var diskFaults: [String] { get }
    /// Server names of the cluster this scenario builds (node-name targets are checked
    /// against them); the scenario's preset, nodes and settings are already read.
    func serverNames(for scenario: Scenario) -> [String]
    /// Cross-field problems the per-setting checks cannot see, as (JSON path, message).
    func validate(_ scenario: Scenario) -> (path: String, message: String)?
    /// The timing `faultline matrix` uses for this system: long enough for its failure
    /// detectors (Sentinel's down-after, ZooKeeper's syncLimit ticks) to act.
    var matrixTiming: MatrixTiming { get }
    /// True when `makeCluster` honours `dataDirectory` (each node's simulated disk mirrored
    /// onto real files under DIR/<node>/); `run --data-dir` is refused otherwise, never ignored.
    var supportsDataDirectory: Bool { get }
    /// Builds the cluster, its clients and observers on a fresh simulation seeded `seed`;
    /// with `dataDirectory`, every server's disk is mirrored into it (`DataDirectory.mirror`).
    func makeCluster(_ scenario: Scenario, seed: UInt64, dataDirectory: DataDirectory?) throws -> any SimulatedCluster
}

extension SystemAdapter {
    public func validate(_ scenario: Scenario) -> (path: String, message: String)? { nil }
    public var diskFaults: [String] { [] }
    public var supportsDataDirectory: Bool { false }
    public var matrixTiming: MatrixTiming { MatrixTiming() }
    public func preset(named name: String) -> PresetInfo? { presets.first { $0.name == name } }
    public func setting(named name: String) -> SettingInfo? { settings.first { $0.name == name } }
    public var defaultChecks: [String] { checks.filter(\.isDefault).map(\.name) }
}

/// When the matrix's faults start and how long they last, and the settings every cell shares.
public struct MatrixTiming: Sendable {
    public var duration: SimDuration = .seconds(10)
    public var faultAt: SimDuration = .seconds(2)
    public var faultFor: SimDuration = .seconds(5)
    public var settings: [(name: String, value: SettingValue)] = []
    /// The liveness bound: how long after healing the system may take to converge.
    public var livenessWithin: SimDuration = .seconds(30)
    public init(duration: SimDuration = .seconds(10), faultAt: SimDuration = .seconds(2), faultFor: SimDuration = .seconds(5),
                settings: [(name: String, value: SettingValue)] = [], livenessWithin: SimDuration = .seconds(30)) {
        self.duration = duration; self.faultAt = faultAt; self.faultFor = faultFor; self.settings = settings
        self.livenessWithin = livenessWithin
    }
}

/// A named configuration users argue about ("async", "min-replicas", "cp").
public struct PresetInfo: Sendable {
    public let name: String
    public let summary: String
    /// Default server count.
    public let nodes: Int
    /// Allowed server counts.
    public let nodeRange: ClosedRange<Int>
    /// The settings it fixes, by real name.
    public let settings: [(name: String, value: SettingValue)]
    /// Checks this preset promises to pass under partitions and crashes.
    public let promises: [String]
    public init(name: String, summary: String, nodes: Int, nodeRange: ClosedRange<Int>,
                settings: [(name: String, value: SettingValue)], promises: [String]) {
        self.name = name; self.summary = summary; self.nodes = nodes; self.nodeRange = nodeRange
        self.settings = settings; self.promises = promises
    }
}

/// One setting by its real name and type.
public struct SettingInfo: Sendable {
    public enum Kind: Sendable {
        case int(ClosedRange<Int64>)
        case bool
        case choice([String])
        /// Written as a duration ("5s") or whole milliseconds, the way the real setting is.
        case milliseconds
    }
    public let name: String
    public let kind: Kind
    public let defaultValue: SettingValue
    public let summary: String
    public init(_ name: String, _ kind: Kind, default value: SettingValue, _ summary: String) {
        self.name = name; self.kind = kind; self.defaultValue = value; self.summary = summary
    }

    /// Nil when `value` fits, else what was expected.
    public func problem(with value: SettingValue) -> String? {
        switch (kind, value) {
        case (.int(let r), .int(let i)):
            return r.contains(i) ? nil : "expected a whole number from \(r.lowerBound) to \(r.upperBound), got \(i)"
        case (.int(let r), _):
            return "expected a whole number from \(r.lowerBound) to \(r.upperBound), got \(value)"
        case (.bool, .bool): return nil
        case (.bool, .string(let s)) where s == "yes" || s == "no": return nil
        case (.bool, _): return "expected true/false (or \"yes\"/\"no\"), got \(value)"
        case (.choice(let options), .string(let s)):
            return options.contains(s) ? nil : "expected one of \(options.joined(separator: ", ")), got \"\(s)\""
        case (.choice(let options), .int(let i)) where options.contains(String(i)): return nil
        case (.choice(let options), _): return "expected one of \(options.joined(separator: ", ")), got \(value)"
        case (.milliseconds, .int(let i)): return i >= 0 ? nil : "expected a non-negative number of milliseconds, got \(i)"
        case (.milliseconds, .string(let s)):
            return SimDuration.parse(s) == nil ? "expected a duration such as \"5s\" or whole milliseconds, got \"\(s)\"" : nil
        case (.milliseconds, _): return "expected a duration such as \"5s\" or whole milliseconds, got \(value)"
        }
    }
}

extension SettingValue {
    /// Reads the value as the adapter's kind expects (callers validated it already).
    public var intValue: Int64? { if case .int(let i) = self { return i }; return nil }
    public var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s): return s == "yes" ? true : s == "no" ? false : nil
        default: return nil
        }
    }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var durationValue: SimDuration? {
        switch self {
        case .int(let i): return .milliseconds(i)
        case .string(let s): return SimDuration.parse(s)
        default: return nil
        }
    }
}

extension Scenario {
    /// A setting's effective value: the override, else the preset's, else the adapter default.
    public func setting(_ name: String, in adapter: any SystemAdapter) -> SettingValue? {
        if let v = settings.last(where: { $0.name == name })?.value { return v }
        if let v = adapter.preset(named: preset)?.settings.last(where: { $0.name == name })?.value { return v }
        return adapter.setting(named: name)?.defaultValue
    }
}

/// One check an adapter offers.
public struct CheckInfo: Sendable {
    public let name: String
    public let summary: String
    /// Run when a scenario lists no checks.
    public let isDefault: Bool
    public init(_ name: String, _ summary: String, isDefault: Bool = true) {
        self.name = name; self.summary = summary; self.isDefault = isDefault
    }
}

/// A running cluster of one system: the simulation it lives on plus what the scenario
/// layer needs to aim faults, drive phases and judge the run.
public protocol SimulatedCluster: AnyObject {
    var world: any SimulationWorld { get }
    /// The processes partitions act on (servers, sentinels), in a stable order. Clients are
    /// not among them: like Jepsen's, they keep reaching every server.
    var servers: [NodeID] { get }
    /// The servers in `role` right now, by the models' own state (a primary that does not
    /// know it was deposed still says primary).
    func nodes(inRole role: String) -> [NodeID]
    /// A node's role now, for the report's lanes ("leader", "follower", "down").
    func roleLabel(of node: NodeID) -> String
    /// The end of the safety phase: clients stop starting operations.
    func stopWorkload()
    /// Liveness begins (everything was healed and restarted): final reads and the like.
    func beginLiveness()
    /// Nil when the system has converged (a leader, caught-up replicas, final reads done),
    /// else what it is still waiting for.
    func convergence() -> String?
    var history: History { get }
    /// Runs one of the adapter's checks over the history and the node states: FaultlineCheck's
    /// verdict (pass, fail or unknown within budget) with the operations it rests on.
    func check(_ name: String) -> CheckResult
    /// Applies a disk fault; false when this node has no disk or the kind does not apply.
    func applyDiskFault(_ kind: String, to node: NodeID) -> Bool
    /// A line per server describing its final state (role, epoch, offsets), for reports.
    func nodeStates() -> [(node: String, state: String)]
}

extension SimulatedCluster {
    public func applyDiskFault(_ kind: String, to node: NodeID) -> Bool { false }
}
