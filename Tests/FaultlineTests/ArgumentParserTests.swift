import Testing
@testable import Faultline

@Suite struct ArgumentParserTests {
    let options = [OptionSpec("--seed", value: "N", help: "seed"), OptionSpec("--json", help: "json")]

    @Test func readsValuesFlagsAndPositionals() throws {
        let p = try ArgumentParser.parse(["file.json", "--seed", "7", "--json"], command: "run",
                                         options: options, positionals: 1...1)
        #expect(p.positionals == ["file.json"])
        #expect(p.value("--seed") == "7")
        #expect(p.has("--json"))
        let q = try ArgumentParser.parse(["--seed=9"], command: "run", options: options)
        #expect(try q.uint64("--seed", command: "run") == 9)
    }

    @Test func unknownOptionListsTheValidOnes() {
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["--sed", "1"], command: "run", options: options) }
        do { _ = try ArgumentParser.parse(["--sed"], command: "run", options: options) } catch let e as UsageError {
            #expect(e.message.contains("unknown option '--sed'"))
            #expect(e.message.contains("--seed N, --json"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func missingValueWrongCountAndBadNumbersAreUsageErrors() {
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["--seed"], command: "run", options: options) }
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["a", "b"], command: "run", options: options, positionals: 1...1) }
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["--json=1"], command: "run", options: options) }
        #expect(throws: UsageError.self) {
            try ArgumentParser.parse(["--seed", "x"], command: "run", options: options).uint64("--seed", command: "run")
        }
    }

    @Test func cliExitsTwoOnUnknownCommandsAndOptions() {
        let c = CapturedConsole()
        #expect(FaultlineCLI.run(["nosuch"], console: c) == ExitCode.usage)
        #expect(c.stderr.contains("unknown command 'nosuch'"))
        let d = CapturedConsole()
        #expect(FaultlineCLI.run(["version", "--bogus"], console: d) == ExitCode.usage)
        #expect(d.stderr.contains("unknown option '--bogus'"))
        let e = CapturedConsole()
        #expect(FaultlineCLI.run(["--help"], console: e) == ExitCode.success)
        #expect(e.stdout.contains("bench"))
    }
}
