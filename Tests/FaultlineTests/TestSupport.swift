import Foundation
import Testing
@testable import Faultline

/// Paths and helpers the scenario tests share.
enum TestSupport {
    /// The package root, derived from this file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var bundledScenarios: [URL] {
        let dir = packageRoot.appendingPathComponent("scenarios")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// The built `faultline` executable beside the test binary, if it is there.
    static var executable: String? {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: me).deletingLastPathComponent()
        // macOS runs tests from inside an .xctest bundle.
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir.deleteLastPathComponent()
        }
        let candidate = dir.appendingPathComponent("faultline").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    static func temporaryDirectory(_ name: String) -> URL {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("faultline-tests-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, _ dir: URL, _ name: String) -> String {
        let url = dir.appendingPathComponent(name)
        try! text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Runs a command line in-process.
    static func cli(_ args: [String]) -> (code: Int32, out: String, err: String) {
        let c = CapturedConsole()
        let code = FaultlineCLI.run(args, console: c)
        return (code, c.stdout, c.stderr)
    }

    /// Runs the executable as a child process.
    static func spawn(_ exe: String, _ args: [String]) throws -> (code: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A small, fast primary/backup scenario whose async preset loses acknowledged writes.
    static let isolatedPrimary = """
    // An async primary cut off from its backups keeps acknowledging writes.
    {
      name: "isolated-primary",
      system: "primary-backup",
      preset: "async",
      seed: 3,
      network: { latency: "200us..1ms" },
      workload: { clients: 2, duration: "6s", interval: "50ms", timeout: "1s", keys: 2, mix: { add: 3, read: 1 } },
      faults: [
        { at: "1s", do: "isolate", target: "primary", for: "3s" },
      ],
      liveness: { within: "10s" },
      checks: ["lost-writes", "election-safety"],
      expect: { "lost-writes": "fail" },
    }
    """

    static func scenario(_ text: String = isolatedPrimary) throws -> Scenario {
        try Scenario.parse(Data(text.utf8), file: "test.json")
    }
}
