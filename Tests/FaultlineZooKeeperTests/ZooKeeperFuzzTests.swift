import Testing
import FaultlineCore
import FaultlineHistory
import FaultlineCheck
@testable import FaultlineZooKeeper

@Suite struct ZooKeeperFuzzTests {
    static func check(_ r: ZooKeeperFuzzResult) -> String? {
        if let v = r.violation { return "seed \(r.seed): \(v)\n" + r.faults.suffix(15).joined(separator: "\n") }
        if let l = r.livenessFailure { return "seed \(r.seed): \(l)\n" + r.faults.suffix(15).joined(separator: "\n") }
        do {
            let report = try LinearizabilityChecker(model: CASRegisterModel()).check(r.history)
            if report.linearizable != true { return "seed \(r.seed): history not linearizable: \(String(describing: report.failure))" }
        } catch { return "seed \(r.seed): history error \(error)" }
        return nil
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomFaultsAgainstFiveServersKeepInvariantsAndLinearizableWrites(seed: UInt64) {
        let r = ZooKeeperFuzz.run(seed: seed)
        #expect(ZooKeeperFuzzTests.check(r) == nil, "\(ZooKeeperFuzzTests.check(r) ?? "")")
        #expect(r.casOK > 20, "seed \(seed): the workload made progress (\(r.casOK) cas ok)")
        #expect(r.epochsEstablished >= 1)
    }

    @Test func sameSeedGivesTheSameRun() {
        var o = ZooKeeperFuzzOptions(); o.safetyDuration = .seconds(10)
        let a = ZooKeeperFuzz.run(seed: 9, options: o), b = ZooKeeperFuzz.run(seed: 9, options: o)
        #expect(a.traceHash == b.traceHash && a.events == b.events && a.history.count == b.history.count)
    }

    /// The cas history of a run is checked for real: a forged duplicate swap must fail it.
    @Test func forgedDuplicateSwapIsCaughtByTheChecker() throws {
        var o = ZooKeeperFuzzOptions(); o.safetyDuration = .seconds(10)
        let r = ZooKeeperFuzz.run(seed: 5, options: o)
        var h = r.history
        guard let ok = r.history.operations.last(where: { $0.type == .ok && $0.f == "cas" }) else { Issue.record("no cas"); return }
        let t = r.history.operations.last!.time + 1
        h.append(Operation(process: 999, type: .invoke, f: "cas", key: ok.key, value: ok.value, time: t, node: nil))
        h.append(Operation(process: 999, type: .ok, f: "cas", key: ok.key, value: ok.value, time: t + 1, node: nil))
        #expect(try LinearizabilityChecker(model: CASRegisterModel()).check(r.history).linearizable == true)
        #expect(try LinearizabilityChecker(model: CASRegisterModel()).check(h).linearizable == false)
    }
}
