/// One partition's operations, ready for the search: flat arrays indexed by operation.
struct SearchProblem<M: LinearizabilityModel> {
    var inputs: [M.Input] = []
    var outputs: [M.Output] = []
    /// True when the operation must be linearized (it completed with an answer).
    var required: [Bool] = []
    /// True when the model says the operation never changes any state.
    var readOnly: [Bool] = []
    /// True when the model says the operation overwrites the state whatever it was.
    var blindWrite: [Bool] = []
    /// True when the model says the operation only extends the state.
    var extending: [Bool] = []
    /// History positions of the invocation and of the completion (`Int.max` if optional).
    var callPosition: [Int] = []
    var returnPosition: [Int] = []

    var count: Int { inputs.count }

    mutating func append(_ input: M.Input, _ output: M.Output, required r: Bool, readOnly ro: Bool, blindWrite bw: Bool,
                         extending ex: Bool, call: Int, ret: Int) {
        precondition(!r || ret > call, "a completion comes after its invocation")
        precondition(!(ro && bw), "an operation cannot both leave and overwrite the state")
        inputs.append(input); outputs.append(output); required.append(r); readOnly.append(ro); blindWrite.append(bw); extending.append(ex)
        callPosition.append(call); returnPosition.append(r ? ret : Int.max)
    }
}

/// What the search found in one partition. Operation ids index the `SearchProblem`.
enum SearchOutcome: Sendable {
    /// A legal order: the required operations and whichever optional ones were placed.
    case linearizable(order: [Int32])
    /// No order exists. `prefix` is the longest legal order the search built, and
    /// `blocked` the completed operation it could not place before its completion.
    case notLinearizable(prefix: [Int32], blocked: Int32)
    /// The budget ran out first; `stepsExhausted` tells the step allowance from the memo limit.
    case unknown(reason: String, stepsExhausted: Bool)
}

struct SearchStats: Sendable {
    var steps = 0
    var memoEntries = 0
    var pushes = 0
    var doomed = 0
    var illegal = 0
    var memoHits = 0
    var backtracks = 0
}

/// The Wing-Gong-Lowe search (Wing & Gong 1993; Lowe 2017, "Testing for linearizability"),
/// the algorithm Porcupine and Knossos's `linear` use, over flat arrays.
///
/// The history becomes a list of call and return entries in real-time order. The search
/// walks it from the front: at a call it tries to linearize that operation now (the model
/// must accept it from the current state, and the resulting configuration must be new);
/// if so it lifts the call and its return out of the list and starts again from the
/// front. Reaching a return means the operation it closes was not linearized in time, so
/// the search undoes the last choice and tries the next call after it. All required
/// operations placed means linearizable; nothing left to undo means not.
///
/// Differences from Porcupine, all for speed and none changing the answer:
/// - the list is doubly linked through index arrays (dancing links), not heap nodes;
/// - the set of linearized operations is a bitset whose hash is kept incrementally
///   (Zobrist: XOR of one random key per member), so a memo lookup hashes the state only;
/// - the memo is an open-addressing table with the bitsets in one arena (`MemoTable`);
/// - indeterminate operations have no return entry, so they never force a backtrack and
///   the search stops as soon as every completed operation is placed. This is exactly
///   Jepsen's meaning of `info` (took effect at some point after invocation, or never),
///   and it avoids Porcupine's work of placing every pending operation at the end;
/// - four prunings, each argued sound where it happens in `run` and each checked by the
///   tests against brute force and against the plain search (`pruning = false`):
///   (1) an optional operation that would change nothing is not placed; (2) a completed
///   read-only operation that is legal now is placed at once, with no alternatives;
///   (3) no overwrite directly after an optional operation; (4) a configuration whose
///   next read no extension or overwrite can satisfy is abandoned at once;
/// - the model is a generic parameter, so `step`, `==` and `hash` are specialised calls,
///   and models intern values so states are small integers.
struct LinearizabilitySearch<M: LinearizabilityModel> {
    var model: M
    let problem: SearchProblem<M>
    /// False turns off prunings (1) to (4): plain Wing-Gong-Lowe, for tests that check
    /// the prunings never change an answer.
    var pruning = true
    /// Bound on the pending reads pruning (4) examines after each placement.
    static var doomedReadsMax: Int { 1 }

    /// Runs the search; `stepsMax` bounds this partition's steps.
    mutating func run(stepsMax: Int, memoEntriesMax: Int) -> (SearchOutcome, SearchStats) {
        let n = problem.count
        var stats = SearchStats()
        guard problem.required.contains(true) else { return (.linearizable(order: []), stats) }
        precondition(n < Int(Int32.max) / 2, "history too long for 32-bit entry ids")

        // Entries in real-time order: 0 is the head sentinel, last is the tail sentinel.
        var events: [(position: Int, op: Int32, isCall: Bool)] = []
        events.reserveCapacity(2 * n)
        for op in 0..<n {
            events.append((problem.callPosition[op], Int32(op), true))
            if problem.required[op] { events.append((problem.returnPosition[op], Int32(op), false)) }
        }
        events.sort { $0.position < $1.position }
        let entryCount = events.count + 2
        let tail = Int32(entryCount - 1)

        let entryOp = UnsafeMutablePointer<Int32>.allocate(capacity: entryCount)
        // For a call: its return entry, or -1 when it has none (optional). For a return: -2.
        let entryMatch = UnsafeMutablePointer<Int32>.allocate(capacity: entryCount)
        let next = UnsafeMutablePointer<Int32>.allocate(capacity: entryCount)
        let prev = UnsafeMutablePointer<Int32>.allocate(capacity: entryCount)
        // Bit n is the "after an optional operation" flag, part of the configuration
        // because pruning (3) depends on it.
        let flagBit = n
        let words = (n + 1 + 63) / 64
        let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        let zobrist = UnsafeMutablePointer<UInt64>.allocate(capacity: n + 1)
        let stackEntry = UnsafeMutablePointer<Int32>.allocate(capacity: n + 1)
        // A forced frame placed an operation that, by the argument below, must be the
        // next one if any order exists; when it fails, its whole configuration fails.
        let stackForced = UnsafeMutablePointer<Bool>.allocate(capacity: n + 1)
        // Scratch for pruning (4): the overwrites ahead of a pending read.
        let overwrites = UnsafeMutablePointer<Int32>.allocate(capacity: n + 1)
        var memo = MemoTable<M.State>(words: words)
        defer {
            entryOp.deallocate(); entryMatch.deallocate(); next.deallocate(); prev.deallocate()
            bits.deallocate(); zobrist.deallocate(); stackEntry.deallocate(); stackForced.deallocate()
            overwrites.deallocate()
            memo.deallocate()
        }

        var returnEntryOf = [Int32](repeating: -1, count: n)
        for (i, ev) in events.enumerated() where !ev.isCall { returnEntryOf[Int(ev.op)] = Int32(i + 1) }
        entryOp[0] = -1; entryMatch[0] = -2
        entryOp[Int(tail)] = -1; entryMatch[Int(tail)] = -2
        for (i, ev) in events.enumerated() {
            entryOp[i + 1] = ev.op
            entryMatch[i + 1] = ev.isCall ? returnEntryOf[Int(ev.op)] : -2
        }
        for e in 0..<entryCount {
            next[e] = Int32(e + 1)
            prev[e] = Int32(e - 1)
        }
        bits.initialize(repeating: 0, count: words)
        var seed: UInt64 = 0x5EED_F417_11E5_0001
        for op in 0...n { seed &+= 0x9E37_79B9_7F4A_7C15; zobrist[op] = mix64(seed) }

        var model = self.model
        defer { self.model = model }
        var remaining = problem.required.reduce(0) { $0 + ($1 ? 1 : 0) }
        var state = model.initialState
        var stackStates: [M.State] = []
        stackStates.reserveCapacity(n + 1)
        var depth = 0
        var setHash: UInt64 = 0
        var afterOptional = false
        // The longest order built, and the return that stopped it, for the explanation.
        var bestPrefix: [Int32] = []
        var bestBlocked: Int32 = -1
        var bestIsCurrent = true

        func prefix() -> [Int32] { (0..<depth).map { entryOp[Int(stackEntry[$0])] } }
        let anyExtending = problem.extending.contains(true)
        /// A pending read pruning (4) proves unsatisfiable, else -1. Reads are examined in
        /// list order, each against the calls ahead of its return, at most
        /// `doomedReadsMax` per placement so the check stays cheap.
        func doomedReturn() -> Int {
            var x = next[0]
            var overwriteCount = 0
            var readsLeft = Self.doomedReadsMax
            while x != tail {
                let op = Int(entryOp[Int(x)])
                if entryMatch[Int(x)] == -2 {
                    // Returns of other operations are passed over: their calls came first.
                    if problem.readOnly[op] {
                        if !satisfiable(op, overwrites: overwriteCount) { return op }
                        readsLeft -= 1
                        if readsLeft == 0 { return -1 }
                    }
                } else if problem.blindWrite[op] {
                    overwrites[overwriteCount] = Int32(op)
                    overwriteCount += 1
                } else if !problem.extending[op] {
                    return -1
                }
                x = next[Int(x)]
            }
            return -1
        }

        /// Whether read r may see an extension of the state, or of an overwrite's state.
        func satisfiable(_ r: Int, overwrites count: Int) -> Bool {
            if model.mayBecomeLegal(afterExtending: state, problem.inputs[r], problem.outputs[r]) { return true }
            for i in 0..<count {
                let op = Int(overwrites[i])
                if let base = model.step(state, problem.inputs[op], problem.outputs[op]),
                   model.mayBecomeLegal(afterExtending: base, problem.inputs[r], problem.outputs[r]) { return true }
            }
            return false
        }

        let outcome: SearchOutcome = problem.inputs.withUnsafeBufferPointer { inputs in
            problem.outputs.withUnsafeBufferPointer { outputs in
              problem.readOnly.withUnsafeBufferPointer { readOnly in
               problem.blindWrite.withUnsafeBufferPointer { blindWrite in
                var e = next[0]
                while true {
                    stats.steps += 1
                    if stats.steps > stepsMax {
                        return .unknown(reason: "step budget of \(stepsMax) exhausted", stepsExhausted: true)
                    }
                    let match = entryMatch[Int(e)]
                    if match != -2 {
                        // A call: try to linearize its operation now.
                        let op = Int(entryOp[Int(e)])
                        // (3) Pruning: no overwrite right after an optional operation. Call a
                        //     completion redundant when an optional operation r is followed
                        //     directly by an overwrite x: dropping r leaves the state after x
                        //     the same and breaks no real-time order (r has no return), so
                        //     every successful completion shrinks to one without such a pair.
                        //     The search only builds those. Because what it may try next now
                        //     depends on whether the last operation was optional, that flag
                        //     is part of the configuration (bit n of the memo's bitset).
                        //     (1) and (2) survive the restriction: (1) drops r where it was
                        //     never followed by an overwrite; (2) moves a read-only r to the
                        //     front, and dropping any optional op that then sits before an
                        //     overwrite restores the form; r itself is no overwrite.
                        if pruning && afterOptional && blindWrite[op] {
                            e = next[Int(e)]
                            continue
                        }
                        if let after = model.step(state, inputs[op], outputs[op]) {
                            // Pruning, and why it is sound. Let C be the current configuration
                            // and r this operation, legal now.
                            // (1) r optional and leaving the state unchanged: any order from
                            //     C + r is an order from C (r need not appear at all), so
                            //     trying r here is never needed.
                            // (2) r required and read-only (the model promises it changes no
                            //     state anywhere): every operation that completed before r was
                            //     invoked is already placed (its return would precede r's call
                            //     in the list), so moving r from wherever a successful order
                            //     puts it to the front breaks no real-time constraint; r is
                            //     legal here and changes no state there or here, so the rest
                            //     stays legal. So if C succeeds, C + r does: r is forced, and
                            //     if C + r fails, C fails. (Identity in this state only, such
                            //     as writing the value already held, is not enough: moved
                            //     later, such an operation does change the state.)
                            let unchanged = after == state
                            if pruning && unchanged && match == -1 { e = next[Int(e)]; continue }
                            let forced = pruning && match >= 0 && readOnly[op]
                            assert(!forced || unchanged, "a read-only operation left the state unchanged")
                            let word = op >> 6, bit = UInt64(1) << UInt64(op & 63)
                            let flagWord = flagBit >> 6, flag = UInt64(1) << UInt64(flagBit & 63)
                            let nowOptional = match == -1
                            bits[word] |= bit
                            var newHash = setHash ^ zobrist[op]
                            if nowOptional != afterOptional { bits[flagWord] ^= flag; newHash ^= zobrist[flagBit] }
                            let h = newHash ^ (model.hash(after) &* 0x9E37_79B9_7F4A_7C15)
                            // A forced step skips the memo: C + r fails exactly when C does,
                            // and C's own entry already stands for both.
                            if forced || memo.insert(hash: h, bits: bits, state: after) {
                                if memo.count > memoEntriesMax {
                                    return .unknown(reason: "memo limit of \(memoEntriesMax) configurations reached", stepsExhausted: false)
                                }
                                setHash = newHash
                                afterOptional = nowOptional
                                stats.pushes += 1
                                stackEntry[depth] = e
                                stackForced[depth] = forced
                                stackStates.append(state)
                                depth += 1
                                state = after
                                // Lift the call, and its return if it has one.
                                next[Int(prev[Int(e)])] = next[Int(e)]
                                prev[Int(next[Int(e)])] = prev[Int(e)]
                                if match >= 0 {
                                    next[Int(prev[Int(match)])] = next[Int(match)]
                                    prev[Int(next[Int(match)])] = prev[Int(match)]
                                    remaining -= 1
                                    if remaining == 0 { return .linearizable(order: prefix()) }
                                }
                                if depth > bestPrefix.count {
                                    bestPrefix = prefix(); bestBlocked = -1; bestIsCurrent = true
                                }
                                // (4) Pruning: a pending read R must be placed before it returns,
                                //     and only operations invoked before that (the calls ahead of
                                //     its return in the list) can go before it. If those only
                                //     extend the state (appends) or overwrite it (puts), the state
                                //     R sees extends the current one or an overwrite's; if R is a
                                //     read that no such extension satisfies, no order completes
                                //     from here.
                                let r = pruning && anyExtending ? doomedReturn() : -1
                                if r < 0 {
                                    e = next[0]
                                    continue
                                }
                                if bestIsCurrent { bestBlocked = Int32(r); bestIsCurrent = false }
                                stats.doomed += 1
                            } else {
                                bits[word] &= ~bit
                                if nowOptional != afterOptional { bits[flagWord] ^= flag }
                                stats.memoHits += 1
                                e = next[Int(e)]
                                continue
                            }
                        } else {
                            stats.illegal += 1
                            e = next[Int(e)]
                            continue
                        }
                    } else {
                        // A return whose operation is not linearized: C fails.
                        assert(e != tail, "the tail is reached only after every required operation is placed")
                        if bestIsCurrent { bestBlocked = entryOp[Int(e)]; bestIsCurrent = false }
                    }
                    // Undo choices until one leaves alternatives to try.
                    var forced = true
                    while forced {
                        if depth == 0 { return .notLinearizable(prefix: bestPrefix, blocked: bestBlocked) }
                        depth -= 1
                        stats.backtracks += 1
                        let top = stackEntry[depth]
                        forced = stackForced[depth]
                        let op = Int(entryOp[Int(top)])
                        state = stackStates.removeLast()
                        bits[op >> 6] &= ~(UInt64(1) << UInt64(op & 63))
                        setHash ^= zobrist[op]
                        let restored = depth > 0 && entryMatch[Int(stackEntry[depth - 1])] == -1
                        if restored != afterOptional {
                            bits[flagBit >> 6] ^= UInt64(1) << UInt64(flagBit & 63)
                            setHash ^= zobrist[flagBit]
                            afterOptional = restored
                        }
                        // Unlift in the reverse order of lifting.
                        let m = entryMatch[Int(top)]
                        if m >= 0 {
                            next[Int(prev[Int(m)])] = m
                            prev[Int(next[Int(m)])] = m
                            remaining += 1
                        }
                        next[Int(prev[Int(top)])] = top
                        prev[Int(next[Int(top)])] = top
                        e = next[Int(top)]
                    }
                    bestIsCurrent = false
                }
               }
              }
            }
        }
        stats.memoEntries = memo.count
        return (outcome, stats)
    }
}
