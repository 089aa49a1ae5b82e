import FaultlineHistory
@testable import FaultlineCheck

/// Linearizability by definition, for tiny histories: try every order of every subset
/// of the indeterminate operations. No memo, no pruning: the reference the real search
/// is compared with.
enum BruteForce {
    static func linearizable<M: LinearizabilityModel>(_ history: History, model: M) throws -> Bool {
        var model = model
        var calls: [(input: M.Input, output: M.Output, required: Bool, call: Int, ret: Int)] = []
        for pair in try history.pairs() {
            switch try model.call(for: pair) {
            case .required(let i, let o): calls.append((i, o, true, pair.invoke.index, pair.completionIndex))
            case .optional(let i, let o): calls.append((i, o, false, pair.invoke.index, Int.max))
            case .omitted: break
            }
        }
        var placed = [Bool](repeating: false, count: calls.count)
        func search(_ state: M.State, _ left: Int) -> Bool {
            if left == 0 { return true }
            for x in calls.indices where !placed[x] {
                // x may go next only if every required op that completed before x was invoked is placed.
                let blocked = calls.indices.contains { y in !placed[y] && y != x && calls[y].required && calls[y].ret < calls[x].call }
                if blocked { continue }
                guard let next = model.step(state, calls[x].input, calls[x].output) else { continue }
                placed[x] = true
                let done = search(next, left - (calls[x].required ? 1 : 0))
                placed[x] = false
                if done { return true }
            }
            return false
        }
        return search(model.initialState, calls.filter(\.required).count)
    }
}

/// A small deterministic generator for the tests (SplitMix64).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
