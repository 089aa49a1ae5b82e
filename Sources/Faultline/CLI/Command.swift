/// Where a command writes. The real tool writes to the process's stdout and stderr;
/// tests capture both.
public protocol Console: AnyObject {
    func out(_ text: String)
    func err(_ text: String)
    /// True when standard output is a terminal (progress bars), false in pipes and tests.
    var isTerminal: Bool { get }
}

/// One `faultline` subcommand.
public struct Command: Sendable {
    public let name: String
    public let summary: String
    /// Usage text printed by `faultline help NAME` and on usage errors.
    public let usage: String
    public let options: [OptionSpec]
    /// Runs the command with the arguments after its name; returns the exit code.
    /// Throw `UsageError` for bad arguments or bad input (exit 2).
    public let run: @Sendable (_ arguments: [String], _ console: Console) throws -> Int32

    public init(name: String, summary: String, usage: String, options: [OptionSpec],
                run: @escaping @Sendable ([String], Console) throws -> Int32) {
        self.name = name; self.summary = summary; self.usage = usage; self.options = options; self.run = run
    }

    /// Usage plus one line per option.
    public var help: String {
        var text = "usage: \(usage)\n\n\(summary)\n"
        if !options.isEmpty {
            text += "\noptions:\n"
            let width = options.map(\.synopsis.count).max() ?? 0
            for o in options {
                text += "  " + o.synopsis + String(repeating: " ", count: width - o.synopsis.count + 2) + o.help + "\n"
            }
        }
        return text
    }
}

/// Exit codes, as DESIGN.md fixes them.
public enum ExitCode {
    public static let success: Int32 = 0
    /// A check failed or an expectation did not hold.
    public static let checkFailed: Int32 = 1
    /// Bad input or usage.
    public static let usage: Int32 = 2
}
