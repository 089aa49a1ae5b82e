import Foundation
import FaultlineStorage

/// `run --data-dir DIR`: every node's simulated disk mirrored onto real files under
/// `DIR/<node>/` (a `SimDiskMirror` per disk). The simulated disk stays the source of truth,
/// so the run, its faults and its trace hash are exactly those of the run without the option;
/// the host files are what each node's page cache holds, in the real systems' layouts
/// (ZooKeeper's `version-2/log.<zxid>`, Redis's `appendonlydir/`), for tools to read.
///
/// DIR is ours: it must be new, empty, or made by an earlier `--data-dir` run (it carries a
/// marker file), so a mistyped path never empties a user's directory.
public final class DataDirectory {
    public let root: String
    static let marker = ".faultline-data-dir"
    private(set) var mirrors: [(node: String, mirror: SimDiskMirror)] = []

    init(root: String) { self.root = root }

    /// Claims DIR (creating it, or checking it is ours) and writes the marker.
    public static func prepare(_ root: String) throws -> DataDirectory {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: root, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw UsageError("--data-dir \(root): expected a directory, found a file") }
            let entries = (try? fm.contentsOfDirectory(atPath: root)) ?? []
            if !entries.isEmpty && !entries.contains(marker) {
                throw UsageError("--data-dir \(root): expected a new or empty directory (or one an earlier --data-dir run made); "
                                 + "it holds \(entries.count) entr\(entries.count == 1 ? "y" : "ies") faultline did not write, such as \(entries.sorted()[0])")
            }
        } else {
            do { try fm.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
                throw UsageError("--data-dir \(root): cannot create the directory: \(error.localizedDescription)")
            }
        }
        guard fm.createFile(atPath: (root as NSString).appendingPathComponent(marker),
                            contents: Data("data directories of a faultline run, one per node; the next --data-dir run replaces them\n".utf8)) else {
            throw UsageError("--data-dir \(root): cannot write \(marker) there")
        }
        return DataDirectory(root: root)
    }

    /// `DIR/<node>/`, emptied, with `disk` mirrored into it from now on.
    public func mirror(_ disk: SimDisk, node: String) throws {
        precondition(!node.isEmpty && !node.contains("/") && node != "." && node != "..", "node names are single path components")
        let path = (root as NSString).appendingPathComponent(node)
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let m = try SimDiskMirror(root: path)
            disk.attach(m)
            if let problem = m.problem { throw UsageError("--data-dir: \(problem)") }
            mirrors.append((node, m))
        } catch let e as UsageError { throw e } catch {
            throw UsageError("--data-dir: cannot use \(path): \(error)")
        }
    }

    /// The first host error of any mirror (a full disk, a permission), naming the file.
    public var problem: String? { mirrors.lazy.compactMap(\.mirror.problem).first }

    /// Closes every host descriptor the mirrors hold (the end of a run).
    public func finish() { for m in mirrors { m.mirror.closeAll() } }

    /// The nodes mirrored, in the order they were attached.
    public var nodes: [String] { mirrors.map(\.node) }
}
