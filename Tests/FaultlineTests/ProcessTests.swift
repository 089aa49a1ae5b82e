import Foundation
import Testing
@testable import Faultline

/// The built executable, run as users run it.
@Suite struct ProcessTests {
    @Test func twoProcessesWithTheSameSeedPrintTheSameTraceHash() throws {
        guard let exe = TestSupport.executable else {
            print("skipping: no built faultline executable beside the test binary"); return
        }
        let dir = TestSupport.temporaryDirectory("spawn")
        let path = TestSupport.write(TestSupport.isolatedPrimary, dir, "s.json")
        func hash(_ seed: Int) throws -> String {
            let r = try TestSupport.spawn(exe, ["run", path, "--seed", "\(seed)", "--json"])
            #expect(r.code == 0)
            guard case .string(let h)? = try JSONValue.parse(Data(r.out.utf8), file: "out")["trace_hash"] else { return "" }
            return h
        }
        let a = try hash(21), b = try hash(21), c = try hash(22)
        #expect(a.count == 16)
        #expect(a == b)
        #expect(a != c)
    }

    @Test(arguments: ["zookeeper-leader-isolated-in-minority.json", "redis-min-replicas-bounds-lost-writes.json"])
    func bundledStoryGivesTheSameTraceHashInTwoProcesses(_ name: String) throws {
        guard let exe = TestSupport.executable else {
            print("skipping: no built faultline executable beside the test binary"); return
        }
        let path = TestSupport.packageRoot.appendingPathComponent("scenarios").appendingPathComponent(name).path
        func hash(_ seed: Int) throws -> JSONValue? {
            try JSONValue.parse(Data(try TestSupport.spawn(exe, ["run", path, "--seed", "\(seed)", "--json"]).out.utf8), file: "out")["trace_hash"]
        }
        let a = try hash(3), b = try hash(3), c = try hash(4)
        #expect(a != nil && a == b)
        #expect(a != c)
    }

    @Test func fuzzWithTwoWorkerProcessesGivesTheSameHashesAsOne() throws {
        guard let exe = TestSupport.executable else {
            print("skipping: no built faultline executable beside the test binary"); return
        }
        let dir = TestSupport.temporaryDirectory("jobs")
        let text = """
        { system: "primary-backup", preset: "sync", workload: { clients: 2, duration: "4s" },
          nemesis: { kinds: ["partition", "crash"], interval: "500ms..1s", duration: "500ms..1s" } }
        """
        let path = TestSupport.write(text, dir, "f.json")
        let one = try TestSupport.spawn(exe, ["fuzz", path, "--seeds", "6", "--jobs", "1", "--json", "--out", dir.path])
        let two = try TestSupport.spawn(exe, ["fuzz", path, "--seeds", "6", "--jobs", "2", "--json", "--out", dir.path])
        let h1 = try JSONValue.parse(Data(one.out.utf8), file: "one")["trace_hashes"]
        let h2 = try JSONValue.parse(Data(two.out.utf8), file: "two")["trace_hashes"]
        #expect(h1 != nil && h1 == h2)
        #expect(one.code == two.code)
    }

    @Test func matrixOverThreeWorkerProcessesPrintsTheSameTableAsOne() throws {
        guard let exe = TestSupport.executable else {
            print("skipping: no built faultline executable beside the test binary"); return
        }
        let args = ["matrix", "primary-backup", "--seeds", "2", "--duration", "6s", "--json"]
        let one = try TestSupport.spawn(exe, args + ["--jobs", "1"])
        let three = try TestSupport.spawn(exe, args + ["--jobs", "3"])
        #expect(one.code == 0 && three.code == 0)
        let cells = try JSONValue.parse(Data(one.out.utf8), file: "one")["cells"]
        let cellsOfThree = try JSONValue.parse(Data(three.out.utf8), file: "three")["cells"]
        #expect(cells != nil && cells == cellsOfThree)
    }
}
