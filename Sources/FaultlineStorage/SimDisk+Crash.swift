import FaultlineCore

extension SimDisk {
    /// Power loss: what survives is what was durable, plus what the fault model lets
    /// through (surviving directory operations, torn appends). See the contract on `SimDisk`.
    public func crash() {
        counters.crashes += 1
        generation += 1
        handles.removeAll()
        tickets.removeAll()
        // Metadata is journaled in order (ext4, XFS): what survives is a prefix of the
        // pending directory operations; each one ends the prefix with `directoryOpLoss`.
        var namespace = durableFiles
        var journalIntact = true
        for op in pendingOps {
            if journalIntact && random.chance(faults.directoryOpLoss) { journalIntact = false }
            if journalIntact {
                op.apply(to: &namespace)
                counters.directoryOpsKept += 1
            } else {
                counters.directoryOpsLost += 1
            }
        }
        pendingOps.removeAll()
        files = namespace
        durableFiles = namespace
        collectGarbage()
        // Inode order, never dictionary order: each file may draw from the fault stream.
        for id in inodes.keys.sorted() {
            let node = inodes[id]!
            if node.isClean { node.lastAppend = nil; continue }
            let before = node.data.count
            if let last = node.lastAppend, random.chance(faults.tornWrite) {
                tear(node, last)
            } else {
                counters.bytesLost += unsyncedBytes(node)
                revert(node)
            }
            usedBytes += node.data.count - before
            node.durableLength = node.data.count
            node.undo.removeAll()
            node.lastAppend = nil
            assert(node.isClean)
        }
        mirrorEverything()
        checkInvariants()
    }

    /// Keeps earlier unsynced writes and a sector-aligned prefix of the last append.
    func tear(_ node: Inode, _ last: (offset: Int, count: Int)) {
        let sector = faults.sectorBytes
        precondition(sector > 0, "sector size must be positive")
        // Candidate ends: the write's start (nothing of it survives) and every sector
        // boundary strictly inside it.
        var firstBoundary = (last.offset / sector + 1) * sector
        if last.offset % sector == 0 { firstBoundary = last.offset + sector }
        let end = last.offset + last.count
        let boundaries = firstBoundary < end ? (end - 1 - firstBoundary) / sector + 1 : 0
        let pick = Int(random.below(UInt64(boundaries + 1)))
        let keep = pick == 0 ? last.offset : firstBoundary + (pick - 1) * sector
        assert(keep >= last.offset && keep < end && (keep == last.offset || keep % sector == 0))
        counters.tornWrites += 1
        counters.bytesKeptByTornWrites += keep - last.offset
        counters.bytesLost += end - keep
        node.data.removeSubrange(keep...)
    }

    /// Restores the durable image: undo overwrites newest first, then cut to the durable length.
    func revert(_ node: Inode) {
        for entry in node.undo.reversed() {
            let end = entry.offset + entry.bytes.count
            if node.data.count < end { node.data.append(contentsOf: repeatElement(0, count: end - node.data.count)) }
            node.data.replaceSubrange(entry.offset..<end, with: entry.bytes)
        }
        if node.data.count > node.durableLength {
            node.data.removeSubrange(node.durableLength...)
        } else if node.data.count < node.durableLength {
            node.data.append(contentsOf: repeatElement(0, count: node.durableLength - node.data.count))
        }
    }

    /// Flips one bit on the medium, as a scenario's "corrupt this file" fault does. The
    /// damage is durable and found by whoever checks a checksum.
    public func corrupt(_ path: String, byte offset: Int, bit: Int) throws(StorageError) {
        guard let id = files[path], let node = inodes[id] else { throw .notFound(path: path) }
        guard offset >= 0 && offset < node.data.count && (0..<8).contains(bit) else {
            throw .invalidArgument("byte \(offset) bit \(bit) is outside \(path) (\(node.data.count) bytes)")
        }
        node.data[offset] ^= UInt8(1) << UInt8(bit)
        mirror?.wrote(inode: id, at: offset, node.data[offset...offset])
        if offset < node.durableLength {
            // The medium is damaged, not only the cache: reverting must not heal it.
            for i in node.undo.indices where node.undo[i].offset <= offset && offset < node.undo[i].offset + node.undo[i].bytes.count {
                node.undo[i].bytes[offset - node.undo[i].offset] ^= UInt8(1) << UInt8(bit)
            }
        }
        counters.bitFlips += 1
    }

    /// Bytes of `path` that a crash right now could lose (the page cache's unsynced part).
    public func unsyncedByteCount(_ path: String) -> Int? {
        guard let id = files[path], let node = inodes[id] else { return nil }
        return unsyncedBytes(node)
    }

    /// Number of directory operations not yet covered by a completed directory sync.
    public var pendingDirectoryOperations: Int { pendingOps.count }

    /// FNV-1a over every file (sorted by path) and its bytes: equal hashes mean equal disks.
    public func contentHash() -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        for path in files.keys.sorted() {
            for b in path.utf8 { mix(b) }
            mix(0)
            let node = inodes[files[path]!]!
            for b in node.data { mix(b) }
            var n = UInt64(node.durableLength)
            for _ in 0..<8 { mix(UInt8(truncatingIfNeeded: n)); n >>= 8 }
        }
        return h
    }

    /// Local invariants: every name reaches a live inode, usage adds up, durable lengths fit.
    public func checkInvariants() {
        for (path, id) in files {
            precondition(inodes[id] != nil, "\(path) names a freed inode")
            precondition(directories.contains(DiskPath.parent(path)), "\(path) lives in a missing directory")
        }
        var used = 0
        for (_, node) in inodes {
            used += node.data.count
            precondition(node.durableLength >= 0)
            // The durable image is longer than the cache only after a truncation, which left undo.
            precondition(node.durableLength <= node.data.count || !node.undo.isEmpty, "durable bytes with nothing to restore them")
            if let last = node.lastAppend { precondition(last.offset + last.count == node.data.count, "a torn append must be the tail") }
        }
        precondition(used == usedBytes, "usedBytes \(usedBytes) but inodes hold \(used)")
    }
}
