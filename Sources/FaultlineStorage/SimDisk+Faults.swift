import FaultlineCore

extension SimDisk {
    /// The fault model: each fault has its own rate, decided in integers from the disk's
    /// own `SeededRandom` stream. `Faults.none` is a perfect disk (a crash still loses what
    /// was never synced: that is the semantics of a page cache, not a fault).
    public struct Faults: Sendable, Equatable {
        /// At a crash, chance that a file whose last operation was an unsynced append keeps
        /// a sector-aligned prefix of that append (plus its earlier unsynced writes) instead
        /// of falling back to its durable content.
        public var tornWrite: Ratio = .never
        /// At a crash, chance per directory operation (create, rename, remove) not yet
        /// covered by a completed directory sync that the journal ends before it: it and
        /// every later one are undone. 0 models a file system that commits metadata at once;
        /// 1 loses every unsynced entry.
        public var directoryOpLoss: Ratio = .never
        /// Per write, chance that one bit inside the written range is flipped on the medium.
        /// Latent: nothing fails until a reader checks its checksum.
        public var bitFlip: Ratio = .never
        /// Per read, chance of EIO.
        public var readError: Ratio = .never
        /// Per write (append, write, truncate), chance of EIO; nothing is written.
        public var writeError: Ratio = .never
        /// Per sync, chance that the fsync fails (EIO at completion; nothing becomes durable).
        public var syncError: Ratio = .never
        /// Per write, chance of ENOSPC even below `capacityBytes` (another tenant filled it).
        public var diskFull: Ratio = .never
        /// Per sync, chance the fsync takes `slowSyncLatency` instead of `syncLatency`.
        public var slowSync: Ratio = .never
        /// Total bytes the disk holds; writes beyond fail with ENOSPC.
        public var capacityBytes: Int = Int.max
        /// Sector size: torn writes keep whole sectors.
        public var sectorBytes: Int = 512
        /// fsync latency of a healthy device (an SSD: half a millisecond to two).
        public var syncLatency: ClosedRange<SimDuration> = .microseconds(500) ... .milliseconds(2)
        /// fsync latency when the device stalls.
        public var slowSyncLatency: ClosedRange<SimDuration> = .milliseconds(100) ... .seconds(1)

        public init() {}

        /// A perfect disk: only crashes lose (unsynced) data.
        public static let none = Faults()

        /// Every fault on at rates a property test or fuzzer hits often.
        public static var chaos: Faults {
            var f = Faults()
            f.tornWrite = Ratio(1, 2)
            f.directoryOpLoss = Ratio(1, 2)
            f.bitFlip = Ratio(1, 500)
            f.readError = Ratio(1, 200)
            f.writeError = Ratio(1, 200)
            f.syncError = Ratio(1, 500)
            f.diskFull = Ratio(1, 500)
            f.slowSync = Ratio(1, 20)
            return f
        }

        /// Crash-consistency faults only (torn writes, lost directory entries): the faults
        /// that every engine must survive without losing a completed fsync.
        public static var crashConsistency: Faults {
            var f = Faults()
            f.tornWrite = Ratio(1, 2)
            f.directoryOpLoss = Ratio(1, 2)
            f.slowSync = Ratio(1, 20)
            return f
        }
    }

    /// What the disk did, for reports. Every field only grows.
    public struct Counters: Sendable, Equatable, CustomStringConvertible {
        public var writes = 0
        public var bytesWritten = 0
        public var reads = 0
        public var bytesRead = 0
        public var syncsRequested = 0
        public var syncsCompleted = 0
        public var syncsFailed = 0
        public var syncsLost = 0
        public var slowSyncs = 0
        /// Bytes that moved from the page cache to the medium.
        public var bytesSynced = 0
        public var directorySyncs = 0
        public var crashes = 0
        /// Unsynced bytes a crash discarded.
        public var bytesLost = 0
        public var tornWrites = 0
        /// Unsynced bytes that survived a crash because a write was torn, not lost.
        public var bytesKeptByTornWrites = 0
        public var directoryOpsLost = 0
        public var directoryOpsKept = 0
        public var bitFlips = 0
        public var readErrors = 0
        public var writeErrors = 0
        public var diskFullErrors = 0

        public init() {}

        /// Name/value pairs in a fixed order, for reports and traces.
        public var fields: [(String, Int)] {
            [("writes", writes), ("bytes_written", bytesWritten), ("reads", reads), ("bytes_read", bytesRead),
             ("syncs_requested", syncsRequested), ("syncs_completed", syncsCompleted),
             ("syncs_failed", syncsFailed), ("syncs_lost", syncsLost), ("slow_syncs", slowSyncs),
             ("bytes_synced", bytesSynced), ("directory_syncs", directorySyncs), ("crashes", crashes),
             ("bytes_lost", bytesLost), ("torn_writes", tornWrites),
             ("bytes_kept_by_torn_writes", bytesKeptByTornWrites), ("directory_ops_lost", directoryOpsLost),
             ("directory_ops_kept", directoryOpsKept), ("bit_flips", bitFlips), ("read_errors", readErrors),
             ("write_errors", writeErrors), ("disk_full_errors", diskFullErrors)]
        }

        public var description: String { fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }
    }
}
