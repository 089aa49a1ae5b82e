import FaultlineCore

extension SegmentedLog {
    /// Opens (or creates) the log in `directory` and recovers it: every segment is scanned,
    /// every frame validated; at the first incomplete or corrupt frame, or at a gap in
    /// offsets between segments, the log is cut and everything after it removed.
    ///
    /// What recovery keeps counts as durable (after a crash it is what the medium holds);
    /// the cut itself reaches the medium with the next sync. An empty directory gets one
    /// segment starting at `initialOffset`.
    public static func open(disk: D, directory: String, config: SegmentedLogConfig = SegmentedLogConfig(),
                            initialOffset: UInt64 = 0) throws(StorageError) -> (SegmentedLog, LogRecoveryReport) {
        let log = SegmentedLog(disk: disk, directory: directory, config: config)
        try disk.makeDirectory(directory)
        var report = LogRecoveryReport()
        var bases: [UInt64] = []
        for name in try disk.list(directory) {
            if let base = parseSegmentName(name) { bases.append(base) }
        }
        bases.sort()
        var stopped = false
        for base in bases {
            let path = DiskPath.join(directory, segmentName(base))
            if stopped {
                try disk.remove(path)
                report.segmentsRemoved.append(path)
                log.directoryDirty = true
                continue
            }
            if let last = log.segments.last, last.nextOffset != base {
                report.damage = report.damage ?? "segment \(path) starts at \(base) but the log ends at \(last.nextOffset)"
                try disk.remove(path)
                report.segmentsRemoved.append(path)
                log.directoryDirty = true
                stopped = true
                continue
            }
            let segment = LogSegment(baseOffset: base, path: path, file: try disk.open(path, create: false))
            stopped = try log.scan(segment, report: &report)
            log.segments.append(segment)
        }
        if log.segments.isEmpty {
            let path = DiskPath.join(directory, segmentName(initialOffset))
            log.segments.append(LogSegment(baseOffset: initialOffset, path: path, file: try disk.open(path, create: true)))
            log.directoryDirty = true
        }
        log.logStartOffset = log.segments[0].baseOffset
        log.logEndOffset = log.segments[log.segments.count - 1].nextOffset
        log.durableEndOffset = log.logEndOffset
        log.checkInvariants()
        return (log, report)
    }

    /// Validates one segment, rebuilding its index; cuts it at the first bad frame.
    /// Returns true when it had to cut (nothing after it can be trusted).
    func scan(_ segment: LogSegment, report: inout LogRecoveryReport) throws(StorageError) -> Bool {
        let bytes = try disk.readAll(segment.file)
        var position = 0
        var damage: String?
        while position < bytes.count {
            switch RecordFrame.decode(bytes, at: position, maxPayloadBytes: config.maxRecordBytes) {
            case .record(let offset, _, let next):
                if offset != segment.nextOffset {
                    damage = "record at byte \(position) of \(segment.path) has offset \(offset), expected \(segment.nextOffset)"
                } else {
                    if segment.bytesSinceIndexEntry >= config.indexIntervalBytes {
                        segment.index.append(LogIndexEntry(offset: offset, position: position))
                        segment.bytesSinceIndexEntry = 0
                    }
                    segment.bytesSinceIndexEntry += next - position
                    segment.nextOffset = offset + 1
                    report.recordsRecovered += 1
                    position = next
                }
            case .incomplete:
                damage = "incomplete frame at byte \(position) of \(segment.path)"
            case .corrupt(let why):
                damage = "\(why) at byte \(position) of \(segment.path)"
            }
            if damage != nil { break }
        }
        segment.size = position
        guard let damage else { return false }
        report.damage = report.damage ?? damage
        report.bytesTruncated += bytes.count - position
        try disk.truncate(segment.file, to: position)
        segment.dirty = true
        return true
    }

    /// The base offset in a segment file name, or nil for any other file.
    static func parseSegmentName(_ name: String) -> UInt64? {
        guard name.hasSuffix(".log"), name.utf8.count == 24 else { return nil }
        let digits = name.dropLast(4)
        guard digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(digits)
    }
}
