/// The `faultline` command line: finds the subcommand and runs it. The executable target
/// only forwards `CommandLine.arguments` here, so everything is testable in-process.
public enum FaultlineCLI {
    public static let version = "0.1.0"

    /// Every subcommand, in the order `faultline --help` lists them.
    /// A new command is one file under CLI/ plus one line here.
    public static var commands: [Command] {
        [HelpCommand.command, VersionCommand.command, BenchCommand.command, CheckCommand.command, StorageCrashChildCommand.command, RedisCommand.command, RunCommand.command, FuzzCommand.command, ReplayCommand.command, ShrinkCommand.command, ReportCommand.command, MatrixCommand.command, SystemsCommand.command]
    }

    /// Runs one command line (without the program name); returns the exit code.
    public static func run(_ arguments: [String], console: Console) -> Int32 {
        guard let name = arguments.first else {
            console.err(overview)
            return ExitCode.usage
        }
        if name == "--help" || name == "-h" { console.out(overview); return ExitCode.success }
        if name == "--version" { console.out("faultline \(version)\n"); return ExitCode.success }
        guard let command = commands.first(where: { $0.name == name }) else {
            console.err("faultline: unknown command '\(name)'; commands: "
                        + commands.map(\.name).joined(separator: ", ") + "\n")
            return ExitCode.usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") { console.out(command.help); return ExitCode.success }
        do {
            return try command.run(rest, console)
        } catch let error as UsageError {
            console.err(error.message.hasSuffix("\n") ? error.message : error.message + "\n")
            return ExitCode.usage
        } catch {
            console.err("faultline \(name): \(error)\n")
            return ExitCode.usage
        }
    }

    static var overview: String {
        var text = """
        faultline \(version): a deterministic simulator for replicated systems

        usage: faultline <command> [options]

        commands:

        """
        let width = commands.filter { !$0.name.hasPrefix("_") }.map(\.name.count).max() ?? 0
        for c in commands where !c.name.hasPrefix("_") { // "_name": internal, hidden
            text += "  " + c.name + String(repeating: " ", count: width - c.name.count + 2) + c.summary + "\n"
        }
        text += "\n`faultline help <command>` or `faultline <command> --help` for its options.\n"
        return text
    }
}

enum HelpCommand {
    static let command = Command(
        name: "help", summary: "Show the commands, or one command's options.",
        usage: "faultline help [COMMAND]", options: []
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "help", options: [], positionals: 0...1)
        guard let name = parsed.positionals.first else { console.out(FaultlineCLI.overview); return ExitCode.success }
        guard let c = FaultlineCLI.commands.first(where: { $0.name == name }) else {
            throw UsageError("faultline help: unknown command '\(name)'; commands: "
                             + FaultlineCLI.commands.map(\.name).joined(separator: ", "))
        }
        console.out(c.help)
        return ExitCode.success
    }
}

enum VersionCommand {
    static let command = Command(
        name: "version", summary: "Print the version.", usage: "faultline version", options: []
    ) { args, console in
        _ = try ArgumentParser.parse(args, command: "version", options: [])
        console.out("faultline \(FaultlineCLI.version)\n")
        return ExitCode.success
    }
}
