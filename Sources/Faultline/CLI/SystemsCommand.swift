/// `faultline systems [NAME]`: what scenario files may name for each system (presets,
/// settings with defaults, roles, checks, operations), straight from the adapters.
enum SystemsCommand {
    static let command = Command(
        name: "systems", summary: "List each system's presets, settings, roles and checks (Markdown).",
        usage: "faultline systems [SYSTEM]", options: []
    ) { args, console in
        let parsed = try ArgumentParser.parse(args, command: "systems", options: [], positionals: 0...1)
        var adapters = SystemRegistry.all
        if let name = parsed.positionals.first {
            guard let a = SystemRegistry.adapter(named: name) else {
                throw UsageError("faultline systems: unknown system '\(name)'; systems: " + SystemRegistry.names.joined(separator: ", "))
            }
            adapters = [a]
        }
        console.out(adapters.map(markdown).joined(separator: "\n"))
        return ExitCode.success
    }

    static func markdown(_ a: any SystemAdapter) -> String {
        var t = "## \(a.name)\n\n\(a.summary).\n\n### Presets\n\n| preset | servers | sets | promises | summary |\n|---|---|---|---|---|\n"
        for p in a.presets {
            let sets = p.settings.map { "`\($0.name)` \($0.value)" }.joined(separator: ", ")
            t += "| `\(p.name)` | \(p.nodes) (\(p.nodeRange.lowerBound)-\(p.nodeRange.upperBound)) | \(sets.isEmpty ? "-" : sets) | "
                + p.promises.map { "`\($0)`" }.joined(separator: ", ") + " | \(p.summary) |\n"
        }
        t += "\n### Settings\n\n| setting | type | default | meaning |\n|---|---|---|---|\n"
        for s in a.settings {
            let kind: String
            switch s.kind {
            case .int(let r): kind = "integer \(r.lowerBound)..\(r.upperBound)"
            case .bool: kind = "boolean"
            case .choice(let c): kind = "one of " + c.map { "`\"\($0)\"`" }.joined(separator: ", ")
            case .milliseconds: kind = "milliseconds or a duration"
            }
            t += "| `\(s.name)` | \(kind) | `\(s.defaultValue)` | \(s.summary) |\n"
        }
        t += "\n### Checks\n\n"
        for c in a.checks { t += "- `\(c.name)`\(c.isDefault ? "" : " (not run unless listed)"): \(c.summary)\n" }
        t += "- `convergence`: the liveness phase converged within its bound (added whenever liveness is on)\n"
        t += "\nRoles for fault targets: " + a.roles.map { "`\($0)`" }.joined(separator: ", ")
            + " (nemesis default: `\(a.mainRole)`). Workload operations: " + a.operations.map { "`\($0)`" }.joined(separator: ", ")
            + ". Disk faults: " + (a.diskFaults.isEmpty ? "none" : a.diskFaults.joined(separator: ", ")) + ".\n"
        return t
    }
}
