import Foundation
import Testing

/// The strongest determinism evidence: two separate processes (each with its own
/// per-process hash seed for Dictionary and Set) run the same seed and print the same
/// trace hash; another seed prints another.
@Suite struct CoreProcessDeterminismTests {
    /// The built `faultline` executable next to the test bundle.
    static var executable: URL? {
        var candidates: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var dir = argv0.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("faultline"))
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/faultline"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func traceHash(seed: UInt64) throws -> String {
        guard let exe = executable else { throw CocoaError(.fileNoSuchFile) }
        let p = Process()
        p.executableURL = exe
        p.arguments = ["bench", "--workload", "core-actors", "--events", "30000", "--seed", "\(seed)", "--json"]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SWIFT_DETERMINISTIC_HASHING")
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let r = text.range(of: "\"trace_hash\":\"") else { return "missing in: \(text)" }
        return String(text[r.upperBound...].prefix(16))
    }

    @Test func twoProcessesWithTheSameSeedPrintTheSameTraceHash() throws {
        try #require(Self.executable != nil, "the faultline executable must be built next to the tests")
        let first = try Self.traceHash(seed: 7), second = try Self.traceHash(seed: 7), other = try Self.traceHash(seed: 8)
        #expect(first.count == 16 && first.allSatisfy(\.isHexDigit), "got \(first)")
        #expect(first == second)
        #expect(first != other)
    }
}
