import Foundation
import FaultlineCore
import FaultlineHistory

/// `faultline run SCENARIO`: one seed, a verdict, exit 0 when every expectation held.
enum RunCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--seed", value: "N", help: "seed (default: the scenario's \"seed\")"),
        OptionSpec("--json", help: "print the result as JSON"),
        OptionSpec("--trace", value: "FILE", help: "write every event as a JSON line"),
        OptionSpec("--history", value: "FILE.edn", help: "write the client history as Jepsen EDN"),
        OptionSpec("--report", value: "FILE.html", help: "write the HTML timeline"),
        OptionSpec("--data-dir", value: "DIR", help: "keep each node's files on real disk under DIR/<node>/"),
    ]

    static let command = Command(
        name: "run", summary: "Run a scenario once and print its verdict.",
        usage: "faultline run SCENARIO [--seed N] [--json] [--trace FILE] [--history FILE.edn] [--report FILE.html] [--data-dir DIR]",
        options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "run", options: options, positionals: 1...1)
        let scenario = try ScenarioCLI.load(parsed.positionals[0])
        let seed = try parsed.uint64("--seed", command: "run")
        var runOptions = RunOptions()
        var trace: FileTraceSink?
        if let path = parsed.value("--trace") { trace = try FileTraceSink(path: path); runOptions.trace = trace }
        runOptions.sampleRoles = parsed.value("--report") != nil
        if let dir = parsed.value("--data-dir") {
            if let adapter = SystemRegistry.adapter(named: scenario.system), !adapter.supportsDataDirectory {
                let able = SystemRegistry.all.filter(\.supportsDataDirectory).map(\.name)
                throw UsageError("faultline run: --data-dir: \(scenario.system) keeps its data directories in the simulation's memory, not on a Disk, so they cannot go to \(dir); "
                                 + (able.isEmpty ? "no system supports --data-dir yet" : "systems that do: " + able.joined(separator: ", ")))
            }
            runOptions.dataDirectory = dir
        }
        let result = try ScenarioRunner.run(scenario, seed: seed, options: runOptions)
        trace?.close()
        if let path = parsed.value("--history") { try ScenarioCLI.write(EDNHistory.export(result.history), to: path, what: "the history") }
        if let path = parsed.value("--report") { try ScenarioCLI.write(HTMLReport.render(result, scenario: scenario), to: path, what: "the report") }
        console.out(parsed.has("--json") ? result.json.jsonText + "\n" : result.summary(scenario: scenario))
        return result.expectationsMet ? ExitCode.success : ExitCode.checkFailed
    }
}
