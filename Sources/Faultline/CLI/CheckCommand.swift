import Foundation
import FaultlineHistory
import FaultlineCheck

/// `faultline check FILE --model M`: is a recorded history linearizable?
///
/// Reads Jepsen log lines, Jepsen EDN or the kv corpus format, checks the history against
/// one of the named models, and prints the verdict with its explanation (or, with
/// `--json`, one object). Exit 0 linearizable, 1 not linearizable or unknown within the
/// budget, 2 bad input or usage.
enum CheckCommand {
    static let options: [OptionSpec] = [
        OptionSpec("--model", value: "MODEL", help: "the object's model: " + NamedModel.allCases.map(\.rawValue).joined(separator: "|")),
        OptionSpec("--format", value: "FORMAT", help: "history format: " + HistoryFormat.allCases.map(\.rawValue).joined(separator: "|") + " (default auto)"),
        OptionSpec("--json", help: "print {\"file\",\"model\",\"linearizable\",\"operations\",\"seconds\",...} as JSON"),
        OptionSpec("--steps-max", value: "N", help: "search step budget before answering unknown (default \(SearchBudget.default.stepsMax))"),
        OptionSpec("--independent", help: "values are Jepsen independent [key value] tuples: check each key apart"),
        OptionSpec("--all-keys", help: "search every key even after one fails (default: stop at the first failing key)"),
        OptionSpec("--failed-cas", value: "READING", help: "cas-register: compare-failed (default; :fail means the comparison failed) or did-not-happen"),
    ]

    static let command = Command(
        name: "check", summary: "Check a history file for linearizability against a model.",
        usage: "faultline check FILE --model cas-register|register|kv|set|queue|mutex [--format auto|jepsen-log|edn] [--json]",
        options: options
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "check", options: options, positionals: 1...1)
        let path = parsed.positionals[0]
        guard let modelText = parsed.value("--model") else {
            throw UsageError("faultline check: --model is required; models: " + NamedModel.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let model = NamedModel(rawValue: modelText) else {
            throw UsageError("faultline check: unknown model '\(modelText)'; models: " + NamedModel.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let formatText = parsed.value("--format") ?? "auto"
        guard let format = HistoryFormat(rawValue: formatText) else {
            throw UsageError("faultline check: unknown format '\(formatText)'; formats: " + HistoryFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var failedCAS = FailedCASReading.comparisonFailed
        if let reading = parsed.value("--failed-cas") {
            switch reading {
            case "compare-failed": failedCAS = .comparisonFailed
            case "did-not-happen": failedCAS = .didNotHappen
            default: throw UsageError("faultline check: --failed-cas expects compare-failed or did-not-happen, got '\(reading)'")
            }
        }
        let budget = SearchBudget(stepsMax: try parsed.int("--steps-max", command: "check", range: 1...Int.max) ?? SearchBudget.default.stepsMax)

        let imported: ImportedHistory
        do { imported = try HistoryFile.read(path: path, format: format, independent: parsed.has("--independent")) } catch {
            throw UsageError("faultline check: \(error)")
        }
        let report: LinearizabilityReport
        let seconds: Double
        do {
            (report, seconds) = try BenchClock.measure { () throws(HistoryError) -> LinearizabilityReport in
                try model.check(pairs: imported.pairs, budget: budget, failedCAS: failedCAS, checkAllPartitions: parsed.has("--all-keys"))
            }
        } catch let error as HistoryError {
            throw UsageError("faultline check: \(imported.locate(error))")
        }
        if parsed.has("--json") {
            let verdict = report.linearizable.map { $0 ? "true" : "false" } ?? "null"
            console.out("{\"file\":\(jsonString(path)),\"model\":\(jsonString(model.rawValue)),\"linearizable\":\(verdict),"
                        + "\"operations\":\(report.operations),\"seconds\":\(BenchCommand.number(seconds)),"
                        + "\"partitions\":\(report.partitions.count),\"steps\":\(report.steps),"
                        + "\"memo_entries\":\(report.partitions.reduce(0) { $0 + $1.memoEntries })}\n")
        } else {
            console.out("\(path): \(report.checkResult)\n")
            if report.partitions.count > 1 {
                for p in report.partitions {
                    let verdict = p.linearizable.map { $0 ? "linearizable" : "NOT linearizable" } ?? "unknown"
                    console.out("  key \(p.key.map { Value.ednQuoted($0) } ?? "nil"): \(verdict), \(p.operations) operations, \(p.steps) steps"
                                + " (\(p.pushes) placed, \(p.illegal) refused, \(p.memoHits) seen, \(p.backtracks) undone)\n")
                }
            }
        }
        return report.linearizable == true ? ExitCode.success : ExitCode.checkFailed
    }
}
