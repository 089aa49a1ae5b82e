import Foundation
import FaultlineCore

/// `faultline shrink FAILURE`: the smallest scenario that still fails the same way.
enum ShrinkCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--out", value: "FILE", help: "where the smallest scenario goes (default FAILURE with .shrunk.json)"),
        OptionSpec("--max-runs", value: "N", help: "bound on trial runs (default 300)"),
        OptionSpec("--seed", value: "N", help: "seed (default: the file's)"),
    ]

    static let command = Command(
        name: "shrink", summary: "Delta-debug a failing scenario down to the fewest, shortest faults that still fail.",
        usage: "faultline shrink FAILURE [--out FILE] [--max-runs N] [--seed N]", options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "shrink", options: options, positionals: 1...1)
        let path = parsed.positionals[0]
        var scenario = try ScenarioCLI.load(path)
        if let seed = try parsed.uint64("--seed", command: "shrink") { scenario.seed = seed }
        let first = try ScenarioRunner.run(scenario, seed: scenario.seed)
        guard !first.expectationsMet else {
            console.err("\(path): seed \(scenario.seed) meets every expectation; nothing to shrink\n")
            return ExitCode.checkFailed
        }
        // Write the nemesis's draw out, so shrinking works on concrete faults.
        scenario = scenario.failureFile(for: first)
        scenario.name = first.scenario
        var shrinker = Shrinker(scenario, failing: first.failedExpectations)
        shrinker.runsMax = try parsed.int("--max-runs", command: "shrink", range: 1...100_000) ?? 300
        var smallest = shrinker.shrink()
        let final = try ScenarioRunner.run(smallest, seed: smallest.seed)
        let digests = try EventDigests.record(smallest, matching: final)
        smallest = smallest.failureFile(for: final)
        smallest.name = first.scenario + "-shrunk"
        let out = parsed.value("--out") ?? (path.hasSuffix(".json") ? String(path.dropLast(5)) : path) + ".shrunk.json"
        try smallest.save(asFailureAt: out, digests: digests)
        console.out("shrunk \(path): " + shrinker.log.joined(separator: "; ") + "\n")
        console.out("still failing: \(final.failedExpectations.joined(separator: ", ")); trace hash \(final.traceHashHex)\n")
        console.out("wrote \(out) and its event digests \(EventDigests.sidecarName(for: out))\n")
        return ExitCode.success
    }
}
