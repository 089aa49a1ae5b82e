import Foundation
import FaultlineCore

/// The low 32 bits of the rolling trace hash after every event of one run, kept beside a
/// failure file so `replay` can name the exact first event where a later run parts from
/// the recorded one (the 1,000-event checkpoints in the failure file only name a window).
///
/// The file is small and versioned, all integers little-endian:
///
/// ```
/// bytes 0-3    magic "FLED" (Faultline event digests)
/// bytes 4-7    version, UInt32 (1)
/// bytes 8-15   event count N, UInt64
/// bytes 16...  N digests, UInt32 each: digest k-1 is the hash after event k
/// ```
///
/// 32 bits per event are enough: once two runs differ, their rolling hashes differ at every
/// later event, so a chance collision (one in 2^32) can only delay the report, never hide it.
public struct EventDigests: Sendable, Equatable {
    public var digests: [UInt32]

    public static let magic: [UInt8] = Array("FLED".utf8)
    public static let version: UInt32 = 1
    public static let headerBytes = 16
    /// The sidecar's extension: `NAME.json` keeps its digests in `NAME.digests`.
    public static let fileExtension = "digests"

    public init(digests: [UInt32]) { self.digests = digests }

    public var count: UInt64 { UInt64(digests.count) }

    /// The digest of the rolling hash after one event.
    @inlinable public static func digest(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash) }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(EventDigests.headerBytes + 4 * digests.count)
        out += EventDigests.magic
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        put(EventDigests.version)
        put(count)
        for d in digests { put(d) }
        assert(out.count == EventDigests.headerBytes + 4 * digests.count)
        return out
    }

    /// Reads the bytes of `file`; anything but a whole, well-formed file is an error that names
    /// the file, the bytes and what was expected there.
    public static func decode(_ bytes: [UInt8], file: String) throws -> EventDigests {
        func bad(_ at: String, _ message: String) -> ScenarioError { ScenarioError(file: file, path: at, message) }
        func uint<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            var v: T = 0
            for k in 0..<MemoryLayout<T>.size { v |= T(bytes[offset + k]) << (8 * k) }
            return v
        }
        guard bytes.count >= headerBytes else {
            throw bad("", "expected a Faultline event-digests file of at least \(headerBytes) header bytes (magic \"FLED\", version, event count), got \(bytes.count) bytes")
        }
        guard Array(bytes[0..<4]) == magic else {
            let got = bytes[0..<4].map { String($0, radix: 16) }.joined(separator: " ")
            throw bad("bytes 0-3", "expected the magic \"FLED\" of a Faultline event-digests file, got bytes \(got)")
        }
        let v = uint(4, UInt32.self)
        guard v == version else { throw bad("bytes 4-7", "expected version \(version), got \(v)") }
        let n = uint(8, UInt64.self)
        let body = UInt64(bytes.count - headerBytes)
        guard body % 4 == 0, n == body / 4 else {
            throw bad("bytes 8-15", "the header says \(n) events, so \(n) digests of 4 bytes each should follow, but \(body) bytes do"
                      + (body / 4 < n ? " (the file is truncated)" : ""))
        }
        var digests: [UInt32] = []
        digests.reserveCapacity(Int(n))
        for k in 0..<Int(n) { digests.append(uint(headerBytes + 4 * k, UInt32.self)) }
        return EventDigests(digests: digests)
    }

    public static func read(path: String) throws -> EventDigests {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(file: path, path: "", "cannot read the event-digests file")
        }
        return try decode([UInt8](data), file: path)
    }

    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do { try Data(encoded()).write(to: url, options: .atomic) } catch {
            throw UsageError("cannot write the event digests to \(path): \(error.localizedDescription)")
        }
    }

    /// The sidecar's file name for a failure file: `x/NAME.json` -> `NAME.digests`.
    public static func sidecarName(for failurePath: String) -> String {
        let base = (failurePath as NSString).lastPathComponent
        let stem = base.hasSuffix(".json") ? String(base.dropLast(5)) : base
        return stem + "." + fileExtension
    }

    /// Where `recorded.event_digests` points: relative to the failure file's directory.
    public static func resolve(_ relative: String, besideFailure failurePath: String) -> String {
        ((failurePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(relative)
    }

    /// Runs `scenario` at `result`'s seed once more, recording every event's digest, and
    /// proves it is the same run: a different trace hash means determinism is broken, a bug.
    /// Only seeds that are saved pay for this, so passing fuzz seeds run at full speed.
    public static func record(_ scenario: Scenario, matching result: RunResult) throws -> EventDigests {
        let recorder = EventDigestRecorder()
        var o = RunOptions()
        o.checkpointInterval = 1
        o.keepCheckpointsEvery = result.checkpointInterval
        o.trace = recorder
        let again = try ScenarioRunner.run(scenario, seed: result.seed, options: o)
        guard again.traceHash == result.traceHash, again.events == result.events,
              recorder.digests.count == Int(result.events) else {
            throw DeterminismBroken(scenario: scenario.name, seed: result.seed,
                                    first: (result.traceHash, result.events), second: (again.traceHash, again.events))
        }
        assert(recorder.digests.last.map { $0 == digest(result.traceHash) } ?? true)
        return EventDigests(digests: recorder.digests)
    }
}

/// The same scenario and seed gave two different runs in one process. Faultline promises the
/// opposite, so this is a bug in Faultline (or in a model), never bad input.
public struct DeterminismBroken: Error, CustomStringConvertible {
    public let scenario: String
    public let seed: UInt64
    public let first: (hash: UInt64, events: UInt64)
    public let second: (hash: UInt64, events: UInt64)
    public var description: String {
        "DETERMINISM BROKEN (a Faultline bug, please report it): scenario \(scenario) seed \(seed) ran as trace hash "
            + "\(TraceHasher.hexString(first.hash)) (\(first.events) events), then again as \(TraceHasher.hexString(second.hash)) (\(second.events) events)"
    }
}

/// Keeps one digest per event; needs `checkpointInterval == 1` and asks for no trace lines,
/// so recording costs an append per event.
public final class EventDigestRecorder: TraceSink {
    public private(set) var digests: [UInt32] = []
    public init() {}
    public var wantsLines: Bool { false }
    public func record(_ line: TraceLine) {}
    public func checkpoint(events: UInt64, hash: UInt64) {
        precondition(events == UInt64(digests.count) + 1, "event digests need a checkpoint after every event (checkpointInterval 1)")
        digests.append(EventDigests.digest(hash))
    }
}
