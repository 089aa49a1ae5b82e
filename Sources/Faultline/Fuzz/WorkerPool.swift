import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the same executable as worker processes and hands back their output line by line
/// as it arrives. Each simulation stays single-threaded inside its own process; this is the
/// only place Faultline starts processes, and it lives in the CLI layer, never in a run.
final class WorkerPool {
    struct Worker {
        let process: Process
        let fd: Int32
        var pending: [UInt8] = []
        var open = true
    }
    var workers: [Worker] = []

    /// The executable to re-invoke: FAULTLINE_EXECUTABLE, else this process's own image.
    static func executablePath() -> String {
        if let e = ProcessInfo.processInfo.environment["FAULTLINE_EXECUTABLE"], !e.isEmpty { return e }
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    /// True when `executablePath()` is the `faultline` executable (or FAULTLINE_EXECUTABLE
    /// names one): the program embedding the CLI could otherwise be a test runner, which
    /// does not understand `fuzz --worker`.
    static var canStartWorkers: Bool {
        if let e = ProcessInfo.processInfo.environment["FAULTLINE_EXECUTABLE"], !e.isEmpty { return true }
        let name = (executablePath() as NSString).lastPathComponent
        return name == "faultline" || name == "faultline.exe"
    }

    init(executable: String, argumentLists: [[String]]) throws {
        for args in argumentLists {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = args
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.standardError
            do { try p.run() } catch { throw UsageError("faultline fuzz: cannot start worker \(executable): \(error.localizedDescription)") }
            workers.append(Worker(process: p, fd: out.fileHandleForReading.fileDescriptor))
        }
    }

    /// Calls `line` for every complete line any worker writes, until all have closed their
    /// output; then waits for them and returns their exit codes.
    func drain(_ line: (String) -> Void) -> [Int32] {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while workers.contains(where: \.open) {
            var fds = workers.filter(\.open).map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 { if errno == EINTR { continue }; break }
            for p in fds where p.revents != 0 {
                guard let k = workers.firstIndex(where: { $0.fd == p.fd }) else { continue }
                let n = read(p.fd, &buffer, buffer.count)
                if n <= 0 {
                    workers[k].open = false
                    if !workers[k].pending.isEmpty { line(String(decoding: workers[k].pending, as: UTF8.self)); workers[k].pending = [] }
                    continue
                }
                workers[k].pending.append(contentsOf: buffer[0..<n])
                while let nl = workers[k].pending.firstIndex(of: 10) {
                    line(String(decoding: workers[k].pending[..<nl], as: UTF8.self))
                    workers[k].pending.removeSubrange(...nl)
                }
            }
        }
        return workers.map { $0.process.waitUntilExit(); return $0.process.terminationStatus }
    }
}
