import Testing
import Foundation
import FaultlineCore
@testable import Faultline

/// The real crash test: a child `faultline _storage-crash-child` appends and fsyncs records
/// on real files and is killed with SIGKILL at a random moment, again and again on the same
/// directory. After every kill, recovery must keep every record whose fsync had returned
/// (the child printed `synced N` only after it did) and return no record that differs from
/// what was appended. Frames are written in several pwrites, so kills tear frames too.
///
/// SIGKILL ends the process, not the machine: the page cache survives, so this checks
/// process-crash recovery on a real file system; power loss is SimDisk's job.
@Suite struct FileDiskCrashTests {
    /// Cycles per run; FAULTLINE_CRASH_CYCLES overrides (CI can ask for more).
    static var cycles: Int { ProcessInfo.processInfo.environment["FAULTLINE_CRASH_CYCLES"].flatMap(Int.init) ?? 120 }

    static func faultlineExecutable() -> String? {
        var candidates: [String] = []
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("faultline").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/faultline").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func sigkilledWriterNeverLosesAReturnedFsyncNorReturnsADamagedRecord() throws {
        guard let executable = Self.faultlineExecutable() else {
            print("FileDiskCrashTests: skipped: the faultline executable was not found next to the test bundle; run `swift build` first")
            return
        }
        var template = Array((NSTemporaryDirectory() + "/faultline-crash-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            Issue.record("mkdtemp failed"); return
        }
        let dir = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { try? FileManager.default.removeItem(atPath: dir) }

        var random = SeededRandom(seed: 42, stream: "crash-test-delays")
        var syncedEver: UInt64 = 0
        var killedAfterSync = 0, tornTailsCut = 0, recordsChecked = 0
        let cycles = Self.cycles
        for cycle in 0..<cycles {
            let child = try Spawned.start(executable, ["_storage-crash-child", "--dir", dir, "--seed", "\(cycle + 1)"])
            // Kill at a random moment after recovery finished, while the child is writing.
            let head = child.readFirstLine()
            usleep(UInt32(random.int(in: 0...40_000)))
            kill(child.pid, SIGKILL)
            let output = String(decoding: head + child.readOutput(), as: UTF8.self)
            let status = child.wait()
            #expect(status == 128 + SIGKILL, "cycle \(cycle): the child ended by itself with \(status): \(output)")
            var syncedThisRun = false
            for line in output.split(separator: "\n") {
                let words = line.split(separator: " ")
                if words.first == "synced", words.count == 2, let n = UInt64(words[1]) {
                    syncedEver = max(syncedEver, n)
                    syncedThisRun = true
                } else if words.first == "recovered", words.count == 3, let end = UInt64(words[2]) {
                    #expect(end >= syncedEver, "cycle \(cycle): the child recovered to \(end), below the synced \(syncedEver)")
                }
            }
            if syncedThisRun { killedAfterSync += 1 }
            let report = try StorageCrashChild.verify(root: dir)
            #expect(report.damaged.isEmpty, "cycle \(cycle): \(report)")
            #expect(report.end >= syncedEver, "cycle \(cycle): recovery ends at \(report.end), but \(syncedEver) was synced")
            if report.bytesTruncated > 0 { tornTailsCut += 1 }
            recordsChecked += report.recordsChecked
            if !report.damaged.isEmpty || report.end < syncedEver { break }
        }
        print("FileDiskCrashTests: \(cycles) SIGKILL cycles, \(killedAfterSync) after at least one returned fsync, "
              + "\(tornTailsCut) torn tails cut, \(recordsChecked) records verified, \(syncedEver) records synced in all")
        #expect(tornTailsCut > 0, "some kills should land inside a frame")
        #expect(syncedEver > 0)
    }
}

@Suite struct StorageCrashChildCommandTests {
    @Test func crashChildIsHiddenFromHelpAndRejectsAMissingDirectoryWithExitTwo() {
        let help = CapturedConsole()
        #expect(FaultlineCLI.run(["--help"], console: help) == ExitCode.success)
        #expect(!help.stdout.contains("_storage-crash-child"))
        #expect(help.stdout.contains("bench"))
        let missing = CapturedConsole()
        #expect(FaultlineCLI.run(["_storage-crash-child", "--dir", "/nonexistent/faultline"], console: missing) == ExitCode.usage)
        #expect(missing.stderr.contains("/nonexistent/faultline"))
        let noDir = CapturedConsole()
        #expect(FaultlineCLI.run(["_storage-crash-child"], console: noDir) == ExitCode.usage)
        #expect(noDir.stderr.contains("--dir PATH is required"))
    }

    @Test func payloadIsAFunctionOfTheOffsetAlone() {
        #expect(StorageCrashChild.payload(offset: 7) == StorageCrashChild.payload(offset: 7))
        #expect(StorageCrashChild.payload(offset: 7) != StorageCrashChild.payload(offset: 8))
        #expect((0..<200).allSatisfy { StorageCrashChild.payload(offset: UInt64($0)).count <= 3000 })
    }
}

/// A child process by posix_spawn and waitpid (no run loop), with a clean signal mask so
/// SIGKILL and SIGTERM reach it whatever thread the test runs on.
struct Spawned {
    let pid: pid_t
    let output: Int32

    static func start(_ path: String, _ args: [String]) throws -> Spawned {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw UsageError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGTERM, SIGINT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); throw UsageError("posix_spawn \(path) failed with \(rc)") }
        return Spawned(pid: pid, output: fds[0])
    }

    /// Blocks until the child has written one line (or exited); returns what it read.
    func readFirstLine() -> [UInt8] {
        var out: [UInt8] = []
        var byte: UInt8 = 0
        while read(output, &byte, 1) == 1 {
            out.append(byte)
            if byte == 10 { break }
        }
        return out
    }

    func readOutput() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        close(output)
        return out
    }

    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
