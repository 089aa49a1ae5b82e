/// A history that cannot be read or does not make sense: which file, which line (or which
/// operation), and what was expected there.
///
/// Every importer and `History.pairs()` throws this instead of trapping, so the CLI can
/// print it and exit 2.
public struct HistoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, when the history came from one.
    public var file: String?
    /// 1-based line in the file, when known.
    public var line: Int?
    /// Index of the operation in the history, when the problem is about one operation.
    public var operationIndex: Int?
    public var message: String

    public init(file: String? = nil, line: Int? = nil, operationIndex: Int? = nil, _ message: String) {
        self.file = file; self.line = line; self.operationIndex = operationIndex; self.message = message
    }

    /// `file:line: message`, or `operation #i: message` for histories built in memory.
    public var description: String {
        var place = ""
        if let file { place = file }
        if let line { place += (place.isEmpty ? "line " : ":") + String(line) }
        if place.isEmpty, let operationIndex { place = "operation #\(operationIndex)" }
        return place.isEmpty ? message : place + ": " + message
    }

    /// The same error, placed in `file` and at the line that produced its operation.
    public func located(file: String?, lines: [Int]) -> HistoryError {
        var e = self
        if e.file == nil { e.file = file }
        if e.line == nil, let i = e.operationIndex, i >= 0, i < lines.count { e.line = lines[i] }
        return e
    }
}
