import Foundation

/// The formats `faultline check` and tests read histories in.
public enum HistoryFormat: String, Sendable, CaseIterable {
    /// Decide from the first meaningful line: `{` or `[` is EDN, `jepsen.util -` a log.
    case auto
    case jepsenLog = "jepsen-log"
    case edn
}

/// A history read from a file, with the line each operation came from so that later
/// complaints (an unpaired completion, an op a model does not know) can name the line.
public struct ImportedHistory: Sendable {
    public var file: String?
    public var format: HistoryFormat
    public var history: History
    /// Invocations matched with completions; checked while importing.
    public var pairs: [OperationPair]
    /// `lines[i]` is the 1-based line of `history[i]`.
    public var lines: [Int]

    /// `error` placed at the line of the operation it names.
    public func locate(_ error: HistoryError) -> HistoryError { error.located(file: file, lines: lines) }
}

public enum HistoryFile {
    /// Reads and parses `path`; every failure is a `HistoryError` naming the file.
    /// With `independent`, values are Jepsen `[key value]` tuples split into key and value.
    public static func read(path: String, format: HistoryFormat = .auto, independent: Bool = false) throws(HistoryError) -> ImportedHistory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HistoryError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw HistoryError(file: path, "is a directory, expected a history file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HistoryError(file: path, "cannot be read")
        }
        return try parse(bytes: [UInt8](data), file: path, format: format, independent: independent)
    }

    /// Parses a history held in memory; `file` only names it in errors.
    public static func parse(bytes: [UInt8], file: String? = nil, format: HistoryFormat = .auto,
                             independent: Bool = false) throws(HistoryError) -> ImportedHistory {
        let chosen = format == .auto ? try detect(bytes, file: file) : format
        let parsed: (History, lines: [Int])
        switch chosen {
        case .jepsenLog: parsed = try JepsenLog.parse(bytes: bytes, file: file)
        case .edn, .auto: parsed = try EDNHistory.parse(bytes: bytes, file: file)
        }
        var (history, lines) = parsed
        if independent {
            do { history = try history.splittingIndependentKeys() } catch { throw error.located(file: file, lines: lines) }
        }
        let pairs: [OperationPair]
        do { pairs = try history.pairs() } catch { throw error.located(file: file, lines: lines) }
        return ImportedHistory(file: file, format: chosen, history: history, pairs: pairs, lines: lines)
    }

    /// The format of `bytes`, from its first line that is neither blank nor an EDN comment.
    /// An empty file is an empty EDN history.
    public static func detect(_ bytes: [UInt8], file: String? = nil) throws(HistoryError) -> HistoryFormat {
        var start = 0, number = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            number += 1
            let line = bytes[start..<end]
            if let first = line.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                if first == 0x7B || first == 0x5B || first == 0x28 { return .edn }
                if first != 0x3B {
                    if JepsenLog.find(JepsenLog.marker, in: line) != nil { return .jepsenLog }
                    if bytes.count > 0, JepsenLog.find(JepsenLog.marker, in: bytes[...]) != nil { return .jepsenLog }
                    throw HistoryError(file: file, line: number,
                        "cannot tell the history format: expected EDN op maps ({:process 0, :type :invoke, ...}) or Jepsen log lines (... jepsen.util - 0 :invoke :read nil); pass --format")
                }
            }
            start = end + 1
        }
        return .edn
    }
}
