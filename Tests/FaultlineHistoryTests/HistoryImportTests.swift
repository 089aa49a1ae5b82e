import Testing
import FaultlineHistory

@Suite struct HistoryImportTests {
    func parse(_ text: String, format: HistoryFormat = .auto) throws(HistoryError) -> ImportedHistory {
        try HistoryFile.parse(bytes: Array(text.utf8), file: "h.edn", format: format)
    }

    func error(_ text: String, format: HistoryFormat = .auto) -> HistoryError? {
        do { _ = try parse(text, format: format); return nil } catch { return error }
    }

    @Test func jepsenEDNLinesReadAsOperationsWithKeysTimesAndNodes() throws {
        let h = try parse("""
        {:index 0, :time 100, :type :invoke, :process 0, :f :cas, :value [1 2], :key "x"}
        {:process :nemesis, :type :info, :f :start, :value nil}
        {:index 1, :time 250, :type :fail, :process 0, :f :cas, :value [1 2], :key "x", :node "n2"}
        ; a comment
        {:process 1 :type :invoke :f :read :value nil}
        """)
        #expect(h.format == .edn)
        #expect(h.history.count == 3, "the nemesis op is skipped")
        let cas = h.history[0]
        #expect(cas.f == "cas" && cas.key == "x" && cas.value == [1, 2] && cas.time == 100)
        #expect(h.history[1].node == "n2" && h.history[1].type == .fail)
        #expect(h.lines == [1, 3, 5])
        #expect(h.pairs.count == 2 && h.pairs[1].completion == nil)
    }

    @Test func exportedEDNReadsBackToTheSameHistory() throws {
        var h = History()
        h.append(Operation(process: 0, type: .invoke, f: "write", key: "k \"1\"", value: .string("a\nb"), time: 5))
        h.append(Operation(process: 1, type: .invoke, f: "cas", value: .list([.int(-3), .null]), time: 6))
        h.append(Operation(process: 0, type: .ok, f: "write", key: "k \"1\"", value: .string("a\nb"), time: 7, node: "n1"))
        h.append(Operation(process: 1, type: .info, f: "cas", value: .string(":timed-out"), time: 8))
        h.append(Operation(process: 2, type: .invoke, f: "add", value: .bool(true), time: 9))
        let text = EDNHistory.export(h)
        #expect(text.contains(":value :timed-out"), "keyword-like strings go back out as keywords")
        #expect(text.split(separator: "\n").count == 5)
        let back = try parse(text)
        #expect(back.history == h)
    }

    @Test func jepsenLogLinesReadWithTabsOrSpaces() throws {
        let h = try parse("""
        2015-01-01 INFO  jepsen.core - starting
        INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]
        INFO  jepsen.util - 3   :fail   :cas    [1 4]
        INFO  jepsen.util - 1 :invoke :write 2
        INFO  jepsen.util - 1 :info :write :timed-out
        INFO  jepsen.util - :nemesis :info :start nil
        """)
        #expect(h.format == .jepsenLog)
        #expect(h.history.count == 4)
        #expect(h.history[1].type == .fail && h.history[1].value == [1, 4])
        #expect(h.history[3].value == .string(":timed-out"))
        #expect(h.lines == [2, 3, 4, 5])
    }

    @Test func unclosedMapNamesItsFileAndLine() {
        let e = error("{:process 0, :type :invoke, :f :read}\n{:process 1, :type :ok")
        #expect(e?.file == "h.edn" && e?.line == 2)
        #expect(e?.description.hasPrefix("h.edn:2: expected '}'") == true, "\(String(describing: e))")
    }

    @Test func badFieldsSayWhatWasExpected() {
        #expect(error("{:process 0, :type :done, :f :read}")?.message.contains(":type must be one of :invoke :ok :fail :info") == true)
        #expect(error("{:process 0, :type :ok}")?.message == "op map has no :f")
        #expect(error("{:process \"p\", :type :ok, :f :read}")?.message.contains(":process must be an integer") == true)
        #expect(error("{:process 0, :type :invoke, :f :read, :value 1.5}")?.message.contains(":value") == true)
        #expect(error("{:process 0, :type :invoke, :f :read, :time :soon}")?.line == 1)
        #expect(error("[1 2 3]")?.message.contains("expected an op map") == true)
        #expect(error("{:process 0 :type}")?.message.contains("has no value") == true)
        #expect(error("\"never closed", format: .edn)?.message.contains("not closed") == true)
    }

    @Test func unpairedEntriesAreRejectedAtTheirLine() {
        let twice = error("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :invoke, :f :write, :value 1}")
        #expect(twice?.line == 2 && twice?.message.contains("has not completed") == true, "\(String(describing: twice))")
        let orphan = error("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :read}\n{:process 4, :type :ok, :f :read}")
        #expect(orphan?.line == 3 && orphan?.message.contains("without an invocation") == true)
        let mismatch = error("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :write}")
        #expect(mismatch?.message.contains("but invoked read") == true)
    }

    @Test func malformedJepsenLogLineIsRejectedWithItsLine() {
        let e = error("INFO  jepsen.util - 0 :invoke :read nil\nINFO  jepsen.util - 0 :finished :read 3\n")
        #expect(e?.line == 2 && e?.message.contains("expected :invoke, :ok, :fail or :info") == true, "\(String(describing: e))")
        let f = error("INFO  jepsen.util - zero :invoke :read nil")
        #expect(f?.message.contains("process number") == true)
    }

    @Test func unrecognisableFileAsksForAFormat() {
        let e = error("process,type,f\n0,invoke,read\n")
        #expect(e?.line == 1 && e?.message.contains("cannot tell the history format") == true)
        #expect((try? parse("")).map { $0.history.isEmpty } == true, "an empty file is an empty history")
    }

    @Test func missingFileIsAnErrorNotACrash() {
        do { _ = try HistoryFile.read(path: "/nonexistent/history.edn"); Issue.record("expected an error") }
        catch { #expect(error.description == "/nonexistent/history.edn: no such file") }
    }

    @Test func deeplyNestedInputIsRejectedNotOverflowed() {
        let deep = "{:process 0, :type :invoke, :f :read, :value " + String(repeating: "[", count: 5000) + "}"
        #expect(error(deep)?.message.contains("nested deeper") == true)
    }
}

@Suite struct IndependentKeyTests {
    @Test func tupleValuesBecomeKeys() throws {
        let text = """
        {:process 0, :type :invoke, :f :cas, :value [3 [1 2]]}
        {:process 0, :type :ok, :f :cas, :value [3 [1 2]]}
        {:process 1, :type :invoke, :f :read, :value ["k" nil]}
        """
        let h = try HistoryFile.parse(bytes: Array(text.utf8), independent: true)
        #expect(h.history[0].key == "3" && h.history[0].value == [1, 2])
        #expect(h.history[2].key == "k" && h.history[2].value == .null)
    }

    @Test func valueThatIsNoTupleIsRejectedAtItsLine() {
        let text = "{:process 0, :type :invoke, :f :read, :value [1 2]}\n{:process 0, :type :ok, :f :read, :value 5}\n"
        do { _ = try HistoryFile.parse(bytes: Array(text.utf8), file: "i.edn", independent: true); Issue.record("expected an error") }
        catch { #expect(error.description.hasPrefix("i.edn:2: expected an independent [key value] tuple")) }
    }
}

/// Damaged files end in an error, never a trap: thousands of random mutations of valid
/// EDN and Jepsen log text.
@Suite struct DamagedInputTests {
    struct Random {
        var state: UInt64
        mutating func below(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    @Test func mutatedHistoriesAreRejectedOrReadNeverTrap() {
        let sources = [
            "{:process 0, :type :invoke, :f :cas, :value [1 2], :time 5}\n{:process 0, :type :ok, :f :cas, :value [1 2], :time 9}\n{:process 1, :type :invoke, :f :read, :key \"k\\n\", :value nil}\n",
            "INFO  jepsen.util - 0\t:invoke\t:write\t3\nINFO  jepsen.util - 0\t:ok\t:write\t3\nINFO  jepsen.util - 1\t:invoke\t:cas\t[1 4]\n",
        ]
        let alphabet = Array("{}[]()\":;#\\ \n\t,-0123456789aknil:process:type:ok".utf8)
        var rng = Random(state: 42)
        var rejected = 0, read = 0
        for i in 0..<3000 {
            var bytes = Array(sources[i % 2].utf8)
            for _ in 0..<(1 + rng.below(4)) {
                let at = rng.below(bytes.count + 1)
                switch rng.below(3) {
                case 0: bytes.insert(alphabet[rng.below(alphabet.count)], at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: if at < bytes.count { bytes[at] = UInt8(rng.below(256)) }
                }
            }
            do { _ = try HistoryFile.parse(bytes: bytes, file: "m"); read += 1 } catch {
                rejected += 1
                #expect(error.file == "m" && !error.message.isEmpty)
            }
        }
        #expect(rejected > 500 && read > 100, "\(rejected) rejected, \(read) read")
    }
}
