/// One txn log file in the real `FileTxnLog` format:
///
///     FileHeader(ZKLG, 2, dbid)
///     per entry: long Adler-32 of the entry bytes, int length, the entry bytes
///                (TxnHeader + txn record [+ TxnDigest]), byte 0x42 ('B', end of record)
///     zero padding up to the preallocated size
///
/// The file is named after the zxid of its first entry. The writer preallocates in steps of
/// `preAllocSize` (64 MiB in the real server, `zookeeper.preAllocSize` in KiB) whenever the
/// write position comes within 4 KiB of the end, so a reader meets zeros after the last
/// entry, which it takes as the end: a zero crc with a zero length. (The real writer decides
/// from the position its buffered stream has flushed, so under heavy batching its file may
/// grow one step later than this one; the entry bytes are the same and readers cannot tell.)
public struct TxnLogFile: Hashable, Sendable {
    /// `FilePadding`'s default: 64 MiB.
    public static let preAllocSizeDefault: Int64 = 64 * 1024 * 1024
    /// Within this distance of the preallocated end the writer extends the file.
    static let paddingSlack: Int64 = 4096

    public var header = FileHeader(magic: FileHeader.txnLogMagic)
    public private(set) var entries: [TxnLogEntry] = []
    /// The encoded content so far: header and entries, without the zero padding.
    public private(set) var bytes: [UInt8]
    /// The file's length with its preallocated zeros (at least `bytes.count`): what
    /// `FilePadding` extends the real file to. Write `bytes`, then extend to this length.
    public private(set) var preallocatedLength: Int64
    /// End of the last entry: where the next one goes.
    public var position: Int64 { Int64(bytes.count) }
    public let preAllocSize: Int64

    /// A new log file (what `FileTxnLog.append` creates when no log is open).
    public init(dbid: Int64 = 0, preAllocSize: Int64 = TxnLogFile.preAllocSizeDefault) {
        precondition(preAllocSize >= 0, "preAllocSize must not be negative")
        header.dbid = dbid
        self.preAllocSize = preAllocSize
        var w = JuteWriter()
        header.write(to: &w)
        bytes = w.bytes
        preallocatedLength = Int64(bytes.count)
    }

    /// The whole file as the real server leaves it: content then zeros to the preallocated
    /// length (64 MiB by default, so use it for real files, not in memory-heavy loops).
    public var fileBytes: [UInt8] {
        bytes + [UInt8](repeating: 0, count: max(0, Int(preallocatedLength) - bytes.count))
    }

    /// The name of this file: `log.<zxid of the first entry in hex>`.
    public var fileName: String? { entries.first.map { ZKFileNames.logName($0.header.zxid) } }

    /// `FilePadding.calculateFileSizeWithPadding`.
    public static func fileSizeWithPadding(position: Int64, fileSize: Int64, preAllocSize: Int64) -> Int64 {
        guard preAllocSize > 0, position + paddingSlack >= fileSize else { return fileSize }
        if position > fileSize {
            let size = position + preAllocSize
            return size - size % preAllocSize
        }
        return fileSize + preAllocSize
    }

    /// Appends one entry exactly as `FileTxnLog.append` writes it: pad first, then checksum,
    /// length-prefixed bytes and the 'B' end-of-record marker.
    public mutating func append(_ entry: TxnLogEntry) {
        if let last = entries.last { precondition(entry.header.zxid > last.header.zxid, "log zxids must increase") }
        preallocatedLength = Self.fileSizeWithPadding(position: position, fileSize: preallocatedLength, preAllocSize: preAllocSize)
        bytes.append(contentsOf: Self.encodeRecord(entry))
        entries.append(entry)
    }

    /// The on-disk bytes of one entry: crc, length, payload, 'B'.
    public static func encodeRecord(_ entry: TxnLogEntry) -> [UInt8] {
        let payload = TxnRecords.marshal(entry)
        var w = JuteWriter(capacity: payload.count + 13)
        w.writeLong(Int64(Adler32.checksum(payload[...])))
        w.writeBuffer(payload)
        w.writeByte(0x42)
        return w.bytes
    }
}

/// How reading a log file ended.
public enum TxnLogEnd: Hashable, Sendable {
    /// The file ended exactly after an entry.
    case endOfFile
    /// Preallocated zeros followed (a zero-length entry), the normal end.
    case padding(offset: Int)
    /// The last entry is cut short or lacks its 'B': a write torn by a crash. The real
    /// reader stops here and the server truncates nothing (later appends go to a new file).
    case partialEntry(offset: Int)
    /// An entry's Adler-32 does not match: the real server fails with "CRC check failed".
    case crcMismatch(offset: Int)
}

/// A log file read back: its header, the entries in order and how it ended.
public struct DecodedTxnLog: Hashable, Sendable {
    public var header: FileHeader
    public var entries: [TxnLogEntry]
    public var end: TxnLogEnd
    /// Byte offset just past the last good entry (where `truncate` would cut).
    public var validLength: Int
}

extension TxnLogFile {
    /// Reads a log file the way `FileTxnIterator` does. A bad header or an entry whose
    /// checksum holds but whose record does not decode is an error naming the file, the
    /// offset and the field; a torn tail or a checksum mismatch ends the entries and is
    /// reported in `end` (the caller decides, as the server would, whether that is fatal).
    public static func decode(_ bytes: [UInt8], fileName: String = "log") throws(ZKFileError) -> DecodedTxnLog {
        var r = JuteReader(bytes)
        let header: FileHeader
        do { header = try FileHeader.read(&r) } catch { throw ZKFileError(file: fileName, "bad file header: \(error)") }
        guard header.magic == FileHeader.txnLogMagic else {
            throw ZKFileError(file: fileName, "magic 0x\(String(UInt32(bitPattern: header.magic), radix: 16)) is not ZKLG (0x5a4b4c47)")
        }
        guard header.version == FileHeader.version else {
            throw ZKFileError(file: fileName, "format version \(header.version), expected 2")
        }
        var entries: [TxnLogEntry] = []
        while true {
            let start = r.offset
            if r.atEnd { return DecodedTxnLog(header: header, entries: entries, end: .endOfFile, validLength: start) }
            guard let crc = try? r.readLong("txnEntryCRC"), let length = try? r.readInt("txtEntry.length") else {
                return DecodedTxnLog(header: header, entries: entries, end: .partialEntry(offset: start), validLength: start)
            }
            if length == 0 {
                return DecodedTxnLog(header: header, entries: entries, end: .padding(offset: start), validLength: start)
            }
            guard length > 0, Int(length) + 1 <= r.remaining else {
                return DecodedTxnLog(header: header, entries: entries, end: .partialEntry(offset: start), validLength: start)
            }
            let payloadStart = r.position
            let payload = bytes[payloadStart..<payloadStart + Int(length)]
            _ = try? r.skip(Int(length), "txtEntry")
            guard (try? r.readByte("EOR")) == 0x42 else {
                return DecodedTxnLog(header: header, entries: entries, end: .partialEntry(offset: start), validLength: start)
            }
            guard Int64(Adler32.checksum(payload)) == crc else {
                return DecodedTxnLog(header: header, entries: entries, end: .crcMismatch(offset: start), validLength: start)
            }
            do {
                entries.append(try TxnRecords.unmarshal(payload))
            } catch {
                throw ZKFileError(file: fileName, "entry at byte \(start): \(error)")
            }
        }
    }
}
