/// Everything a disk or a storage engine can report. One error type for both layers, so
/// engines generic over `D: Disk` use typed throws without boxing or re-wrapping.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No file or directory at `path`.
    case notFound(path: String)
    /// `path` exists and the operation needed it not to.
    case alreadyExists(path: String)
    /// The device reported an I/O error (EIO) for `path`.
    case ioError(path: String, operation: String)
    /// The device is full (ENOSPC).
    case noSpace(path: String)
    /// A handle opened before a crash (or closed) was used.
    case staleHandle
    /// An fsync did not complete successfully; what it covered is not durable.
    case syncFailed(path: String)
    /// A record failed its checksum or framing at `position` of `path`.
    case corrupt(path: String, position: Int, reason: String)
    /// A file that has a documented format did not follow it.
    case badFormat(path: String, line: Int, expected: String)
    /// A read asked for an offset the log does not hold.
    case offsetOutOfRange(offset: UInt64, start: UInt64, end: UInt64)
    /// The operating system refused, with its errno.
    case system(path: String, operation: String, errno: Int32)
    /// The caller broke an engine's contract (an argument out of bounds).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .notFound(let p): return "\(p): no such file or directory"
        case .alreadyExists(let p): return "\(p): already exists"
        case .ioError(let p, let op): return "\(p): I/O error during \(op)"
        case .noSpace(let p): return "\(p): no space left on device"
        case .staleHandle: return "stale file handle (opened before a crash or after close)"
        case .syncFailed(let p): return "\(p): fsync failed"
        case .corrupt(let p, let pos, let why): return "\(p): corrupt record at byte \(pos): \(why)"
        case .badFormat(let p, let line, let expected): return "\(p):\(line): expected \(expected)"
        case .offsetOutOfRange(let o, let s, let e): return "offset \(o) is outside the log [\(s), \(e))"
        case .system(let p, let op, let e): return "\(p): \(op) failed with errno \(e)"
        case .invalidArgument(let why): return "invalid argument: \(why)"
        }
    }
}
