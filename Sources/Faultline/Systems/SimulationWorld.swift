import FaultlineCore

/// The message-type-free face of a `Simulation`: what the scenario layer needs to run
/// phases and inject faults without knowing which system's messages are on the wire.
/// `Simulation` conforms as it is; adapters hand theirs over as `any SimulationWorld`.
public protocol SimulationWorld: AnyObject {
    var seed: UInt64 { get }
    var now: SimTime { get }
    var eventCount: UInt64 { get }
    var traceHash: UInt64 { get }
    var coverage: Coverage { get }
    var faultRandom: SeededRandom { get }
    var violation: InvariantViolation? { get }
    var sink: TraceSink? { get set }
    var checkpointInterval: UInt64 { get set }
    var allNodes: [NodeID] { get }
    var network: Network { get }
    func name(of node: NodeID) -> String
    func node(named name: String) -> NodeID?
    func status(of node: NodeID) -> NodeStatus
    func clock(of node: NodeID) -> LocalClock

    func crash(_ node: NodeID)
    func restart(_ node: NodeID)
    func pause(_ node: NodeID)
    func resume(_ node: NodeID)
    func cut(from a: NodeID, to b: NodeID)
    func heal()
    func heal(_ a: NodeID, _ b: NodeID)
    func clog(from a: NodeID, to b: NodeID, until: SimTime)
    func jumpClock(_ node: NodeID, by delta: SimDuration)
    func setClockDrift(_ node: NodeID, ppm: Int64)
    func setClockOffset(_ node: NodeID, _ offset: SimDuration)

    @discardableResult func run(until limit: SimTime) -> RunOutcome
    /// A control event at `time` (hashed by its name, like every fault).
    func scheduleAction(at time: SimTime, named name: String, _ action: @escaping () -> Void)
    /// Called after every event; must not change the world except by scheduling.
    func observeEveryEvent(_ body: @escaping () -> Void)
}

extension Simulation: SimulationWorld {
    public func scheduleAction(at time: SimTime, named name: String, _ action: @escaping () -> Void) {
        schedule(at: time, name) { _ in action() }
    }
    public func observeEveryEvent(_ body: @escaping () -> Void) {
        addInvariant("observer") { _ in body(); return nil }
    }
}
