import FaultlineCore

/// One fault of a schedule: what to do, to whom, and when.
///
/// Targets are resolved when the fault fires, not when the file is read: "primary" means
/// the node that is primary at that instant, which is the whole point of a failover story.
public struct FaultSpec: Sendable, Equatable {
    public var action: FaultAction
    /// When it fires: at a time of the safety phase, or when a model reaches a probe.
    public var trigger: FaultTrigger
    /// Who it hits: node names, role names ("primary", "leader", "follower"), or
    /// any / all / minority / majority / crashed / paused. Several entries are a union.
    public var target: [String] = []
    /// Undo after this long (heal the links it cut, restart, resume, unclog).
    public var duration: SimDuration?
    /// `partition`: the groups that cannot reach each other, each a list of targets.
    public var groups: [[String]] = []
    /// `bridge`: the node both sides still reach. `one-way`: the receiving side.
    public var peer: [String] = []
    /// `clock-jump` / `clock-offset`: how far; negative steps back.
    public var by: SimDuration?
    /// `clock-drift`: parts per million.
    public var ppm: Int64?
    /// `disk`: which disk fault, as the adapter names it.
    public var diskFault: String?

    public init(_ action: FaultAction, at time: SimDuration, target: [String] = [], for duration: SimDuration? = nil) {
        self.action = action; self.trigger = .at(time); self.target = target; self.duration = duration
    }
}

/// When a fault fires.
public enum FaultTrigger: Sendable, Equatable {
    /// At this time since the start of the run.
    case at(SimDuration)
    /// As soon as the coverage probe `probe` has been reached `count` times, but not before
    /// `notBefore`: "crash the new primary the moment Sentinel promotes it".
    case probe(String, count: Int, notBefore: SimDuration)

    public var earliest: SimDuration {
        switch self {
        case .at(let t): return t
        case .probe(_, _, let t): return t
        }
    }
}

/// The faults a schedule can apply, by the names scenario files use.
public enum FaultAction: String, Sendable, Equatable, CaseIterable {
    /// Cut every link between the given groups.
    case partition
    /// Cut the target off from every other server.
    case isolate
    /// Split the servers into a majority and a minority that holds the target.
    case split
    /// Two halves that only reach each other through one bridge node (Jepsen's bridge).
    case bridge
    /// Cut messages from the target to `to` only; the other direction still flows.
    case oneWay = "one-way"
    /// Restore every cut link and end every clog.
    case heal
    case crash, restart, pause, resume
    case clockOffset = "clock-offset", clockDrift = "clock-drift", clockJump = "clock-jump"
    /// Delay (never drop) everything sent to and from the target.
    case clog
    /// A disk fault the adapter supports (lose unsynced data, torn write, corruption...).
    case disk

    /// Fields a fault of this kind may have besides the common ones.
    var specificFields: [String] {
        switch self {
        case .partition: return ["groups"]
        case .bridge: return ["via"]
        case .oneWay: return ["to"]
        case .clockOffset, .clockJump: return ["by"]
        case .clockDrift: return ["ppm"]
        case .disk: return ["fault"]
        default: return []
        }
    }

    /// Whether the action needs a `target`.
    var needsTarget: Bool {
        switch self {
        case .partition, .heal, .bridge: return false
        case .restart, .resume: return false   // default: every crashed / paused node
        default: return true
        }
    }

    /// Whether `for` means anything for this action.
    var undoable: Bool {
        switch self {
        case .heal, .restart, .resume, .clockOffset, .clockJump, .disk: return false
        default: return true
        }
    }
}

/// The random nemesis of a fuzz campaign: which fault families, how often, how long.
/// With `swarm` (the default), each seed draws its own subset of families and its own
/// rate within these bounds, so some seeds hammer one mechanism and others mix them
/// (Groce et al., "Swarm testing", 2012).
public struct NemesisSpec: Sendable, Equatable {
    public var kinds: [NemesisKind]
    /// Time from the end of one fault to the start of the next.
    public var interval: ClosedRange<SimDuration> = .seconds(2)...(.seconds(6))
    /// How long each fault lasts.
    public var duration: ClosedRange<SimDuration> = .seconds(1)...(.seconds(5))
    /// Who faults hit; empty uses the adapter's main role and "any".
    public var targets: [String] = []
    public var swarm = true
    public init(kinds: [NemesisKind]) { self.kinds = kinds }
}

/// Fault families a nemesis draws from.
public enum NemesisKind: String, Sendable, Equatable, CaseIterable {
    case partition, crash, pause, clock, clog, disk
}
