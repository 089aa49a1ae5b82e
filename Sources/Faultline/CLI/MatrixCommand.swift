import Foundation
import FaultlineCore

/// `faultline matrix SYSTEM`: presets x fault families, availability and violations.
enum MatrixCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--seeds", value: "N", help: "seeds per cell (default 3)"),
        OptionSpec("--start", value: "S", help: "first seed (default 1)"),
        OptionSpec("--duration", value: "D", help: "safety phase per run (default: the system's matrix timing)"),
        OptionSpec("--json", help: "print JSON instead of Markdown"),
    ]

    static let command = Command(
        name: "matrix", summary: "Every preset of a system against the standard fault families.",
        usage: "faultline matrix SYSTEM [--seeds N] [--start S] [--duration D] [--json]", options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "matrix", options: options, positionals: 1...1)
        let name = parsed.positionals[0]
        guard let adapter = SystemRegistry.adapter(named: name) else {
            throw UsageError("faultline matrix: unknown system '\(name)'; systems: " + SystemRegistry.names.joined(separator: ", "))
        }
        var duration: SimDuration?
        if let d = parsed.value("--duration") {
            guard let v = SimDuration.parse(d), v > .zero else { throw UsageError("faultline matrix: --duration expects a duration such as 10s, got '\(d)'") }
            duration = v
        }
        let cells = try Matrix.run(adapter, seeds: try parsed.int("--seeds", command: "matrix", range: 1...10_000) ?? 3,
                                   start: try parsed.uint64("--start", command: "matrix") ?? 1, duration: duration)
        console.out(parsed.has("--json") ? Matrix.json(cells, system: name).jsonText + "\n" : Matrix.markdown(cells, system: name))
        return ExitCode.success
    }
}
