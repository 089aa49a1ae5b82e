import FaultlineCore

/// Draws a fault schedule for one seed from a `NemesisSpec`: the fuzzer's source of faults.
///
/// The whole schedule is drawn before the run starts, from a substream of the run's
/// `faults` stream, so it is an ordinary list of `FaultSpec`s: a failure file can store it,
/// `shrink` can cut it down, and a replay applies it without drawing anything. One fault at
/// a time, as Jepsen's start/stop nemeses do: the next starts after the last was undone.
public enum Nemesis {
    /// Upper bound on the faults one seed's schedule holds (a limit on everything).
    public static let faultsMax = 256

    public static func schedule(_ spec: NemesisSpec, safetyPhase: SimDuration, mainRole: String,
                                diskFaults: [String], random parent: SeededRandom) -> [FaultSpec] {
        var random = parent.substream("nemesis")
        var kinds = spec.kinds
        var interval = spec.interval, duration = spec.duration
        if spec.swarm {
            // Swarm testing: this seed keeps a random non-empty subset of the families and
            // its own, narrower rate band inside the scenario's bounds.
            var kept = kinds.filter { _ in random.chance(Ratio(1, 2)) }
            if kept.isEmpty, let k = random.element(of: kinds) { kept = [k] }
            kinds = kept
            let hi = random.duration(in: interval)
            interval = interval.lowerBound...hi
            let longest = random.duration(in: duration)
            duration = duration.lowerBound...longest
        }
        let targets = spec.targets.isEmpty ? [mainRole, "any"] : spec.targets
        var faults: [FaultSpec] = []
        var t = random.duration(in: interval)
        while t < safetyPhase, faults.count < faultsMax, let kind = random.element(of: kinds) {
            let length = min(random.duration(in: duration), safetyPhase - t)
            let target = random.element(of: targets)!
            faults.append(fault(kind, at: t, length: length, target: target, diskFaults: diskFaults, random: &random))
            t = t + length + random.duration(in: interval)
        }
        return faults
    }

    static func fault(_ kind: NemesisKind, at t: SimDuration, length: SimDuration, target: String,
                      diskFaults: [String], random: inout SeededRandom) -> FaultSpec {
        switch kind {
        case .partition:
            switch random.below(3) {
            case 0: return FaultSpec(.isolate, at: t, target: [target], for: length)
            case 1: return FaultSpec(.split, at: t, target: [target], for: length)
            default:
                var f = FaultSpec(.bridge, at: t, for: length)
                f.peer = ["any"]
                return f
            }
        case .crash: return FaultSpec(.crash, at: t, target: [target], for: length)
        case .pause: return FaultSpec(.pause, at: t, target: [target], for: length)
        case .clog: return FaultSpec(.clog, at: t, target: [target], for: length)
        case .clock:
            var f = FaultSpec(.clockJump, at: t, target: [target])
            f.by = random.chance(Ratio(1, 2)) ? length : SimDuration.zero - length
            return f
        case .disk:
            var f = FaultSpec(.disk, at: t, target: [target])
            f.diskFault = random.element(of: diskFaults) ?? "lose-unsynced"
            return f
        }
    }
}
