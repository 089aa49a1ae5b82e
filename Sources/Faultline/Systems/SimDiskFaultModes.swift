import FaultlineCore
import FaultlineStorage

/// The `disk` fault kinds a system on a `SimDisk` offers: each switches a fault mode of the
/// storage branch's fault model on for one node until the liveness phase (what it damaged
/// stays damaged).
enum SimDiskFaultModes {
    static let all: [(name: String, apply: @Sendable (inout SimDisk.Faults) -> Void)] = [
        ("torn-write", { $0.tornWrite = .always }),
        ("lost-directory-ops", { $0.directoryOpLoss = .always }),
        ("bit-flip", { $0.bitFlip = Ratio(1, 20) }),
        ("write-error", { $0.writeError = Ratio(1, 10) }),
        ("sync-error", { $0.syncError = Ratio(1, 10) }),
        ("disk-full", { $0.diskFull = .always }),
        ("slow-sync", { $0.slowSync = Ratio(1, 2) }),
    ]
    static var names: [String] { all.map(\.name) }

    /// Applies the named mode; false for an unknown name.
    static func apply(_ name: String, to disk: SimDisk) -> Bool {
        guard let mode = all.first(where: { $0.name == name }) else { return false }
        mode.apply(&disk.faults)
        return true
    }

    /// The modes off again, the device's own timing kept.
    static func heal(_ disk: SimDisk) {
        let f = disk.faults
        var h = SimDisk.Faults.none
        h.syncLatency = f.syncLatency; h.sectorBytes = f.sectorBytes; h.capacityBytes = f.capacityBytes
        disk.faults = h
    }
}
