/// The envelope of snapshot and checkpoint files: a 4-byte magic, the payload length
/// (UInt64 LE), CRC-32C (UInt32 LE) over length and payload, then the payload. A file that
/// is short, too long, or fails its checksum is rejected whole.
public enum ChecksummedFile {
    public static let headerBytes = 16

    public static func encode(magic: [UInt8], payload: [UInt8]) -> [UInt8] {
        precondition(magic.count == 4)
        var out = magic
        out.reserveCapacity(headerBytes + payload.count)
        RecordFrame.appendLE(UInt64(payload.count), to: &out)
        RecordFrame.appendLE(UInt32(0), to: &out)
        out.append(contentsOf: payload)
        var crc = CRC32C.checksum(out, from: 4, count: 8)
        crc = CRC32C.checksum(out, from: headerBytes, continuing: crc)
        out.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: 12, as: UInt32.self) }
        return out
    }

    /// The payload, or why the bytes are not a valid file.
    public static func decode(magic: [UInt8], _ bytes: [UInt8]) -> Result<[UInt8], DecodeFailure> {
        guard bytes.count >= headerBytes else { return .failure(.init("\(bytes.count) bytes, shorter than the \(headerBytes)-byte header")) }
        guard Array(bytes[0..<4]) == magic else { return .failure(.init("wrong magic number")) }
        let length = RecordFrame.readLE64(bytes, 4)
        guard length == UInt64(bytes.count - headerBytes) else {
            return .failure(.init("header says \(length) payload bytes, file holds \(bytes.count - headerBytes)"))
        }
        var crc = CRC32C.checksum(bytes, from: 4, count: 8)
        crc = CRC32C.checksum(bytes, from: headerBytes, continuing: crc)
        guard crc == RecordFrame.readLE32(bytes, 12) else { return .failure(.init("CRC-32C mismatch")) }
        return .success(Array(bytes[headerBytes...]))
    }

    public struct DecodeFailure: Error, Equatable {
        public let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

extension Disk {
    /// Step 1 of an atomic replace: write `bytes` to a fresh `temporary` and request its fsync.
    func writeTemporary(_ temporary: String, _ bytes: [UInt8]) throws(StorageError) -> SyncTicket {
        let file = try open(temporary, create: true)
        defer { close(file) }
        try truncate(file, to: 0)
        try append(file, bytes)
        return try requestSync(file)
    }

    /// Step 2: once the temporary file is durable, rename it over `path` and request a sync
    /// of the directory, after which the new content is what any crash leaves.
    func publish(_ temporary: String, as path: String) throws(StorageError) -> SyncTicket {
        try rename(temporary, to: path)
        return try requestDirectorySync(DiskPath.parent(path))
    }
}
