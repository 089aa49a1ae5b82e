import Foundation
import FaultlineCore

/// `faultline report SCENARIO`: runs it and writes the HTML timeline.
enum ReportCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--seed", value: "N", help: "seed (default: the scenario's)"),
        OptionSpec("--out", value: "FILE.html", help: "where the report goes (default NAME-seed-N.html)"),
    ]

    static let command = Command(
        name: "report", summary: "Run a scenario or failure file and write a self-contained HTML timeline.",
        usage: "faultline report SCENARIO [--seed N] [--out FILE.html]", options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "report", options: options, positionals: 1...1)
        let scenario = try ScenarioCLI.load(parsed.positionals[0])
        var o = RunOptions()
        o.sampleRoles = true
        let result = try ScenarioRunner.run(scenario, seed: try parsed.uint64("--seed", command: "report"), options: o)
        let out = parsed.value("--out") ?? "\(FuzzCommand.fileSafe(scenario.name))-seed-\(result.seed).html"
        try ScenarioCLI.write(HTMLReport.render(result, scenario: scenario), to: out, what: "the report")
        console.out("wrote \(out): trace hash \(result.traceHashHex), "
                    + (result.expectationsMet ? "every expectation held" : "expectation not met: " + result.failedExpectations.joined(separator: ", ")) + "\n")
        return result.expectationsMet ? ExitCode.success : ExitCode.checkFailed
    }
}
