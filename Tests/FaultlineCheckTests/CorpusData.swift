import Foundation
import FaultlineHistory

/// The shared test data, found beside the package root as CI lays it out.
enum CorpusData {
    static let porcupine: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/data/porcupine").path
    }()

    /// `(file, linearizable)` rows of EXPECTED.tsv.
    static func expected() throws -> [(file: String, linearizable: Bool)] {
        let text = try String(contentsOfFile: porcupine + "/EXPECTED.tsv", encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let cols = line.split(separator: "\t")
            guard cols.count >= 2, cols[1] == "true" || cols[1] == "false" else { return nil }   // etcd_095: n/a
            return (String(cols[0]), cols[1] == "true")
        }
    }

    static func load(_ relative: String) throws -> ImportedHistory {
        try HistoryFile.read(path: porcupine + "/" + relative)
    }
}
