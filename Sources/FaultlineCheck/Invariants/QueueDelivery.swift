import FaultlineHistory

/// Delivery of a queue or log, as Jepsen's total-queue checker counts it: every element
/// enqueued (`:enqueue v`, unique values) against every element dequeued (`:dequeue`
/// answering v, or a `:drain` answering a vector at the end).
///
/// - lost: acknowledged enqueues never dequeued (meaningful once consumers drained);
/// - duplicated: elements delivered more than once (allowed for at-least-once systems
///   with `duplicatesAllowed`, still counted);
/// - unexpected: elements delivered that nobody enqueued;
/// - recovered: indeterminate enqueues that were delivered;
/// - out of order (FIFO only): b delivered before a although a's enqueue completed before
///   b's began and b's delivery completed before a's began. Both orders are fixed in
///   real time, so no interleaving explains it.
public struct QueueDelivery: Sendable {
    public var enqueueFunction: String
    public var dequeueFunction: String
    public var drainFunction: String
    public var fifo: Bool
    public var duplicatesAllowed: Bool
    public var evidenceMax: Int

    public init(enqueueFunction: String = "enqueue", dequeueFunction: String = "dequeue", drainFunction: String = "drain",
                fifo: Bool = true, duplicatesAllowed: Bool = false, evidenceMax: Int = 20) {
        self.enqueueFunction = enqueueFunction; self.dequeueFunction = dequeueFunction; self.drainFunction = drainFunction
        self.fifo = fifo; self.duplicatesAllowed = duplicatesAllowed; self.evidenceMax = evidenceMax
    }

    public func check(_ history: History) throws(HistoryError) -> CheckResult {
        let pairs = try history.pairs()
        var enqueued: [Value: OperationPair] = [:]     // first enqueue attempt of each value
        var order: [Value] = []                        // enqueue attempts in invocation order
        var acknowledged = 0
        for p in pairs where p.f == enqueueFunction && p.outcome != .fail {
            if enqueued[p.invoke.value] == nil { enqueued[p.invoke.value] = p; order.append(p.invoke.value) }
            if p.outcome == .ok { acknowledged += 1 }
        }
        var deliveries: [Value: [OperationPair]] = [:]
        var deliveredOrder: [Value] = []
        for p in pairs where p.outcome == .ok {
            guard let done = p.completion else { continue }
            var values: [Value] = []
            if p.f == dequeueFunction, done.value != .null { values = [done.value] }
            else if p.f == drainFunction {
                guard case .list(let items) = done.value else {
                    throw HistoryError(operationIndex: done.index, ":\(drainFunction) must return a vector, found \(done.value)")
                }
                values = items
            }
            for v in values {
                if deliveries[v] == nil { deliveredOrder.append(v) }
                deliveries[v, default: []].append(p)
            }
        }
        let lost = order.filter { enqueued[$0]!.outcome == .ok && deliveries[$0] == nil }
        let duplicated = deliveredOrder.filter { deliveries[$0]!.count > 1 }
        let unexpected = deliveredOrder.filter { enqueued[$0] == nil }
        let recovered = order.filter { enqueued[$0]!.outcome != .ok && deliveries[$0] != nil }.count
        let reordered = fifo ? outOfOrder(order: order, enqueued: enqueued, deliveries: deliveries) : []

        let counts = [CheckResult.Count("enqueued", order.count), CheckResult.Count("acknowledged", acknowledged),
                      CheckResult.Count("delivered", deliveredOrder.count), CheckResult.Count("lost", lost.count),
                      CheckResult.Count("duplicated", duplicated.count), CheckResult.Count("unexpected", unexpected.count),
                      CheckResult.Count("recovered", recovered), CheckResult.Count("out-of-order", reordered.count)]
        let passed = lost.isEmpty && unexpected.isEmpty && reordered.isEmpty && (duplicatesAllowed || duplicated.isEmpty)
        var detail = "\(order.count) element(s) enqueued (\(acknowledged) acknowledged), \(deliveredOrder.count) delivered."
        func list(_ vs: [Value]) -> String { vs.prefix(evidenceMax).map(\.description).joined(separator: ", ") + (vs.count > evidenceMax ? ", ..." : "") }
        if !lost.isEmpty { detail += "\nLost: \(lost.count) acknowledged element(s) never delivered: " + list(lost) }
        if !duplicated.isEmpty { detail += "\nDuplicated: \(duplicated.count) element(s) delivered more than once: " + list(duplicated) + (duplicatesAllowed ? " (allowed: at-least-once)" : "") }
        if !unexpected.isEmpty { detail += "\nUnexpected: \(unexpected.count) element(s) delivered but never enqueued: " + list(unexpected) }
        if !reordered.isEmpty {
            detail += "\nOut of order: " + reordered.prefix(evidenceMax).map { "\($0.later) delivered before \($0.earlier), though enqueued after it" }.joined(separator: "; ")
        }
        var evidence: [Operation] = []
        for v in (lost + duplicated + unexpected).prefix(evidenceMax) {
            if let e = enqueued[v] { evidence.append(e.invoke); if let c = e.completion { evidence.append(c) } }
            for d in deliveries[v] ?? [] { evidence.append(d.completion!) }
        }
        for r in reordered.prefix(evidenceMax) {
            for v in [r.earlier, r.later] {
                if let e = enqueued[v], let c = e.completion { evidence.append(c) }
                if let d = deliveries[v]?.first?.completion { evidence.append(d) }
            }
        }
        var unique: [Int: Operation] = [:]
        for op in evidence { unique[op.index] = op }
        return CheckResult(name: "queue delivery", passed: passed, detail: detail,
                           evidence: unique.keys.sorted().map { unique[$0]! }, counts: counts)
    }

    /// Elements overtaken in a way no FIFO order allows, each with one witness.
    /// Sweep: sort candidates by enqueue completion; for each b, the earlier-enqueued a
    /// whose delivery began latest is the best witness.
    private func outOfOrder(order: [Value], enqueued: [Value: OperationPair], deliveries: [Value: [OperationPair]])
        -> [(earlier: Value, later: Value)] {
        struct Item { var value: Value; var enqInvoke: Int; var enqDone: Int; var deqInvoke: Int; var deqDone: Int }
        var items: [Item] = []
        for v in order {
            guard let e = enqueued[v], e.outcome == .ok, let ds = deliveries[v] else { continue }   // first delivery counts
            items.append(Item(value: v, enqInvoke: e.invoke.index, enqDone: e.completionIndex,
                              deqInvoke: ds[0].invoke.index, deqDone: ds[0].completionIndex))
        }
        let byDone = items.sorted { $0.enqDone < $1.enqDone }
        var bestDeq: [(deqInvoke: Int, item: Int)] = []     // prefix maxima over byDone
        for (i, it) in byDone.enumerated() {
            if let last = bestDeq.last, last.deqInvoke >= it.deqInvoke { bestDeq.append(last) } else { bestDeq.append((it.deqInvoke, i)) }
        }
        var found: [(earlier: Value, later: Value)] = []
        for b in items {
            // Items whose enqueue completed before b's began: a prefix of byDone.
            var lo = 0, hi = byDone.count
            while lo < hi { let mid = (lo + hi) / 2; if byDone[mid].enqDone < b.enqInvoke { lo = mid + 1 } else { hi = mid } }
            guard lo > 0 else { continue }
            let w = bestDeq[lo - 1]
            if w.deqInvoke > b.deqDone { found.append((byDone[w.item].value, b.value)) }
        }
        return found
    }
}
