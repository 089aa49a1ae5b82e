/// One delivered event, in the form trace files show.
public struct TraceLine: Sendable {
    public let index: UInt64
    public let time: SimTime
    public let kind: EventKind
    public let node: String
    public let from: String?
    public let detail: String
    /// The rolling hash after this event.
    public let hash: UInt64

    /// A JSON object on one line: `{"i":..,"t_ns":..,"kind":..,"node":..,"from":..,"detail":..,"hash":..}`.
    public var json: String {
        var s = "{\"i\":\(index),\"t_ns\":\(time.nanoseconds),\"kind\":\"\(kind)\",\"node\":" + TraceLine.quote(node)
        if let from { s += ",\"from\":" + TraceLine.quote(from) }
        s += ",\"detail\":" + TraceLine.quote(detail) + ",\"hash\":\"" + TraceHasher.hexString(hash) + "\"}"
        return s
    }

    /// `text` as a JSON string literal, with the escapes JSON requires.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

extension TraceHasher {
    public static func hexString(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Receives trace lines and checkpoints. Nothing is kept in memory unless a sink keeps it:
/// without a sink a run only folds events into its hash.
public protocol TraceSink: AnyObject {
    /// Every delivered event, in order. Only called when `wantsLines` is true (building the
    /// line costs a string per event).
    func record(_ line: TraceLine)
    /// The rolling hash after every `checkpointInterval` events.
    func checkpoint(events: UInt64, hash: UInt64)
    var wantsLines: Bool { get }
}

extension TraceSink {
    public func checkpoint(events: UInt64, hash: UInt64) {}
    public var wantsLines: Bool { true }
}

/// Writes each event as a JSON line through `write` (a file, standard output, a buffer).
public final class JSONLinesTraceSink: TraceSink {
    private let write: (String) -> Void
    public init(write: @escaping (String) -> Void) { self.write = write }
    public func record(_ line: TraceLine) { write(line.json + "\n") }
}

/// Keeps the checkpoint hashes only, so a replay can name the first window that diverged.
public final class CheckpointRecorder: TraceSink {
    public private(set) var checkpoints: [(events: UInt64, hash: UInt64)] = []
    public init() {}
    public var wantsLines: Bool { false }
    public func record(_ line: TraceLine) {}
    public func checkpoint(events: UInt64, hash: UInt64) { checkpoints.append((events, hash)) }

    /// The first checkpoint where `other` differs from this recording, if any.
    public func firstDivergence(from other: [(events: UInt64, hash: UInt64)]) -> (events: UInt64, expected: UInt64, actual: UInt64?)? {
        for (i, mine) in checkpoints.enumerated() {
            if i >= other.count { return (mine.events, mine.hash, nil) }
            if other[i] != mine { return (mine.events, mine.hash, other[i].hash) }
        }
        return nil
    }
}

/// Keeps every line in memory: for tests and small runs only.
public final class MemoryTraceSink: TraceSink {
    public private(set) var lines: [TraceLine] = []
    public init() {}
    public func record(_ line: TraceLine) { lines.append(line) }
}
