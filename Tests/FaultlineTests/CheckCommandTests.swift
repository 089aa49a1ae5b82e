import Foundation
import Testing
@testable import Faultline

/// `faultline check`: verdicts, JSON, and bad input (exit 2 with file and line).
@Suite struct CheckCommandTests {
    static let corpus: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/data/porcupine").path
    }()

    func run(_ args: [String]) -> (code: Int32, out: String, err: String) {
        let console = CapturedConsole()
        let code = FaultlineCLI.run(["check"] + args, console: console)
        return (code, console.stdout, console.stderr)
    }

    func temporary(_ text: String, name: String = "history.edn") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-check-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func linearizableEtcdLogExitsZeroWithJSON() throws {
        let file = Self.corpus + "/jepsen/etcd_002.log"
        let r = run([file, "--model", "cas-register", "--json"])
        #expect(r.code == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        #expect(json["file"] as? String == file)
        #expect(json["model"] as? String == "cas-register")
        #expect(json["linearizable"] as? Bool == true)
        #expect(json["operations"] as? Int == 77)
        #expect(json["seconds"] is Double || json["seconds"] is Int)
    }

    @Test func nonLinearizableEtcdLogExitsOneAndExplains() {
        let r = run([Self.corpus + "/jepsen/etcd_000.log", "--model", "cas-register", "--format", "jepsen-log"])
        #expect(r.code == 1)
        #expect(r.out.contains("INVALID") && r.out.contains("No linearizable order exists"))
    }

    @Test func kvFileIsCheckedPerKey() {
        let ok = run([Self.corpus + "/kv/c10-ok.txt", "--model", "kv", "--json"])
        #expect(ok.code == 0 && ok.out.contains("\"linearizable\":true"))
        let bad = run([Self.corpus + "/kv/c10-bad.txt", "--model", "kv"])
        #expect(bad.code == 1 && bad.out.contains("key \""))
    }

    @Test func unknownWithinTheBudgetPrintsNullAndExitsOne() {
        let r = run([Self.corpus + "/jepsen/etcd_002.log", "--model", "cas-register", "--json", "--steps-max", "50"])
        #expect(r.code == 1 && r.out.contains("\"linearizable\":null"))
    }

    @Test func malformedHistoryExitsTwoNamingFileAndLine() throws {
        let path = try temporary("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :read, :value [1 2}\n")
        let r = run([path, "--model", "register"])
        #expect(r.code == 2)
        #expect(r.err.contains("\(path):2:"), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test func operationTheModelDoesNotKnowExitsTwoWithItsLine() throws {
        let path = try temporary("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :read}\n{:process 0, :type :invoke, :f :cas, :value [1 2]}\n")
        let r = run([path, "--model", "register"])
        #expect(r.code == 2)
        #expect(r.err.contains("\(path):3: the register model has no operation :cas"), "\(r.err)")
    }

    @Test func badUsageExitsTwoAndListsTheChoices() {
        let noModel = run([Self.corpus + "/kv/c01-ok.txt"])
        #expect(noModel.code == 2 && noModel.err.contains("--model is required"))
        let badModel = run([Self.corpus + "/kv/c01-ok.txt", "--model", "btree"])
        #expect(badModel.code == 2 && badModel.err.contains("cas-register, register, kv, set, queue, mutex"))
        let badFormat = run([Self.corpus + "/kv/c01-ok.txt", "--model", "kv", "--format", "csv"])
        #expect(badFormat.code == 2 && badFormat.err.contains("auto, jepsen-log, edn"))
        let missing = run(["/nonexistent.edn", "--model", "kv"])
        #expect(missing.code == 2 && missing.err.contains("/nonexistent.edn: no such file"))
        let noFile = run(["--model", "kv"])
        #expect(noFile.code == 2)
    }
}
