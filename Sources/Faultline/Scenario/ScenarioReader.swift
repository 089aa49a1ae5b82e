import Foundation
import FaultlineCore

/// A strict walk over one JSON object of a scenario: every read names its path, every
/// missing or mistyped field is a `ScenarioError`, and `finish()` rejects the fields nobody
/// read, listing the valid ones. Strictness is the point: a misspelt `min-replicas-to-wirte`
/// silently ignored would turn a CP run into an AP one without anyone noticing.
struct ObjectReader {
    let file: String
    let path: String
    let entries: [(key: String, value: JSONValue)]
    /// The keys this object may have, for the unknown-field message.
    let allowed: [String]

    init(_ value: JSONValue, file: String, path: String, allowed: [String]) throws {
        guard case .object(let entries) = value else {
            throw ScenarioError(file: file, path: path, "expected an object, got \(value.kindName)")
        }
        self.file = file; self.path = path; self.entries = entries; self.allowed = allowed
        for e in entries where !allowed.contains(e.key) {
            throw ScenarioError(file: file, path: child(e.key),
                                "unknown field; valid fields here: " + allowed.joined(separator: ", "))
        }
    }

    func child(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
    func error(_ key: String, _ message: String) -> ScenarioError { ScenarioError(file: file, path: child(key), message) }
    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }
    func raw(_ key: String) -> JSONValue? { entries.first { $0.key == key }?.value }

    func required(_ key: String) throws -> JSONValue {
        guard let v = raw(key) else { throw ScenarioError(file: file, path: child(key), "missing; this field is required") }
        return v
    }

    func string(_ key: String) throws -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else { throw error(key, "expected a string, got \(v.kindName)") }
        return s
    }

    func requiredString(_ key: String) throws -> String {
        _ = try required(key)
        return try string(key)!
    }

    func int(_ key: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let v = raw(key) else { return nil }
        guard case .int(let i) = v else { throw error(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(v.kindName)") }
        guard range.contains(i) else { throw error(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(i)") }
        return i
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = raw(key) else { return nil }
        guard case .bool(let b) = v else { throw error(key, "expected true or false, got \(v.kindName)") }
        return b
    }

    /// A duration written as text: "250ms", "1.5s", "1m30s" (SimDuration.parse).
    func duration(_ key: String) throws -> SimDuration? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else {
            throw error(key, "expected a duration such as \"250ms\" or \"1.5s\", got \(v.kindName)")
        }
        guard let d = SimDuration.parse(s) else {
            throw error(key, "expected a duration such as \"250ms\", \"1.5s\" or \"1m30s\", got \"\(s)\"")
        }
        return d
    }

    /// A signed duration ("-5s" steps a clock back).
    func signedDuration(_ key: String) throws -> SimDuration? {
        guard let v = raw(key) else { return nil }
        if case .string(let s) = v, s.hasPrefix("-"), let d = SimDuration.parse(String(s.dropFirst())) { return .zero - d }
        return try duration(key)
    }

    /// A probability: "1/100", "1%", "0.01" as text, or 0 and 1.
    func ratio(_ key: String) throws -> Ratio? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .string(let s): if let r = Ratio.parse(s) { return r }
        case .int(let i): if i == 0 { return .never }; if i == 1 { return .always }
        case .double(let d): if let r = Ratio.parse(String(d)) { return r }
        default: break
        }
        throw error(key, "expected a probability such as \"1/100\", \"1%\" or \"0.01\", got \(v.jsonText)")
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let v = raw(key) else { return nil }
        if case .string(let s) = v { return [s] }
        guard case .array(let items) = v else { throw error(key, "expected a string or an array of strings, got \(v.kindName)") }
        return try items.enumerated().map { i, item in
            guard case .string(let s) = item else {
                throw ScenarioError(file: file, path: child(key) + "[\(i)]", "expected a string, got \(item.kindName)")
            }
            return s
        }
    }

    func object(_ key: String, allowed: [String]) throws -> ObjectReader? {
        guard let v = raw(key) else { return nil }
        return try ObjectReader(v, file: file, path: child(key), allowed: allowed)
    }

    func array(_ key: String) throws -> [JSONValue]? {
        guard let v = raw(key) else { return nil }
        guard case .array(let items) = v else { throw error(key, "expected an array, got \(v.kindName)") }
        return items
    }
}

/// A closed range of durations written `"2s..6s"` or a single `"3s"`.
func parseDurationRange(_ text: String) -> ClosedRange<SimDuration>? {
    let parts = text.components(separatedBy: "..")
    if parts.count == 1 { return SimDuration.parse(text).map { $0...$0 } }
    guard parts.count == 2, let lo = SimDuration.parse(parts[0]), let hi = SimDuration.parse(parts[1]), lo <= hi else { return nil }
    return lo...hi
}

extension ObjectReader {
    func durationRange(_ key: String) throws -> ClosedRange<SimDuration>? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v, let r = parseDurationRange(s) else {
            throw error(key, "expected a duration or a range such as \"2s..6s\", got \(v.jsonText)")
        }
        return r
    }
}
