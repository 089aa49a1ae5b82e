import Foundation
import Testing
@testable import Faultline

/// The real systems' adapters: their names reach validation, their roles resolve at fire time.
@Suite struct SystemAdapterTests {
    @Test func misspeltRedisSettingIsRejectedWithTheRealNames() throws {
        let text = """
        { system: "redis", preset: "async", settings: { "min-replicas-to-wirte": 1 } }
        """
        do { _ = try Scenario.parse(Data(text.utf8), file: "r.json"); Issue.record("accepted a misspelt setting") } catch let e as ScenarioError {
            #expect(e.path == "settings.min-replicas-to-wirte")
            #expect(e.message.contains("min-replicas-to-write"))
            #expect(e.message.contains("down-after-milliseconds"))
        }
    }

    @Test func redisSettingsAreTypeCheckedAndCrossChecked() throws {
        for (settings, path) in [("{ appendfsync: \"sometimes\" }", "settings.appendfsync"),
                                 ("{ \"min-replicas-to-write\": 5 }", "settings.min-replicas-to-write"),
                                 ("{ quorum: 4 }", "settings.quorum"),
                                 ("{ \"down-after-milliseconds\": \"fast\" }", "settings.down-after-milliseconds")] {
            let text = "{ system: \"redis\", preset: \"async\", settings: \(settings) }"
            do { _ = try Scenario.parse(Data(text.utf8), file: "r.json"); Issue.record("accepted \(settings)") } catch let e as ScenarioError {
                #expect(e.path == path, "\(settings): \(e)")
            }
        }
    }

    @Test func zooKeeperRejectsWhatQuorumPeerConfigWouldRefuse() throws {
        let text = "{ system: \"zookeeper\", preset: \"standard\", settings: { electionAlg: 1 } }"
        do { _ = try Scenario.parse(Data(text.utf8), file: "z.json"); Issue.record("accepted electionAlg 1") } catch let e as ScenarioError {
            #expect(e.path == "settings")
            #expect(e.message.contains("electionAlg"))
        }
        let role = "{ system: \"zookeeper\", preset: \"standard\", faults: [{ at: \"1s\", do: \"crash\", target: \"primary\" }] }"
        do { _ = try Scenario.parse(Data(role.utf8), file: "z.json"); Issue.record("accepted a Redis role") } catch let e as ScenarioError {
            #expect(e.path == "faults[0].target")
            #expect(e.message.contains("roles: leader, follower, observer"))
            #expect(e.message.contains("zk1, zk2, zk3"))
        }
    }

    @Test func crashingTheLeaderHitsWhoeverLeadsThen() throws {
        var s = Scenario(name: "two leader crashes", system: "zookeeper", preset: "fast-ticks")
        s.workload.duration = .seconds(12)
        s.faults = [FaultSpec(.crash, at: .seconds(3), target: ["leader"], for: .seconds(2)),
                    FaultSpec(.crash, at: .seconds(8), target: ["leader"], for: .seconds(2))]
        s.checks = ["zk.atMostOneLeaderPerEpoch", "zk.noCommittedTxnLost"]
        let r = try s.run(seed: 4)
        #expect(r.faults.count == 2)
        #expect(r.faults[0].nodes.count == 1 && r.faults[1].nodes.count == 1)
        #expect(r.faults[0].nodes != r.faults[1].nodes, "the second crash hit the new leader: \(r.faults.map(\.nodes))")
        #expect(r.expectationsMet, "\(r.summary(scenario: s))")
    }

    @Test func everyRegisteredSystemListsConsistentMetadata() {
        for a in SystemRegistry.all {
            #expect(!a.presets.isEmpty, "\(a.name)")
            #expect(a.roles.contains(a.mainRole), "\(a.name)")
            for p in a.presets {
                for s in p.settings { #expect(a.setting(named: s.name) != nil, "\(a.name) preset \(p.name) sets unknown \(s.name)") }
                for c in p.promises where c != "convergence" { #expect(a.checks.contains { $0.name == c }, "\(a.name) promises unknown \(c)") }
            }
            for s in a.settings { #expect(s.problem(with: s.defaultValue) == nil, "\(a.name) \(s.name) default fails its own type") }
        }
        #expect(Set(SystemRegistry.names).count == SystemRegistry.names.count)
    }
}

@Suite struct ZooKeeperDiskFaultTests {
    @Test func diskFaultsReachTheServersSimDiskAndEndAtLiveness() throws {
        var s = Scenario(name: "disk faults", system: "zookeeper", preset: "fast-ticks")
        s.workload.duration = .seconds(6)
        var slow = FaultSpec(.disk, at: .seconds(2), target: ["follower"]); slow.diskFault = "slow-sync"
        var eio = FaultSpec(.disk, at: .seconds(2), target: ["leader"]); eio.diskFault = "sync-error"
        s.faults = [slow, eio]
        s.expect = [("linearizable", .any), ("zk.noCommittedTxnLost", .any), ("convergence", .any)]
        let r = try s.run(seed: 2)
        #expect(r.faults.map(\.summary).contains { $0.hasPrefix("disk slow-sync zk") })
        #expect(r.faults.map(\.summary).contains { $0.hasPrefix("disk sync-error zk") })
        #expect(r.faults.allSatisfy { $0.nodes.count == 1 })
        #expect(r.check("zk.atMostOneLeaderPerEpoch")?.passed == true)
    }

    @Test func anUnknownDiskFaultListsTheOnesTheSystemHas() throws {
        let text = "{ system: \"zookeeper\", preset: \"standard\", faults: [{ at: \"1s\", do: \"disk\", target: \"zk1\", fault: \"melt\" }] }"
        do { _ = try Scenario.parse(Data(text.utf8), file: "z.json"); Issue.record("accepted melt") } catch let e as ScenarioError {
            #expect(e.path == "faults[0].fault")
            #expect(e.message.contains("torn-write") && e.message.contains("bit-flip"))
        }
    }
}

@Suite struct GenericHistoryCheckTests {
    @Test func anyFaultlineCheckCheckerRunsOnAnySystemsHistory() throws {
        var s = Scenario(name: "generic", system: "zookeeper", preset: "fast-ticks")
        s.workload.duration = .seconds(5)
        s.checks = ["linearizable:cas-register", "monotonic-reads"]
        let r = try s.run(seed: 3)
        #expect(r.check("linearizable:cas-register")?.passed == true)
        #expect(r.check("linearizable:cas-register")?.detail.contains("cas-register") == true)
        #expect(r.check("monotonic-reads") != nil)
    }

    @Test func aHistoryCheckThatDoesNotFitTheHistoryIsUnknownNotPassed() throws {
        var s = try TestSupport.scenario()
        s.checks = ["linearizable:queue"]
        s.expect = [("linearizable:queue", .any)]
        let r = try s.run()
        #expect(r.check("linearizable:queue")?.passed != true, "adds and reads are not queue operations")
    }
}
