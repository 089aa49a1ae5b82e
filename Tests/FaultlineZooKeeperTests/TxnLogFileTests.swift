import Testing
import FaultlineCore
import FaultlineStorage
@testable import FaultlineZooKeeper

private func entry(_ zxid: Zxid, _ txn: Txn, type: OpCode? = nil, digest: TxnDigest? = nil) -> TxnLogEntry {
    TxnLogEntry(header: TxnHeader(clientId: 0x51, cxid: Int32(zxid), zxid: zxid, time: 1000 + zxid, type: type ?? txn.opCode),
                txn: txn, digest: digest)
}

private let sample: [TxnLogEntry] = [
    entry(1, .createSession(timeoutMs: 30000), digest: TxnDigest(treeDigest: 5)),
    entry(2, .create(path: "/a", data: [1, 2], acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: 1)),
    entry(3, .setData(path: "/a", data: [], version: 1)),
    entry(4, .multi([.create(path: "/a/b", data: [], acl: ACL.openACLUnsafe, ephemeral: true, parentCVersion: 1),
                     .check(path: "/a", version: 2), .error(.runtimeInconsistency)])),
    entry(5, .error(.nodeExists)),
    entry(6, .delete(path: "/a/b")),
    entry(7, .closeSession(pathsToDelete: ["/x", "/y"])),
    entry(8, .setACL(path: "/a", acl: ACL.readACLUnsafe, version: 1)),
    entry(9, .createContainer(path: "/c", data: [], acl: ACL.openACLUnsafe, parentCVersion: 2)),
    entry(10, .createTTL(path: "/t", data: [], acl: ACL.openACLUnsafe, parentCVersion: 3, ttl: 500)),
]

@Test func everyTxnRecordRoundTripsThroughTheLogFormat() throws {
    var log = TxnLogFile(preAllocSize: 1024)
    sample.forEach { log.append($0) }
    let decoded = try TxnLogFile.decode(log.fileBytes, fileName: "log.1")
    #expect(decoded.entries == sample)
    #expect(decoded.end == .padding(offset: log.bytes.count))
    #expect(log.fileName == "log.1")
}

@Test func preallocationGrowsInStepsWhenWithinFourKilobytesOfTheEnd() {
    #expect(TxnLogFile.fileSizeWithPadding(position: 16, fileSize: 16, preAllocSize: 65536) == 65552)
    #expect(TxnLogFile.fileSizeWithPadding(position: 1000, fileSize: 65552, preAllocSize: 65536) == 65552)
    #expect(TxnLogFile.fileSizeWithPadding(position: 62000, fileSize: 65552, preAllocSize: 65536) == 131088)
    #expect(TxnLogFile.fileSizeWithPadding(position: 200_000, fileSize: 65552, preAllocSize: 65536) == 262144)
    #expect(TxnLogFile.fileSizeWithPadding(position: 5000, fileSize: 16, preAllocSize: 0) == 16)
    var log = TxnLogFile(preAllocSize: 4096)
    for z in 1...200 { log.append(entry(Zxid(z), .setData(path: "/p", data: [UInt8](repeating: 7, count: 50), version: Int32(z)))) }
    #expect(log.preallocatedLength >= Int64(log.bytes.count) + 0)
    #expect(log.preallocatedLength % 1 == 0 && log.preallocatedLength > 4096)
}

@Test func tornTailEndsTheLogQuietlyButACorruptChecksumIsReported() throws {
    var log = TxnLogFile(preAllocSize: 0)
    sample.prefix(3).forEach { log.append($0) }
    let full = log.bytes
    let cut = Array(full.dropLast(5))
    let torn = try TxnLogFile.decode(cut)
    #expect(torn.entries == Array(sample.prefix(2)))
    guard case .partialEntry = torn.end else { Issue.record("expected a partial entry, got \(torn.end)"); return }
    var flipped = full
    flipped[full.count - 10] ^= 0x40
    let bad = try TxnLogFile.decode(flipped)
    #expect(bad.entries.count == 2)
    guard case .crcMismatch = bad.end else { Issue.record("expected a CRC mismatch, got \(bad.end)"); return }
    #expect(try TxnLogFile.decode(full).end == .endOfFile)
}

@Test func badHeaderIsAnErrorNamingTheFile() {
    var bytes = TxnLogFile().bytes
    bytes[0] = 0x41
    #expect(throws: ZKFileError.self) { try TxnLogFile.decode(bytes, fileName: "log.5") }
    do { _ = try TxnLogFile.decode(bytes, fileName: "log.5") } catch {
        #expect(error.description.hasPrefix("log.5: magic"))
    }
    #expect(throws: ZKFileError.self) { try TxnLogFile.decode([0x5A, 0x4B], fileName: "log.6") }
}

@Test func adlerAndCrcMatchJavaZipVectors() {
    #expect(Adler32.checksum(Array("Wikipedia".utf8)[...]) == 0x11E6_0398)
    var c = CRC32()
    c.update(Array("123456789".utf8))
    #expect(c.value == 0xCBF4_3926)
    // Long inputs exercise the deferred modulo.
    let big = [UInt8](repeating: 0xFF, count: 100_000)
    var a: UInt32 = 1, b: UInt32 = 0
    for x in big { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
    #expect(Adler32.checksum(big[...]) == (b << 16 | a))
}

@Test func fileNamesAreLowerCaseHexZxids() {
    #expect(ZKFileNames.logName(ZxidUtils.make(epoch: 1, counter: 0x2a)) == "log.10000002a")
    #expect(ZKFileNames.snapshotName(0) == "snapshot.0")
    #expect(ZKFileNames.zxid(fromName: "snapshot.10000002a", prefix: "snapshot") == 0x1_0000_002a)
    #expect(ZKFileNames.zxid(fromName: "snapshot.10000002a.tmp", prefix: "snapshot") == nil)
    #expect(ZKFileNames.zxid(fromName: "log.zz", prefix: "log") == nil)
}
