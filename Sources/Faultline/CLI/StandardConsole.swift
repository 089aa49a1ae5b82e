#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's real standard output and error (file descriptors 1 and 2, unbuffered
/// so progress lines and results interleave as they happen).
public final class StandardConsole: Console {
    public init() {}
    public func out(_ text: String) { write(fd: 1, text) }
    public func err(_ text: String) { write(fd: 2, text) }
    public var isTerminal: Bool { isatty(1) != 0 }

    private func write(fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf in
                #if canImport(Glibc)
                Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                #else
                Darwin.write(fd, buf.baseAddress! + offset, buf.count - offset)
                #endif
            }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Collects what a command prints, for tests.
public final class CapturedConsole: Console {
    public private(set) var stdout = ""
    public private(set) var stderr = ""
    public init() {}
    public func out(_ text: String) { stdout += text }
    public func err(_ text: String) { stderr += text }
    public var isTerminal: Bool { false }
}
