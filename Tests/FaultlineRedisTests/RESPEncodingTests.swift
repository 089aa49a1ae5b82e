import Testing
@testable import FaultlineRedis

@Suite struct RESPEncodingTests {
    @Test func everyKindEncodesAsRedisSendsIt() {
        #expect(RESPValue.ok.encoded == Array("+OK\r\n".utf8))
        #expect(RESPValue.error("ERR syntax error").encoded == Array("-ERR syntax error\r\n".utf8))
        #expect(RESPValue.integer(-2).encoded == Array(":-2\r\n".utf8))
        #expect(RESPValue.nullBulk.encoded == Array("$-1\r\n".utf8))
        #expect(RESPValue.nullArray.encoded == Array("*-1\r\n".utf8))
        #expect(RESPValue.bulk("v3").encoded == Array("$2\r\nv3\r\n".utf8))
        #expect(RESPValue.array([.bulk("x"), .nullBulk]).encoded == Array("*2\r\n$1\r\nx\r\n$-1\r\n".utf8))
        #expect(RESPValue.emptyArray.encoded == Array("*0\r\n".utf8))
    }

    @Test func readerReturnsNothingUntilAValueIsComplete() throws {
        let whole = RESPValue.array([.bulk("a"), .integer(7), .array([.nullBulk, .simpleString("OK")])]).encoded
        var reader = RESPReader()
        for byte in whole.dropLast() {
            reader.append([byte])
            #expect(try reader.next() == nil)
        }
        reader.append([whole.last!])
        #expect(try reader.next() == .array([.bulk("a"), .integer(7), .array([.nullBulk, .simpleString("OK")])]))
        #expect(reader.pendingCount == 0)
    }

    @Test func malformedInputIsAProtocolErrorWithItsOffset() {
        #expect(throws: RESPReader.ProtocolError.self) { try RESPReader.parseAll(Array("?x\r\n".utf8)) }
        #expect(throws: RESPReader.ProtocolError.self) { try RESPReader.parseAll(Array("$3\r\nabcd\r\n".utf8)) }
        #expect(throws: RESPReader.ProtocolError.self) { try RESPReader.parseAll(Array(":12a\r\n".utf8)) }
        #expect(throws: RESPReader.ProtocolError.self) { try RESPReader.parseAll(Array("+OK\r\n$5\r\nab".utf8)) }
    }
}
