import Testing
import FaultlineHistory
@testable import FaultlineCheck

/// Whatever a damaged file still parses to, every model and invariant checker answers or
/// throws a `HistoryError`; none traps.
@Suite struct DamagedHistoryCheckTests {
    @Test func everyCheckerSurvivesMutatedHistories() {
        let source = Array("""
        {:process 0, :type :invoke, :f :cas, :value [1 2], :key "a"}
        {:process 0, :type :ok, :f :cas, :value [1 2], :key "a"}
        {:process 1, :type :invoke, :f :read, :key "a"}
        {:process 1, :type :ok, :f :read, :value [1 2], :key "a"}
        {:process 2, :type :invoke, :f :acquire}
        {:process 2, :type :info, :f :acquire}
        {:process 3, :type :invoke, :f :dequeue}
        {:process 3, :type :ok, :f :dequeue, :value "x"}
        """.utf8)
        let alphabet = Array("{}[]\" :0123456789abcdefgiknoqrstuvw".utf8)
        var rng = TestRandom(seed: 77)
        var checked = 0
        for _ in 0..<1500 {
            var bytes = source
            for _ in 0..<(1 + rng.below(3)) {
                let at = rng.below(bytes.count)
                if rng.chance(50) { bytes[at] = alphabet[rng.below(alphabet.count)] } else { bytes.remove(at: at) }
            }
            guard let h = try? HistoryFile.parse(bytes: bytes) else { continue }
            checked += 1
            for model in NamedModel.allCases { _ = try? model.check(pairs: h.pairs) }
            _ = try? SetLostWrites().check(h.history)
            _ = try? QueueDelivery().check(h.history)
            _ = try? StaleReads().check(h.history)
            _ = try? LockExclusivity().check(h.history)
            _ = try? MonotonicReads().check(h.history)
        }
        #expect(checked > 100, "\(checked) mutated histories were checked")
    }
}
