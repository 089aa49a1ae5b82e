import Foundation
import Testing
@testable import Faultline

/// Bad scenario files must never crash and must say which field is wrong.
@Suite struct ScenarioValidationTests {
    /// A mutation of the valid scenario and the JSON path its error must name.
    struct Case { let text: String; let path: String }

    /// More than a hundred malformed files, generated from the valid one.
    static func malformed() -> [Case] {
        let base = TestSupport.isolatedPrimary
        func replace(_ a: String, _ b: String, _ path: String) -> Case {
            precondition(base.contains(a), "the base scenario has \(a)")
            return Case(text: base.replacingOccurrences(of: a, with: b), path: path)
        }
        var cases: [Case] = []
        // Wrong types.
        let wrongTypes: [(String, String, String)] = [
            ("name: \"isolated-primary\"", "name: 7", "name"),
            ("system: \"primary-backup\"", "system: 1", "system"),
            ("preset: \"async\"", "preset: [\"async\"]", "preset"),
            ("seed: 3", "seed: \"3\"", "seed"), ("seed: 3", "seed: -1", "seed"), ("seed: 3", "seed: 1.5", "seed"),
            ("clients: 2", "clients: \"2\"", "workload.clients"), ("clients: 2", "clients: 0", "workload.clients"),
            ("clients: 2", "clients: 1000", "workload.clients"), ("clients: 2", "clients: 2.5", "workload.clients"),
            ("clients: 2", "clients: true", "workload.clients"), ("clients: 2", "clients: null", "workload.clients"),
            ("keys: 2", "keys: \"two\"", "workload.keys"), ("keys: 2", "keys: 0", "workload.keys"), ("keys: 2", "keys: []", "workload.keys"),
            ("mix: { add: 3, read: 1 }", "mix: [\"add\"]", "workload.mix"), ("mix: { add: 3, read: 1 }", "mix: { add: \"3\" }", "workload.mix.add"),
            ("mix: { add: 3, read: 1 }", "mix: { add: -1 }", "workload.mix.add"), ("mix: { add: 3, read: 1 }", "mix: { add: 0 }", "workload.mix"),
            ("mix: { add: 3, read: 1 }", "mix: {}", "workload.mix"),
            ("network: { latency: \"200us..1ms\" }", "network: \"lan\"", "network"),
            ("network: { latency: \"200us..1ms\" }", "network: { latency: 5 }", "network.latency"),
            ("network: { latency: \"200us..1ms\" }", "network: { latency: \"1ms..200us\" }", "network.latency"),
            ("network: { latency: \"200us..1ms\" }", "network: { drop: \"lots\" }", "network.drop"),
            ("network: { latency: \"200us..1ms\" }", "network: { duplicate: 2 }", "network.duplicate"),
            ("network: { latency: \"200us..1ms\" }", "network: { reorder: \"3/2\" }", "network.reorder"),
            ("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }", "\"isolate\"", "faults[0]"),
            ("target: \"primary\"", "target: 3", "faults[0].target"), ("target: \"primary\"", "target: [3]", "faults[0].target[0]"),
            ("do: \"isolate\"", "do: 1", "faults[0].do"), ("do: \"isolate\"", "do: true", "faults[0].do"),
            ("liveness: { within: \"10s\" }", "liveness: \"yes\"", "liveness"),
            ("liveness: { within: \"10s\" }", "liveness: { enabled: \"yes\" }", "liveness.enabled"),
            ("checks: [\"lost-writes\", \"election-safety\"]", "checks: 5", "checks"),
            ("checks: [\"lost-writes\", \"election-safety\"]", "checks: [5]", "checks[0]"),
            ("expect: { \"lost-writes\": \"fail\" }", "expect: [\"fail\"]", "expect"),
            ("expect: { \"lost-writes\": \"fail\" }", "expect: { \"lost-writes\": false }", "expect.lost-writes"),
            ("expect: { \"lost-writes\": \"fail\" }", "expect: { \"lost-writes\": \"sometimes\" }", "expect.lost-writes"),
        ]
        for (a, b, p) in wrongTypes { cases.append(replace(a, b, p)) }
        // Unknown fields, at every level.
        let unknown: [(String, String, String)] = [
            ("seed: 3,", "seed: 3, colour: \"red\",", "colour"), ("seed: 3,", "seed: 3, fault: [],", "fault"),
            ("seed: 3,", "seed: 3, Seed: 4,", "Seed"), ("seed: 3,", "seed: 3, nemises: {},", "nemises"),
            ("clients: 2,", "clients: 2, client: 3,", "workload.client"), ("clients: 2,", "clients: 2, rate: 10,", "workload.rate"),
            ("latency: \"200us..1ms\"", "latency: \"200us..1ms\", loss: \"1%\"", "network.loss"),
            ("for: \"3s\" }", "for: \"3s\", until: \"5s\" }", "faults[0].until"),
            ("for: \"3s\" }", "for: \"3s\", ppm: 5 }", "faults[0].ppm"),
            ("for: \"3s\" }", "for: \"3s\", by: \"1s\" }", "faults[0].by"),
            ("for: \"3s\" }", "for: \"3s\", groups: [] }", "faults[0].groups"),
            ("within: \"10s\"", "within: \"10s\", after: \"1s\"", "liveness.after"),
            ("expect: { \"lost-writes\": \"fail\" }", "expect: { \"lost-write\": \"fail\" }", "expect.lost-write"),
            ("checks: [\"lost-writes\", \"election-safety\"]", "checks: [\"lost-writes\", \"linearizable\"]", "checks[1]"),
            ("mix: { add: 3, read: 1 }", "mix: { add: 3, cas: 1 }", "workload.mix.cas"),
            ("seed: 3,", "seed: 3, settings: { \"sync-ack\": 1 },", "settings.sync-ack"),
            ("seed: 3,", "seed: 3, settings: { \"min-replicas-to-write\": 1 },", "settings.min-replicas-to-write"),
        ]
        for (a, b, p) in unknown { cases.append(replace(a, b, p)) }
        // Missing fields.
        cases.append(replace("system: \"primary-backup\",", "", "system"))
        cases.append(replace("preset: \"async\",", "", "preset"))
        cases.append(replace("at: \"1s\", ", "", "faults[0].at"))
        cases.append(replace("do: \"isolate\", ", "", "faults[0].do"))
        cases.append(replace("target: \"primary\", ", "", "faults[0].target"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }", "{ at: \"1s\", do: \"partition\" }", "faults[0].groups"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }", "{ at: \"1s\", do: \"clock-jump\", target: \"n1\" }", "faults[0].by"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }", "{ at: \"1s\", do: \"clock-drift\", target: \"n1\" }", "faults[0].ppm"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }", "{ at: \"1s\", do: \"one-way\", target: \"n1\" }", "faults[0].to"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }", "{ at: \"1s\", do: \"clog\", target: \"n1\" }", "faults[0].for"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }", "{ at: \"1s\", do: \"crash\" }", "faults[0].target"))
        cases.append(replace("seed: 3,", "seed: 3, nemesis: { interval: \"1s..2s\" },", "nemesis.kinds"))
        cases.append(replace("seed: 3,", "seed: 3, nemesis: { kinds: [] },", "nemesis.kinds"))
        // Bad durations.
        for (i, bad) in ["3", "3 s", "-3s", "3sec", "three seconds", "1.5", "s", "1.0000000001s", "3s3", "1m30", "", "1..2s", "99999999999999999999s", "0.5ns"].enumerated() {
            let field = ["faults[0].for", "faults[0].at", "workload.duration", "workload.timeout", "workload.interval", "liveness.within"][i % 6]
            switch field {
            case "faults[0].for": cases.append(replace("for: \"3s\"", "for: \"\(bad)\"", field))
            case "faults[0].at": cases.append(replace("at: \"1s\"", "at: \"\(bad)\"", field))
            case "workload.duration": cases.append(replace("duration: \"6s\"", "duration: \"\(bad)\"", field))
            case "workload.timeout": cases.append(replace("timeout: \"1s\"", "timeout: \"\(bad)\"", field))
            case "workload.interval": cases.append(replace("interval: \"50ms\"", "interval: \"\(bad)\"", field))
            default: cases.append(replace("within: \"10s\"", "within: \"\(bad)\"", field))
            }
        }
        cases.append(replace("for: \"3s\"", "for: 3", "faults[0].for"))
        cases.append(replace("duration: \"6s\"", "duration: \"0\"", "workload.duration"))
        cases.append(replace("timeout: \"1s\"", "timeout: \"0\"", "workload.timeout"))
        cases.append(replace("seed: 3,", "seed: 3, nemesis: { kinds: [\"crash\"], interval: \"5s..1s\" },", "nemesis.interval"))
        cases.append(replace("seed: 3,", "seed: 3, nemesis: { kinds: [\"crash\"], duration: \"soon\" },", "nemesis.duration"))
        cases.append(replace("seed: 3,", "seed: 3, settings: { \"failover-timeout\": \"soon\" },", "settings.failover-timeout"))
        cases.append(replace("seed: 3,", "seed: 3, settings: { \"failover-timeout\": -5 },", "settings.failover-timeout"))
        // Unknown roles, nodes, systems, presets, values.
        for bad in ["leader", "master", "n9", "n0", "Primary", "replica", "sentinel", "everyone", ""] {
            cases.append(replace("target: \"primary\"", "target: \"\(bad)\"", "faults[0].target"))
        }
        cases.append(replace("target: \"primary\"", "target: [\"primary\", \"leader\"]", "faults[0].target[1]"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }",
                             "{ at: \"1s\", do: \"partition\", groups: [[\"primary\"], [\"follower\"]] }", "faults[0].groups[1][0]"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }",
                             "{ at: \"1s\", do: \"partition\", groups: [[\"primary\"]] }", "faults[0].groups"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }",
                             "{ at: \"1s\", do: \"bridge\", via: \"chief\" }", "faults[0].via"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }",
                             "{ at: \"1s\", do: \"one-way\", target: \"n1\", to: \"n7\" }", "faults[0].to"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }",
                             "{ at: \"1s\", do: \"disk\", target: \"n1\", fault: \"melt\" }", "faults[0].fault"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }",
                             "{ at: \"1s\", do: \"heal\", for: \"2s\" }", "faults[0].for"))
        cases.append(replace("{ at: \"1s\", do: \"isolate\", target: \"primary\", for: \"3s\" }",
                             "{ at: \"1s\", do: \"clock-drift\", target: \"n1\", ppm: 900000 }", "faults[0].ppm"))
        cases.append(replace("seed: 3,", "seed: 3, nemesis: { kinds: [\"crash\"], targets: [\"boss\"] },", "nemesis.targets[0]"))
        cases.append(replace("seed: 3,", "seed: 3, nemesis: { kinds: [\"meteor\"] },", "nemesis.kinds[0]"))
        cases.append(replace("seed: 3,", "seed: 3, nemesis: { kinds: [\"disk\", \"flood\"] },", "nemesis.kinds[1]"))
        cases.append(replace("do: \"isolate\"", "do: \"explode\"", "faults[0].do"))
        cases.append(replace("do: \"isolate\"", "do: \"Isolate\"", "faults[0].do"))
        cases.append(replace("system: \"primary-backup\"", "system: \"cassandra\"", "system"))
        cases.append(replace("preset: \"async\"", "preset: \"cp\"", "preset"))
        cases.append(replace("seed: 3,", "seed: 3, nodes: 1,", "nodes"))
        cases.append(replace("seed: 3,", "seed: 3, nodes: 99,", "nodes"))
        cases.append(replace("seed: 3,", "seed: 3, nodes: \"three\",", "nodes"))
        cases.append(replace("seed: 3,", "seed: 3, settings: { \"sync-acks\": \"most\" },", "settings.sync-acks"))
        cases.append(replace("seed: 3,", "seed: 3, settings: { \"sync-acks\": \"5\" },", "settings.sync-acks"))
        cases.append(replace("seed: 3,", "seed: 3, settings: { \"heartbeat-interval\": [1] },", "settings.heartbeat-interval"))
        cases.append(replace("seed: 3,", "seed: 3, settings: [1],", "settings"))
        cases.append(replace("seed: 3,", "seed: 3, recorded: { trace_hash: \"xyz\" },", "recorded.trace_hash"))
        cases.append(replace("seed: 3,", "seed: 3, recorded: { trace_hash: \"0123456789abcdef\", checkpoints: [[1]] },", "recorded.checkpoints[0]"))
        return cases
    }

    @Test func aHundredMalformedScenariosExitTwoNamingTheField() throws {
        let cases = ScenarioValidationTests.malformed()
        #expect(cases.count >= 100)
        print("malformed scenario cases: \(cases.count)")
        let dir = TestSupport.temporaryDirectory("malformed")
        for (i, c) in cases.enumerated() {
            let path = TestSupport.write(c.text, dir, "bad-\(i).json")
            let r = TestSupport.cli(["run", path])
            #expect(r.code == ExitCode.usage, "case \(i) (\(c.path)) gave exit \(r.code): \(r.err)\(r.out.prefix(200))")
            #expect(r.err.contains(path), "case \(i) names the file: \(r.err)")
            #expect(r.err.contains(": \(c.path): "), "case \(i) should name \(c.path): \(r.err)")
        }
    }

    @Test func unknownFieldListsTheValidOnes() throws {
        let text = TestSupport.isolatedPrimary.replacingOccurrences(of: "seed: 3,", with: "seed: 3, colour: 1,")
        do { _ = try TestSupport.scenario(text); Issue.record("accepted an unknown field") } catch let e as ScenarioError {
            #expect(e.path == "colour")
            #expect(e.message.contains("valid fields here: name, description, system, preset"))
        }
    }

    @Test func unknownSettingAndRoleComeFromTheAdapter() throws {
        let text = TestSupport.isolatedPrimary.replacingOccurrences(of: "seed: 3,", with: "seed: 3, settings: { \"appendfsync\": \"always\" },")
        do { _ = try TestSupport.scenario(text); Issue.record("accepted an unknown setting") } catch let e as ScenarioError {
            #expect(e.path == "settings.appendfsync")
            #expect(e.message.contains("sync-acks, failover-timeout, heartbeat-interval"))
        }
        let role = TestSupport.isolatedPrimary.replacingOccurrences(of: "target: \"primary\"", with: "target: \"leader\"")
        do { _ = try TestSupport.scenario(role); Issue.record("accepted an unknown role") } catch let e as ScenarioError {
            #expect(e.message.contains("roles: primary, backup"))
            #expect(e.message.contains("nodes: n1, n2, n3"))
        }
    }

    @Test func syntaxErrorsAndMissingFilesAreExitTwo() {
        let dir = TestSupport.temporaryDirectory("syntax")
        let broken = TestSupport.write("{ system: \"primary-backup\", preset: ", dir, "broken.json")
        let r = TestSupport.cli(["run", broken])
        #expect(r.code == ExitCode.usage)
        #expect(r.err.contains("broken.json: is not valid JSON5"))
        let missing = TestSupport.cli(["run", dir.appendingPathComponent("nope.json").path])
        #expect(missing.code == ExitCode.usage)
        #expect(missing.err.contains("cannot read the file"))
        let empty = TestSupport.cli(["run", TestSupport.write("", dir, "empty.json")])
        #expect(empty.code == ExitCode.usage)
    }
}

/// Random damage to a valid file: every outcome is a scenario or a ScenarioError, never a crash.
@Suite struct ScenarioMutationTests {
    @Test func randomlyDamagedScenarioFilesNeverCrashTheReader() {
        let base = Array(TestSupport.isolatedPrimary.utf8)
        var random = SeededRandom(seed: 99, stream: "mutations")
        let alphabet = Array("{}[]:,\"'/*-0123456789.sxyz \n".utf8)
        var rejected = 0
        for _ in 0..<400 {
            var bytes = base
            for _ in 0...Int(random.below(4)) {
                let i = random.index(bytes.count)
                switch random.below(3) {
                case 0: bytes[i] = alphabet[random.index(alphabet.count)]
                case 1: bytes.remove(at: i)
                default: bytes.insert(alphabet[random.index(alphabet.count)], at: i)
                }
            }
            do { _ = try Scenario.parse(Data(bytes), file: "m.json") } catch is ScenarioError { rejected += 1 } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
        #expect(rejected > 100)
    }

    @Test func absurdNestingIsRefusedBeforeDecoding() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        do { _ = try Scenario.parse(Data(deep.utf8), file: "deep.json"); Issue.record("accepted") } catch let e as ScenarioError {
            #expect(e.message.contains("deeper than"))
        } catch { Issue.record("\(error)") }
    }
}
