import FaultlineHistory

/// The Jepsen set check for the lost-writes story: every `add` acknowledged `ok` must be in
/// the final `read`. Adds that failed must be absent (a `fail` that shows up is reported
/// too); indeterminate ones (`info`) may go either way.
///
/// A pure function of the history, as FaultlineCheck's checkers are; kept here until the
/// checkers branch has a lost-writes checker the Redis tests can share.
public struct LostWritesReport: Sendable, Hashable, CustomStringConvertible {
    public var acknowledged: Int
    /// Acknowledged values missing from the final read, ascending.
    public var lost: [Int64]
    /// Values whose add failed but which were read anyway.
    public var failedButPresent: [Int64]
    /// Indeterminate adds that survived / did not.
    public var indeterminateSurvived: Int
    public var indeterminateLost: Int
    /// False when no final read completed: nothing can be concluded.
    public var hadFinalRead: Bool
    public var valid: Bool { hadFinalRead && lost.isEmpty && failedButPresent.isEmpty }

    public var description: String {
        guard hadFinalRead else { return "no final read" }
        return "\(acknowledged) acknowledged, \(lost.count) lost\(lost.isEmpty ? "" : " \(lost.prefix(10))"), "
            + "\(failedButPresent.count) failed-but-present, indeterminate \(indeterminateSurvived) survived / \(indeterminateLost) lost"
    }
}

public enum LostWrites {
    /// Checks `history` for the list `key`, or every list independently when `key` is nil
    /// (the final read of each list decides for that list's adds).
    public static func check(_ history: History, key: String? = nil) -> LostWritesReport {
        var byKey: [String: (ok: Set<Int64>, failed: Set<Int64>, info: Set<Int64>, final: Set<Int64>?)] = [:]
        for op in history where key == nil || op.key == key {
            let k = op.key ?? ""
            var e = byKey[k] ?? ([], [], [], nil)
            switch (op.f, op.type) {
            case ("add", .ok): if let v = op.value.intValue { e.ok.insert(v) }
            case ("add", .fail): if let v = op.value.intValue { e.failed.insert(v) }
            case ("add", .info): if let v = op.value.intValue { e.info.insert(v) }
            case ("read", .ok): e.final = Set(op.value.listValue?.compactMap(\.intValue) ?? [])
            default: break
            }
            byKey[k] = e
        }
        var report = LostWritesReport(acknowledged: 0, lost: [], failedButPresent: [], indeterminateSurvived: 0,
                                      indeterminateLost: 0, hadFinalRead: !byKey.isEmpty)
        for k in byKey.keys.sorted() {
            let e = byKey[k]!
            report.acknowledged += e.ok.count
            guard let read = e.final else {
                if !e.ok.isEmpty || !e.info.isEmpty { report.hadFinalRead = false }
                continue
            }
            report.lost += e.ok.subtracting(read)
            report.failedButPresent += e.failed.intersection(read)
            report.indeterminateSurvived += e.info.intersection(read).count
            report.indeterminateLost += e.info.subtracting(read).count
        }
        report.lost.sort(); report.failedButPresent.sort()
        if !report.hadFinalRead { report.lost = []; report.failedButPresent = [] }
        return report
    }
}
