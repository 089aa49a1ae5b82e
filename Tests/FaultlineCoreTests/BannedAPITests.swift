import Foundation
import Testing

/// The simulation targets must not reach for the wall clock, threads or system randomness:
/// one such call makes a seed stop reproducing its run.
@Suite struct BannedAPITests {
    static let simulationTargets = ["FaultlineCore", "FaultlineStorage", "FaultlineHistory", "FaultlineCheck",
                                    "FaultlineZooKeeper", "FaultlineRedis", "FaultlineKafka", "FaultlineRocketMQ"]
    static let banned: [(pattern: String, why: String)] = [
        ("Date()", "wall clock"), ("Date.now", "wall clock"), ("timeIntervalSince1970", "wall clock"),
        ("ContinuousClock", "wall clock"), ("SuspendingClock", "wall clock"), ("gettimeofday", "wall clock"),
        ("clock_gettime", "wall clock"), ("DispatchTime", "wall clock"), ("ProcessInfo.processInfo.systemUptime", "wall clock"),
        ("DispatchQueue", "threads"), ("import Dispatch", "threads"), ("Thread.", "threads"), ("Thread(", "threads"),
        ("Task {", "threads"), ("Task.", "threads"), ("Task(", "threads"), ("pthread_", "threads"),
        ("usleep(", "sleeping"), ("sleep(", "sleeping"), ("nanosleep", "sleeping"),
        ("SystemRandomNumberGenerator", "system randomness"), (".random(in:", "system randomness"),
        ("Bool.random()", "system randomness"), (".shuffled()", "system randomness"), (".randomElement()", "system randomness"),
        ("arc4random", "system randomness"), ("/dev/urandom", "system randomness"), ("UUID()", "system randomness"),
    ]

    static var sourcesRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    /// Lines of Swift code in a target, comments and string-free doc lines excluded.
    static func codeLines(of target: String) -> [(file: String, number: Int, text: String)] {
        let dir = sourcesRoot.appendingPathComponent(target)
        guard let walker = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var out: [(String, Int, String)] = []
        for case let rel as String in walker where rel.hasSuffix(".swift") {
            guard let text = try? String(contentsOfFile: dir.appendingPathComponent(rel).path, encoding: .utf8) else { continue }
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.drop { $0 == " " }
                if trimmed.hasPrefix("//") { continue }
                let code = line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line)
                out.append(("\(target)/\(rel)", i + 1, code))
            }
        }
        return out.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    @Test func simulationTargetsUseNoWallClockThreadsOrSystemRandomness() {
        var hits: [String] = []
        var scanned = 0
        for target in Self.simulationTargets {
            for line in Self.codeLines(of: target) {
                scanned += 1
                for b in Self.banned where line.text.contains(b.pattern) {
                    hits.append("\(line.file):\(line.number): \(b.why): \(line.text.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(scanned > 100, "the scan must find the sources (root \(Self.sourcesRoot.path))")
        #expect(hits.isEmpty, "banned APIs in simulation code:\n\(hits.joined(separator: "\n"))")
    }

    @Test func theScanFindsABannedCallWhenThereIsOne() {
        let sample = "let t = Date()\nlet q = DispatchQueue(label: \"x\")\nvar g = SystemRandomNumberGenerator()"
        let found = sample.split(separator: "\n").filter { line in Self.banned.contains { line.contains($0.pattern) } }
        #expect(found.count == 3)
    }
}
