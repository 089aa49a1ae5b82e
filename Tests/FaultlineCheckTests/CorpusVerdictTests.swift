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
