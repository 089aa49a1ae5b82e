import Testing
import FaultlineCore
@testable import FaultlineZooKeeper

/// A client program for tests: runs a script of requests one at a time (each after the
/// previous completed, or after `gap`), remembers every state change and result.
final class ScriptedClient: ZooKeeperClientProgram {
    var script: [ZKRequest]
    var gap: SimDuration
    var states: [KeeperState] = []
    var results: [(ZKRequest, KeeperErrorCode, ReplyBody)] = []
    var events: [WatchedEvent] = []
    var next = 0
    var inFlight = false
    var renewOnExpiry: Bool

    init(_ script: [ZKRequest], gap: SimDuration = .milliseconds(10), renewOnExpiry: Bool = false) {
        self.script = script; self.gap = gap; self.renewOnExpiry = renewOnExpiry
    }

    func stateChanged(_ state: KeeperState, _ client: ZooKeeperClient) {
        states.append(state)
        if state == .syncConnected { pump(client) }
        if state == .expired && renewOnExpiry { client.startNewSession() }
        if state != .syncConnected { inFlight = false }
    }
    func pump(_ client: ZooKeeperClient) {
        guard !inFlight, next < script.count, client.isConnected else { return }
        inFlight = true
        client.submit(script[next], tag: next)
    }
    func completed(tag: Int, err: KeeperErrorCode, body: ReplyBody, _ client: ZooKeeperClient) {
        inFlight = false
        results.append((script[tag], err, body))
        if err != .connectionLoss { next = max(next, tag + 1) }
        client.setTimer(after: gap, tag: 0)
    }
    func watchTriggered(_ event: WatchedEvent, _ client: ZooKeeperClient) { events.append(event) }
    func timerFired(tag: Int, _ client: ZooKeeperClient) { pump(client) }
    var okCount: Int { results.filter { $0.1 == .ok }.count }
}

/// `count` creates of persistent nodes under `/w`.
func writes(_ prefix: String, _ count: Int) -> [ZKRequest] {
    [.create(path: "/w", data: [], acl: ACL.openACLUnsafe, mode: .persistent)] + (0..<count).map { .create(path: "/w/\(prefix)\($0)", data: Array("\($0)".utf8), acl: ACL.openACLUnsafe, mode: .persistent) }
}

@Suite struct EnsembleSupportTests {
    @Test func settingsRejectAnotherElectionAlgorithmAndKeepRealDefaults() {
        var s = ZooKeeperSettings()
        #expect(s.tickTime == .milliseconds(2000) && s.initLimit == 10 && s.syncLimit == 5)
        #expect(s.minSessionTimeoutEffective == .milliseconds(4000) && s.maxSessionTimeoutEffective == .milliseconds(40000))
        #expect(s.validate() == nil)
        s.electionAlg = 0
        #expect(s.validate()?.contains("electionAlg") == true)
        if case .success = ZooKeeperEnsemble.make(seed: 1, servers: 3, settings: s) { Issue.record("electionAlg 0 accepted") }
    }
}
