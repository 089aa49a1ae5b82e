import FaultlineCore

extension SegmentedLog {
    /// Records from `offset` on, at most `maxRecords` of them and (after the first) at most
    /// `maxBytes` of payload. Every record is checked again: a flipped bit found here throws
    /// `.corrupt` instead of returning the record.
    public func read(from offset: UInt64, maxRecords: Int = Int.max, maxBytes: Int = Int.max) throws(StorageError) -> [LogRecord] {
        guard offset >= logStartOffset && offset <= logEndOffset else {
            throw .offsetOutOfRange(offset: offset, start: logStartOffset, end: logEndOffset)
        }
        var out: [LogRecord] = []
        if offset == logEndOffset || maxRecords <= 0 { return out }
        var s = segmentIndex(containing: offset)
        var position = try position(of: offset, in: segments[s])
        var bytes = 0
        while out.count < maxRecords {
            let segment = segments[s]
            if position >= segment.size {
                s += 1
                if s == segments.count { break }
                position = 0
                continue
            }
            let (record, next) = try readFrame(segment, at: position)
            if !out.isEmpty && bytes + record.payload.count > maxBytes { break }
            bytes += record.payload.count
            out.append(record)
            position = next
        }
        return out
    }

    /// The frame at `position` of `segment`, verified.
    func readFrame(_ segment: LogSegment, at position: Int) throws(StorageError) -> (LogRecord, Int) {
        let header = try disk.read(segment.file, at: position, count: RecordFrame.headerBytes)
        guard header.count == RecordFrame.headerBytes else {
            throw .corrupt(path: segment.path, position: position, reason: "short header")
        }
        let length = Int(RecordFrame.readLE32(header, 0))
        guard length <= config.maxRecordBytes, position + RecordFrame.headerBytes + length <= segment.size else {
            throw .corrupt(path: segment.path, position: position, reason: "length \(length) runs past the segment")
        }
        let frame = header + (try disk.read(segment.file, at: position + RecordFrame.headerBytes, count: length))
        switch RecordFrame.decode(frame, at: 0, maxPayloadBytes: config.maxRecordBytes) {
        case .record(let offset, let payload, let next):
            return (LogRecord(offset: offset, payload: Array(frame[payload])), position + next)
        case .incomplete:
            throw .corrupt(path: segment.path, position: position, reason: "incomplete frame")
        case .corrupt(let why):
            throw .corrupt(path: segment.path, position: position, reason: why)
        }
    }

    /// The segment holding `offset` (binary search on base offsets).
    func segmentIndex(containing offset: UInt64) -> Int {
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].baseOffset <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Byte position of the frame of `offset`: the sparse index's floor entry, then a scan.
    func position(of offset: UInt64, in segment: LogSegment) throws(StorageError) -> Int {
        precondition(offset >= segment.baseOffset && offset <= segment.nextOffset)
        var lo = 0, hi = segment.index.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if segment.index[mid].offset <= offset { lo = mid + 1 } else { hi = mid }
        }
        var position = lo == 0 ? 0 : segment.index[lo - 1].position
        var current = lo == 0 ? segment.baseOffset : segment.index[lo - 1].offset
        while current < offset {
            let header = try disk.read(segment.file, at: position, count: RecordFrame.headerBytes)
            guard header.count == RecordFrame.headerBytes else {
                throw .corrupt(path: segment.path, position: position, reason: "short header")
            }
            position += RecordFrame.headerBytes + Int(RecordFrame.readLE32(header, 0))
            current += 1
        }
        return position
    }

    // MARK: truncation and retention

    /// Removes every record at `offset` and after (a follower cutting a divergent suffix).
    /// Below the log start it empties the log and restarts it at `offset`, as Kafka's
    /// truncateFullyAndStartAt does. The cut is durable with the next completed sync.
    public func truncate(to offset: UInt64) throws(StorageError) {
        if offset >= logEndOffset { return }
        if offset < logStartOffset {
            try truncateFully(startingAt: offset)
            return
        }
        let s = segmentIndex(containing: offset)
        let segment = segments[s]
        let position = try position(of: offset, in: segment)
        while segments.count > s + 1 {
            let dropped = segments.removeLast()
            disk.close(dropped.file)
            try disk.remove(dropped.path)
            directoryDirty = true
        }
        try disk.truncate(segment.file, to: position)
        segment.size = position
        segment.nextOffset = offset
        segment.index.removeAll { $0.offset >= offset }
        segment.bytesSinceIndexEntry = position - (segment.index.last?.position ?? 0)
        segment.dirty = true
        logEndOffset = offset
        clampDurability(to: offset)
        checkInvariants()
    }

    func truncateFully(startingAt offset: UInt64) throws(StorageError) {
        for s in segments {
            disk.close(s.file)
            try disk.remove(s.path)
        }
        segments.removeAll()
        let path = DiskPath.join(directory, Self.segmentName(offset))
        segments.append(LogSegment(baseOffset: offset, path: path, file: try disk.open(path, create: true)))
        directoryDirty = true
        logStartOffset = offset
        logEndOffset = offset
        durableEndOffset = offset
        for i in inFlight.indices { inFlight[i].mark = offset }
        checkInvariants()
    }

    func clampDurability(to offset: UInt64) {
        durableEndOffset = min(durableEndOffset, offset)
        for i in inFlight.indices { inFlight[i].mark = min(inFlight[i].mark, offset) }
    }

    /// Deletes whole segments whose records all lie below `offset` (never the active one);
    /// returns how many. The log start moves to the first remaining segment.
    ///
    /// Only segments whose every record is durable go: if a crash undoes the deletion, the
    /// segment comes back whole and contiguous. A segment with an unsynced tail would come
    /// back short, leave a gap, and recovery would have to cut the durable records after it.
    @discardableResult
    public func deleteSegments(below offset: UInt64) throws(StorageError) -> Int {
        var deleted = 0
        while segments.count > 1 && segments[1].baseOffset <= offset && segments[0].nextOffset <= durableEndOffset {
            try dropOldestSegment()
            deleted += 1
        }
        return deleted
    }

    /// `retention.bytes`: deletes the oldest segments while the log, without them, still
    /// holds at least `retentionBytes` (never the active segment, never one not yet
    /// durable: see `deleteSegments`). Returns how many.
    @discardableResult
    public func enforceRetention(bytes retentionBytes: Int) throws(StorageError) -> Int {
        var deleted = 0
        var total = sizeInBytes
        while segments.count > 1 && total - segments[0].size >= retentionBytes && segments[0].nextOffset <= durableEndOffset {
            total -= segments[0].size
            try dropOldestSegment()
            deleted += 1
        }
        return deleted
    }

    func dropOldestSegment() throws(StorageError) {
        let oldest = segments.removeFirst()
        disk.close(oldest.file)
        try disk.remove(oldest.path)
        directoryDirty = true
        logStartOffset = segments[0].baseOffset
        assert(durableEndOffset >= logStartOffset)
        checkInvariants()
    }
}
