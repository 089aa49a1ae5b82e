/// The replication backlog: the last `repl-backlog-size` bytes of the stream, so a replica
/// that lost its link can PSYNC from its offset instead of copying the whole dataset.
///
/// Redis keeps a byte ring; the model keeps whole commands with their start offsets and
/// trims whole commands from the front, so it holds at most `sizeLimit` bytes (never more:
/// a bound the fuzzer can hit). Offsets are Redis's: `firstByteOffset` is the offset of the
/// oldest byte held (`repl_backlog_first_byte_offset`), and a PSYNC asks for the offset of
/// the first byte it lacks (its `master_repl_offset` + 1).
struct ReplicationBacklog {
    struct Entry { var offset: Int64; var argv: [[UInt8]]; var bytes: Int64 }
    let sizeLimit: Int64
    private(set) var entries: [Entry] = []
    private var head = 0
    /// `repl_backlog_histlen`: bytes held.
    private(set) var histlen: Int64 = 0
    /// Offset of the first byte held; `nextOffset` when empty.
    private(set) var firstByteOffset: Int64

    /// A backlog whose next byte will have offset `nextOffset` (master_repl_offset + 1).
    init(sizeLimit: Int64, nextOffset: Int64) {
        precondition(sizeLimit > 0, "repl-backlog-size is positive")
        self.sizeLimit = sizeLimit; firstByteOffset = nextOffset
    }

    mutating func append(_ argv: [[UInt8]], bytes: Int64, offset: Int64) {
        assert(offset == firstByteOffset + histlen, "the backlog is contiguous")
        entries.append(Entry(offset: offset, argv: argv, bytes: bytes))
        histlen += bytes
        while histlen > sizeLimit, head < entries.count {
            histlen -= entries[head].bytes
            head += 1
            firstByteOffset = head < entries.count ? entries[head].offset : offset + bytes
        }
        if head > 1024 && head * 2 > entries.count { entries.removeFirst(head); head = 0 }
        assert(histlen <= sizeLimit)
    }

    /// True when the bytes from `offset` on are all here (Redis's check in
    /// masterTryPartialResynchronization: offset within [first byte, first byte + histlen]).
    func canServe(from offset: Int64) -> Bool {
        offset >= firstByteOffset && offset <= firstByteOffset + histlen
            && (offset == firstByteOffset + histlen || entries[head...].contains { $0.offset == offset })
    }

    /// The commands from `offset` to the end.
    func commands(from offset: Int64) -> [[[UInt8]]] {
        precondition(canServe(from: offset))
        return entries[head...].filter { $0.offset >= offset }.map(\.argv)
    }
}
