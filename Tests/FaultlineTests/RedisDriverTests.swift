import Foundation
import Testing
@testable import Faultline
import FaultlineRedis

/// `faultline redis`: the simulated primary answers lines from a file or stdin with the exact
/// RESP bytes, moves its clock only in virtual time, and rejects bad input with exit code 2.
@Suite struct RedisDriverTests {
    static let repliesPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data/redis/redis-7.0.15-replies.txt").path

    /// Runs the driver on `lines` written to a temporary file.
    func drive(_ lines: [String], extra: [String] = []) throws -> (code: Int32, out: String, err: String) {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("faultline-redis-driver-\(getpid())-\(UUID().uuidString).txt")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let console = CapturedConsole()
        let code = FaultlineCLI.run(["redis", "--input", url.path] + extra, console: console)
        return (code, console.stdout, console.stderr)
    }

    /// Splits a reply stream into one string per RESP value.
    func replies(_ out: String) throws -> [String] {
        var reader = RESPReader()
        reader.append(Array(out.utf8))
        var values: [String] = []
        while let v = try reader.next() { values.append(String(decoding: v.encoded, as: UTF8.self)) }
        #expect(reader.pendingCount == 0, "output ends in half a reply")
        return values
    }

    @Test func standalonePrimaryRepliesAsRedis7015IncludingWaitRoleAndInfo() throws {
        guard let text = try? String(contentsOfFile: Self.repliesPath, encoding: .utf8) else {
            print("RedisDriverTests: skipped, \(Self.repliesPath) not found"); return
        }
        let transcript = try RedisTranscript(parsing: text)
        // Section 1 up to HELLO 3 (RESP3 is not modelled), without INCRBYFLOAT and its read.
        var chosen: [RedisTranscript.Entry] = []
        for entry in transcript.entries where entry.section.hasPrefix("1.") {
            if entry.text.hasPrefix("HELLO") { break }
            if entry.text.hasPrefix("INCRBYFLOAT") || entry.text == "GET fl" { continue }
            chosen.append(entry)
        }
        #expect(chosen.count >= 130)
        let run = try drive(chosen.map(\.text))
        #expect(run.code == 0, "\(run.err)")
        let got = try replies(run.out)
        #expect(got.count == chosen.count)
        func mask(_ entry: RedisTranscript.Entry, _ reply: String) -> String {
            if entry.text == "DBSIZE" { return reply.hasPrefix(":") ? ":<masked>" : reply }
            return reply.replacingOccurrences(of: #"master_replid:[0-9a-f]{40}"#, with: "master_replid:<masked>",
                                              options: .regularExpression)
        }
        var mismatches = 0
        for (entry, reply) in zip(chosen, got) {
            let expected = String(decoding: entry.reply, as: UTF8.self)
            if mask(entry, reply) != mask(entry, expected) {
                mismatches += 1
                Issue.record("line \(entry.line) '\(entry.text)': redis \(String(reflecting: expected)) model \(String(reflecting: reply))")
            }
        }
        #expect(mismatches == 0)
    }

    @Test func keysExpireOnlyWhenVirtualTimePassesTheirDeadline() throws {
        let run = try drive([
            "SET k v PX 1500", "SET forever x", "SET later y EX 100",
            "#sleep 1500ms", "GET k",          // now == deadline: not yet expired (Redis needs now > when)
            "#sleep 1ms", "GET k", "PTTL later", "DBSIZE",
            "# a comment", "", "WAIT 1 250", "PTTL later",
        ])
        #expect(run.code == 0, "\(run.err)")
        #expect(try replies(run.out) == ["+OK\r\n", "+OK\r\n", "+OK\r\n", "$1\r\nv\r\n", "$-1\r\n",
                                         ":98499\r\n", ":2\r\n", ":0\r\n", ":98249\r\n"])
    }

    @Test func quotedArgumentsAndEffectsFollowRedisCli() throws {
        let run = try drive([#"SET "my key" "a b\x41\n""#, #"GET 'my key'"#, "EXPIRE 'my key' 10", "INCRBY n 5"],
                            extra: ["--effects", "--clock-ms", "1000"])
        #expect(run.code == 0, "\(run.err)")
        #expect(try replies(run.out) == ["+OK\r\n", "$5\r\na bA\n\r\n", ":1\r\n", ":5\r\n"])
        #expect(run.err.contains(#"#effect SET "my key" "a bA\n""#))
        #expect(run.err.contains(#"#effect PEXPIREAT "my key" 11000"#))
        #expect(run.err.contains("#effect INCRBY n 5"))
    }

    @Test func theActiveExpireCycleDeletesDuringASleepAndPropagatesDel() throws {
        let run = try drive(["SET k v EX 1", "SET p v", "#sleep 1001ms", "DBSIZE"], extra: ["--effects", "--clock-ms", "0"])
        #expect(run.code == 0, "\(run.err)")
        #expect(try replies(run.out) == ["+OK\r\n", "+OK\r\n", ":1\r\n"])
        #expect(run.err.contains("#effect SET k v PXAT 1000\n"))
        #expect(run.err.contains("#effect DEL k (active expire)"))
    }

    @Test func badInputNamesTheLineAndExitsTwo() throws {
        let quotes = try drive(["PING", #"SET k "unterminated"#])
        #expect(quotes.code == ExitCode.usage)
        #expect(quotes.err.contains(":2:"), "\(quotes.err)")
        #expect(quotes.out == "+PONG\r\n")
        let sleep = try drive(["#sleep soon"])
        #expect(sleep.code == ExitCode.usage)
        #expect(sleep.err.contains("#sleep <N>ms"), "\(sleep.err)")
        let console = CapturedConsole()
        #expect(FaultlineCLI.run(["redis", "--input", "/nonexistent/commands.txt"], console: console) == ExitCode.usage)
        #expect(console.stderr.contains("/nonexistent/commands.txt"))
        let clock = CapturedConsole()
        #expect(FaultlineCLI.run(["redis", "--clock-ms", "yesterday"], console: clock) == ExitCode.usage)
    }
}
