import FaultlineCore
@testable import FaultlineStorage

/// What a node's shell does with engine syncs, reduced to a test fixture: remember each
/// pending sync with its due time (now + latency) and complete them in due order as
/// virtual time advances. A crash forgets them all.
struct SyncDriver {
    var now = SimTime.zero
    var pending: [(due: SimTime, seq: Int, sync: PendingSync)] = []
    var seq = 0

    mutating func schedule(_ sync: PendingSync) {
        seq += 1
        pending.append((now + sync.latency, seq, sync))
    }

    /// Advances time by `by` and returns the syncs now due, in due order.
    mutating func advance(by: SimDuration) -> [PendingSync] {
        now += by
        let due = pending.filter { $0.due <= now }.sorted { ($0.due, $0.seq) < ($1.due, $1.seq) }
        pending.removeAll { $0.due <= now }
        return due.map(\.sync)
    }

    /// Every pending sync, in due order, advancing time past the last.
    mutating func drain() -> [PendingSync] {
        guard let last = pending.map(\.due).max() else { return [] }
        return advance(by: last - now)
    }

    mutating func crash() { pending.removeAll() }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A payload whose content is a function of its offset and a salt, so a record can be
/// recognised (or found wrong) without storing it.
func payload(_ offset: UInt64, salt: UInt64, size: Int) -> [UInt8] {
    var r = SeededRandom(rawSeed: offset &* 0x9E37_79B9_7F4A_7C15 ^ salt)
    return (0..<size).map { _ in UInt8(truncatingIfNeeded: r.next()) }
}
