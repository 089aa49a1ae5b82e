import Testing
@testable import FaultlineStorage

@Suite struct CRC32CTests {
    @Test func matchesTheCastagnoliCheckValue() {
        // The standard check value of CRC-32C for "123456789" (RFC 3720, appendix B.4).
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        // 32 bytes of zeros, from RFC 3720's test vectors.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    }

    @Test func slicedAndBytewiseAgreeOnEveryLengthAndContinuationSplit() {
        let data: [UInt8] = (0..<67).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for n in 0...data.count {
            var bitwise: UInt32 = ~0
            for b in data[0..<n] {
                bitwise ^= UInt32(b)
                for _ in 0..<8 { bitwise = (bitwise & 1) != 0 ? (bitwise >> 1) ^ 0x82F6_3B78 : bitwise >> 1 }
            }
            bitwise = ~bitwise
            #expect(CRC32C.checksum(data, from: 0, count: n) == bitwise)
            let split = n / 3
            let first = CRC32C.checksum(data, from: 0, count: split)
            #expect(CRC32C.checksum(data, from: split, count: n - split, continuing: first) == bitwise)
        }
    }
}
