import Foundation
import Testing
import FaultlineHistory
@testable import FaultlineCheck

/// Thousands of tiny concurrent histories, checked by the search and by brute force.
///
/// Histories come from a simulated object with real linearization points, then some
/// answers are corrupted, so both verdicts occur. Processes crash (`info`), fail
/// operations, and leave operations pending at the end.
@Suite struct RandomHistoryTests {
    /// One generated history over a register with cas, or a queue, or a kv key.
    enum Kind { case casRegister, queue, kv, mutex }

    static func generate(_ kind: Kind, rng: inout TestRandom) -> History {
        let processes = 2 + rng.below(2)
        var opsLeft = 3 + rng.below(4)
        var h = History()
        var time: Int64 = 0
        // Per process: nil idle, or (f, value, applied result) of its operation in flight.
        var inFlight = [(f: String, value: Value, result: Value?, applied: Bool)?](repeating: nil, count: processes)
        var crashed = [Bool](repeating: false, count: processes)
        var register: Value = .null
        var queue: [Value] = []
        var text = ""
        var holder = -1
        while true {
            let live = (0..<processes).filter { !crashed[$0] && (inFlight[$0] != nil || opsLeft > 0) }
            if live.isEmpty { break }
            let p = live[rng.below(live.count)]
            time += 1
            if var op = inFlight[p] {
                if !op.applied && rng.chance(60) {
                    // The linearization point: the operation takes effect now.
                    op.applied = true
                    switch (kind, op.f) {
                    case (.casRegister, "read"): op.result = register
                    case (.casRegister, "write"): register = op.value
                    case (.casRegister, "cas"):
                        let l = op.value.listValue!
                        if register == l[0] { register = l[1]; op.result = .bool(true) } else { op.result = .bool(false) }
                    case (.queue, "enqueue"): queue.append(op.value)
                    case (.queue, "dequeue"): op.result = queue.isEmpty ? .null : queue.removeFirst()
                    case (.kv, "get"): op.result = .string(text)
                    case (.kv, "put"): text = op.value.stringValue!
                    case (.kv, "append"): text += op.value.stringValue!
                    case (.mutex, "acquire"):
                        if holder == -1 { holder = p; op.result = .bool(true) } else { op.result = .bool(false) }
                    case (.mutex, "release"):
                        if holder == p { holder = -1; op.result = .bool(true) } else { op.result = .bool(false) }
                    default: break
                    }
                    inFlight[p] = op
                    continue
                }
                // Complete it.
                var type = OpType.ok
                var value = op.result ?? op.value
                if !op.applied {
                    // Never took effect: it fails, or the client gives up (info) and crashes.
                    type = rng.chance(50) ? .fail : .info
                    if kind == .casRegister && op.f == "cas" && type == .fail { type = .info }   // :fail :cas means "compared"
                    value = op.value
                } else if rng.chance(10) {
                    type = .info; value = op.value      // took effect, but the answer was lost
                } else {
                    switch (kind, op.f) {
                    case (.casRegister, "cas"): type = op.result == .bool(true) ? .ok : .fail; value = op.value
                    case (.mutex, _): type = op.result == .bool(true) ? .ok : .fail; value = .null
                    case (_, "write"), (_, "enqueue"), (_, "put"), (_, "append"): value = op.value
                    default: break
                    }
                    if type == .ok && rng.chance(20) { value = corrupt(value, kind: kind, f: op.f, rng: &rng) }
                    if kind == .mutex && type == .fail && rng.chance(40) { type = .ok }     // claims a lock it did not get
                }
                h.append(Operation(process: p, type: type, f: op.f, key: kind == .kv ? "k" : nil, value: value, time: time))
                inFlight[p] = nil
                if type == .info { crashed[p] = true }
                continue
            }
            guard opsLeft > 0 else { continue }
            opsLeft -= 1
            let (f, value) = invocation(kind, rng: &rng)
            h.append(Operation(process: p, type: .invoke, f: f, key: kind == .kv ? "k" : nil, value: value, time: time))
            inFlight[p] = (f, value, nil, false)
        }
        // Sometimes leave the last operations pending: drop trailing completions.
        if rng.chance(30) {
            var ops = h.operations
            while let last = ops.last, last.type != .invoke, rng.chance(50) { ops.removeLast() }
            h = History(ops)
        }
        return h
    }

    static func invocation(_ kind: Kind, rng: inout TestRandom) -> (String, Value) {
        let v = Value.int(Int64(rng.below(3)))
        switch kind {
        case .casRegister:
            switch rng.below(3) {
            case 0: return ("read", .null)
            case 1: return ("write", v)
            default: return ("cas", .list([v, .int(Int64(rng.below(3)))]))
            }
        case .queue: return rng.chance(50) ? ("enqueue", v) : ("dequeue", .null)
        case .kv:
            switch rng.below(3) {
            case 0: return ("get", .null)
            case 1: return ("put", .string(["a", "b", ""][rng.below(3)]))
            default: return ("append", .string(["a", "b"][rng.below(2)]))
            }
        case .mutex: return rng.chance(50) ? ("acquire", .null) : ("release", .null)
        }
    }

    static func corrupt(_ v: Value, kind: Kind, f: String, rng: inout TestRandom) -> Value {
        switch (kind, f) {
        case (.casRegister, "read"), (.queue, "dequeue"): return rng.chance(25) ? .null : .int(Int64(rng.below(3)))
        case (.kv, "get"): return .string(["", "a", "b", "ab", "ba"][rng.below(5)])
        default: return v
        }
    }

    /// `FAULTLINE_RANDOM_HISTORIES_SCALE=20` runs twenty times as many, for a longer sweep by hand.
    static let scale = Int(ProcessInfo.processInfo.environment["FAULTLINE_RANDOM_HISTORIES_SCALE"] ?? "") ?? 1

    func compare<M: LinearizabilityModel>(_ kind: Kind, model: M, seed: UInt64, count: Int) throws -> (valid: Int, invalid: Int) {
        var rng = TestRandom(seed: seed)
        let count = count * Self.scale
        var valid = 0, invalid = 0
        for i in 0..<count {
            let h = Self.generate(kind, rng: &rng)
            let expected = try BruteForce.linearizable(h, model: model)
            let report = try LinearizabilityChecker(model: model).check(h)
            let listing = h.operations.map(\.description).joined(separator: "\n")
            #expect(report.linearizable == expected, "history \(i) of seed \(seed):\n\(listing)")
            if report.linearizable != expected { break }
            if expected { valid += 1 } else {
                invalid += 1
                #expect(report.failure != nil, "a failure comes with its explanation")
            }
        }
        return (valid, invalid)
    }

    @Test func searchAgreesWithBruteForceOnCASRegisterHistories() throws {
        for seed: UInt64 in [1, 2] {
            let (valid, invalid) = try compare(.casRegister, model: CASRegisterModel(), seed: seed, count: 1500)
            #expect(valid > 300 && invalid > 75, "both verdicts occur: \(valid) valid, \(invalid) invalid")
        }
    }

    @Test func searchAgreesWithBruteForceOnQueueHistories() throws {
        let (valid, invalid) = try compare(.queue, model: QueueModel(), seed: 3, count: 1500)
        #expect(valid > 300 && invalid > 150, "\(valid) valid, \(invalid) invalid")
    }

    @Test func searchAgreesWithBruteForceOnKVHistories() throws {
        let (valid, invalid) = try compare(.kv, model: KVModel(), seed: 4, count: 1500)
        #expect(valid > 300 && invalid > 150, "\(valid) valid, \(invalid) invalid")
    }

    @Test func searchAgreesWithBruteForceOnMutexHistories() throws {
        let (valid, invalid) = try compare(.mutex, model: MutexModel(), seed: 5, count: 1500)
        #expect(valid > 200 && invalid > 50, "\(valid) valid, \(invalid) invalid")
    }
}

/// Medium histories (too long for brute force): the pruned search against plain
/// Wing-Gong-Lowe with the same memo, which the brute-force tests vouch for.
@Suite struct PruningAgreementTests {
    static func medium(_ kind: RandomHistoryTests.Kind, rng: inout TestRandom) -> History {
        // Four small histories with their own process ids; pairs of them interleaved at
        // random (two groups of clients racing), the pairs one after the other.
        var rounds: [[FaultlineHistory.Operation]] = []
        for round in 0..<4 {
            rounds.append(RandomHistoryTests.generate(kind, rng: &rng).operations.map { op in
                var op = op; op.process += 10 * round; return op
            })
        }
        var all: [FaultlineHistory.Operation] = []
        for pair in [(0, 1), (2, 3)] {
            var a = rounds[pair.0][...], b = rounds[pair.1][...]
            while !a.isEmpty || !b.isEmpty {
                if b.isEmpty || (!a.isEmpty && rng.chance(50)) { all.append(a.removeFirst()) } else { all.append(b.removeFirst()) }
            }
        }
        for i in all.indices { all[i].time = Int64(i + 1) }
        return History(all)
    }

    func agree<M: LinearizabilityModel>(_ kind: RandomHistoryTests.Kind, model: M, seed: UInt64, count: Int) throws -> (Int, Int) {
        var rng = TestRandom(seed: seed)
        var valid = 0, invalid = 0
        for i in 0..<(count * RandomHistoryTests.scale) {
            let h = Self.medium(kind, rng: &rng)
            var plain = LinearizabilityChecker(model: model)
            plain.pruning = false
            let expected = try plain.check(h).linearizable
            let got = try LinearizabilityChecker(model: model).check(h).linearizable
            let listing = h.operations.map(\.description).joined(separator: "\n")
            #expect(got == expected, "history \(i) of seed \(seed):\n\(listing)")
            if got != expected { break }
            if expected == true { valid += 1 } else { invalid += 1 }
        }
        return (valid, invalid)
    }

    @Test func prunedSearchAgreesWithPlainSearchOnLongerRegisterHistories() throws {
        let (valid, invalid) = try agree(.casRegister, model: CASRegisterModel(), seed: 11, count: 400)
        #expect(valid > 40 && invalid > 40, "\(valid) valid, \(invalid) invalid")
    }

    @Test func prunedSearchAgreesWithPlainSearchOnLongerKVHistories() throws {
        let (valid, invalid) = try agree(.kv, model: KVModel(), seed: 12, count: 400)
        #expect(valid > 40 && invalid > 40, "\(valid) valid, \(invalid) invalid")
    }
}
