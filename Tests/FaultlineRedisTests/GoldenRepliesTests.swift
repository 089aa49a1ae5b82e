import Foundation
import Testing
@testable import FaultlineRedis

/// Replays every data command of the real 7.0.15 transcript through the engine and compares
/// the reply bytes. Lines the engine does not answer are skipped, each with its reason, and the
/// test prints the list so a reader sees the coverage at a glance.
@Suite struct GoldenRepliesTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let repliesPath = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/data/redis/redis-7.0.15-replies.txt").path

    /// Why a transcript line is not compared here; nil means it is compared.
    static func skipReason(_ entry: RedisTranscript.Entry, afterHello: Bool) -> String? {
        if afterHello { return "RESP3 (after HELLO 3): the model speaks RESP2" }
        let name = entry.text.split(separator: " ").first.map { $0.lowercased() } ?? ""
        switch name {
        case "incrbyfloat": return "INCRBYFLOAT: long double arithmetic is not modelled"
        case "wait", "role", "info", "replicaof":
            return entry.section.hasPrefix("1.")
                ? "server command: answered by the node (RedisDriverTests compares it)"
                : "server command with replicas attached: redis-replication's node"
        case "hello": return "HELLO 3 switches to RESP3, not modelled"
        case "debug", "object": return "DEBUG / OBJECT ENCODING: internals, not modelled"
        default: break
        }
        if entry.text == "GET fl" { return "reads the INCRBYFLOAT result" }
        if entry.reply.starts(with: Array("-READONLY".utf8)) { return "role error: redis-replication's node answers it" }
        return nil
    }

    /// Values the header lists as varying per run.
    static func masked(_ entry: RedisTranscript.Entry, _ reply: [UInt8]) -> [UInt8] {
        if entry.text == "DBSIZE", reply.first == UInt8(ascii: ":") { return Array(":<masked>\r\n".utf8) }
        return reply
    }

    @Test func dataCommandRepliesMatchRedis7015ByteForByte() throws {
        guard let text = try? String(contentsOfFile: Self.repliesPath, encoding: .utf8) else {
            print("GoldenRepliesTests: skipped, \(Self.repliesPath) not found (CI puts shared/ beside the clone)")
            return
        }
        let transcript = try RedisTranscript(parsing: text)
        #expect(transcript.entries.count > 150, "the transcript should parse into its commands")
        var keyspace = RedisKeyspace()
        let nowMs: Int64 = 1_795_389_442_074
        var compared = 0
        var skipped: [(Int, String, String)] = []
        var mismatches: [String] = []
        var afterHello = false
        var section = ""
        for entry in transcript.entries {
            // Each section is a server of its own; the replica lines of section 2 read a copy
            // of their primary's data, which the same keyspace stands for.
            if entry.section != section { section = entry.section; keyspace = RedisKeyspace(); afterHello = false }
            if entry.text.hasPrefix("HELLO 3") { afterHello = true }
            if let reason = Self.skipReason(entry, afterHello: afterHello && !entry.text.hasPrefix("HELLO")) {
                skipped.append((entry.line, entry.text, reason)); continue
            }
            let argv = try RedisCLIArguments.split(entry.text)
            let reply = RedisCommands.execute(argv, in: &keyspace, nowMs: nowMs).reply.encoded
            keyspace.checkInvariants()
            compared += 1
            if Self.masked(entry, reply) != Self.masked(entry, entry.reply) {
                mismatches.append("line \(entry.line) '\(entry.text)': redis \(String(reflecting: String(decoding: entry.reply, as: UTF8.self))) "
                                  + "model \(String(reflecting: String(decoding: reply, as: UTF8.self)))")
            }
        }
        print("GoldenRepliesTests: compared \(compared) replies, skipped \(skipped.count):")
        for (line, text, reason) in skipped { print("  line \(line) \(text.prefix(50)): \(reason)") }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(compared >= 130, "too few lines compared: \(compared)")
    }

    /// Section 3 of the transcript is the stream a bare replica received; the same commands
    /// produce the same effects (SET EX as PXAT, EXPIRE as PEXPIREAT, INCR as is, DEL with a
    /// missing key as sent). The absolute times are masked, as the header says.
    @Test func propagatedEffectsMatchTheCapturedReplicationStream() throws {
        guard let text = try? String(contentsOfFile: Self.repliesPath, encoding: .utf8) else {
            print("GoldenRepliesTests: skipped, \(Self.repliesPath) not found"); return
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("propagated stream bytes:") }) else {
            Issue.record("no 'propagated stream bytes:' block in the transcript"); return
        }
        var captured: [[UInt8]] = []
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("  b'"), let bytes = RedisTranscript.decodeBytesLiteral(String(line.dropFirst(2))) else { break }
            captured.append(bytes)
        }
        // The commands behind the stream (the PXAT and PEXPIREAT times, 50 s apart, fix the
        // clock: EX 100 and EXPIRE 50 at 1795389392074). SELECT 0 is the primary's framing and
        // the closing SET ... KEEPTTL comes from INCRBYFLOAT, which is not modelled.
        #expect(captured.count == 7)
        let commands = ["SET zz 1", "INCR zz", "SET ex v EX 100", "EXPIRE zz 50", "DEL zz nosuch"]
        var keyspace = RedisKeyspace()
        var effects: [[UInt8]] = []
        for command in commands {
            let result = RedisCommands.execute(try RedisCLIArguments.split(command), in: &keyspace, nowMs: 1_795_389_392_074)
            effects += result.propagate.map { RESPValue.command($0).encoded }
        }
        #expect(effects == Array(captured.dropFirst().dropLast()))
    }
}
