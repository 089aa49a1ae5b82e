/// Hand-written argument parsing for the `faultline` commands: small, strict, tested.
///
/// Options are `--name value`, `--name=value` or a bare `--flag`. Anything unknown is a
/// usage error (exit 2) that lists the options the command does accept.
public struct OptionSpec: Sendable {
    public let name: String          // "--seed"
    public let valueName: String?    // "N" when the option takes a value, nil for a flag
    public let help: String

    public init(_ name: String, value: String? = nil, help: String) {
        precondition(name.hasPrefix("--"), "options are spelled --name")
        self.name = name; self.valueName = value; self.help = help
    }

    public var takesValue: Bool { valueName != nil }
    /// "--seed N" or "--json", for usage lines.
    public var synopsis: String { valueName.map { "\(name) \($0)" } ?? name }
}

/// What a command line said, after parsing against a command's options.
public struct ParsedArguments: Sendable {
    public var positionals: [String] = []
    /// Option values in the order given; a repeated option keeps its last value in `value(_:)`.
    public var values: [(name: String, value: String)] = []
    public var flags: [String] = []

    public func has(_ flag: String) -> Bool { flags.contains(flag) }
    public func value(_ name: String) -> String? { values.last(where: { $0.name == name })?.value }
    public func allValues(_ name: String) -> [String] { values.filter { $0.name == name }.map(\.value) }

    /// An integer option, or a usage error naming it.
    public func int(_ name: String, command: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let v = Int(text), range.map({ $0.contains(v) }) ?? true else {
            let bound = range.map { " from \($0.lowerBound) to \($0.upperBound)" } ?? ""
            throw UsageError("faultline \(command): \(name) expects a whole number\(bound), got '\(text)'")
        }
        return v
    }

    /// An unsigned 64-bit option (seeds), or a usage error naming it.
    public func uint64(_ name: String, command: String) throws -> UInt64? {
        guard let text = value(name) else { return nil }
        guard let v = UInt64(text) else {
            throw UsageError("faultline \(command): \(name) expects a whole number from 0 to \(UInt64.max), got '\(text)'")
        }
        return v
    }
}

/// Bad usage or bad input: printed on standard error, exit code 2.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public enum ArgumentParser {
    /// Parses `arguments` (without the command name) against `options`.
    /// `positionals` bounds how many bare arguments the command takes.
    public static func parse(_ arguments: [String], command: String, options: [OptionSpec],
                             positionals: ClosedRange<Int> = 0...0) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if arg == "--" {
                parsed.positionals.append(contentsOf: arguments[i...]); break
            }
            guard arg.hasPrefix("-"), arg != "-" else { parsed.positionals.append(arg); continue }
            var name = arg, inline: String? = nil
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq]); inline = String(arg[arg.index(after: eq)...])
            }
            guard let spec = options.first(where: { $0.name == name }) else {
                throw UsageError(unknownOption(arg, command: command, options: options))
            }
            if spec.takesValue {
                if let inline { parsed.values.append((name, inline)); continue }
                guard i < arguments.count else {
                    throw UsageError("faultline \(command): \(name) needs a value (\(spec.synopsis))")
                }
                parsed.values.append((name, arguments[i])); i += 1
            } else {
                if inline != nil { throw UsageError("faultline \(command): \(name) takes no value") }
                parsed.flags.append(name)
            }
        }
        if !positionals.contains(parsed.positionals.count) {
            let want = positionals.lowerBound == positionals.upperBound
                ? "\(positionals.lowerBound)" : "\(positionals.lowerBound) to \(positionals.upperBound)"
            throw UsageError("faultline \(command): expected \(want) argument(s), got \(parsed.positionals.count)"
                + (parsed.positionals.isEmpty ? "" : ": \(parsed.positionals.joined(separator: " "))"))
        }
        return parsed
    }

    static func unknownOption(_ arg: String, command: String, options: [OptionSpec]) -> String {
        let valid = options.map(\.synopsis).joined(separator: ", ")
        return "faultline \(command): unknown option '\(arg)'; valid options: " + (valid.isEmpty ? "none" : valid)
    }
}
