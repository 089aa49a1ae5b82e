import Testing
import FaultlineHistory
@testable import FaultlineCheck

/// Every verdict in the Porcupine corpus (EXPECTED.tsv), reproduced.
@Suite struct CorpusVerdictTests {
    @Test func everyEtcdLogGetsItsKnownVerdictUnderTheCASRegisterModel() throws {
        let rows = try CorpusData.expected().filter { $0.file.hasPrefix("jepsen/") }
        #expect(rows.count == 102)
        let checker = LinearizabilityChecker(model: CASRegisterModel())
        for row in rows {
            let h = try CorpusData.load(row.file)
            let report = try checker.check(pairs: h.pairs)
            #expect(report.linearizable == row.linearizable, "\(row.file)")
            if !row.linearizable {
                #expect(report.failure?.blocked != nil, "\(row.file) explains its failure")
            }
        }
    }

    @Test func everyKVFileGetsItsKnownVerdictPartitionedByKey() throws {
        let rows = try CorpusData.expected().filter { $0.file.hasPrefix("kv/") }
        #expect(rows.count == 6)
        for row in rows {
            let h = try CorpusData.load(row.file)
            let report = try LinearizabilityChecker(model: KVModel(), checkAllPartitions: false).check(pairs: h.pairs)
            #expect(report.linearizable == row.linearizable, "\(row.file)")
        }
    }

    @Test func smallKVFilesGetTheSameVerdictWithoutPartitioning() throws {
        for (file, ok) in [("kv/c01-ok.txt", true), ("kv/c01-bad.txt", false), ("kv/c10-ok.txt", true), ("kv/c10-bad.txt", false)] {
            let h = try CorpusData.load(file)
            let report = try LinearizabilityChecker(model: KVMapModel()).check(pairs: h.pairs)
            #expect(report.linearizable == ok, "\(file)")
            #expect(report.partitions.count == 1)
        }
    }
}

/// Jepsen interop: the corpus exported as EDN and read back keeps every verdict.
@Suite struct EDNExportVerdictTests {
    @Test func etcdLogsExportedAsEDNKeepTheirVerdicts() throws {
        for row in try CorpusData.expected().filter({ $0.file.hasPrefix("jepsen/") }).prefix(30) {
            let h = try CorpusData.load(row.file)
            let edn = EDNHistory.export(h.history)
            let back = try HistoryFile.parse(bytes: Array(edn.utf8), file: row.file + ".edn")
            #expect(back.format == .edn && back.history == h.history)
            #expect(try NamedModel.casRegister.check(pairs: back.pairs).linearizable == row.linearizable, "\(row.file)")
        }
    }
}
