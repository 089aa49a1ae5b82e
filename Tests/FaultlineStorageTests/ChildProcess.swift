#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Child processes for the real-peer tests, by posix_spawn and waitpid: no run loop, no
/// threads, so a test can never hang waiting for a termination notice.
struct ChildProcess {
    let pid: pid_t
    /// Read end of the child's stdout+stderr, when captured.
    let output: Int32?

    /// Starts `path` with `args`; stdout and stderr go to a pipe (`capture`) or /dev/null.
    static func spawn(_ path: String, _ args: [String], capture: Bool) throws -> ChildProcess {
        var fds: [Int32] = [-1, -1]
        if capture {
            guard pipe(&fds) == 0 else { throw ChildError("pipe failed for \(path)") }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        // The test runs on a worker thread whose signal mask blocks nearly everything; a
        // child inheriting it would never see SIGTERM. Give it a clean mask and defaults.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        if capture { close(fds[1]) }
        guard rc == 0 else {
            if capture { close(fds[0]) }
            throw ChildError("posix_spawn \(path) failed with \(rc)")
        }
        return ChildProcess(pid: pid, output: capture ? fds[0] : nil)
    }

    /// Everything the child writes until it exits (or closes its output).
    func readOutput() -> [UInt8] {
        guard let fd = output else { return [] }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        close(fd)
        return out
    }

    /// Waits for the child; its exit status, or 128 + signal when a signal ended it.
    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Runs to completion and returns (status, output).
    static func run(_ path: String, _ args: [String]) throws -> (status: Int32, output: [UInt8]) {
        let child = try spawn(path, args, capture: true)
        let output = child.readOutput()
        return (child.wait(), output)
    }
}

struct ChildError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
