import Foundation
import Testing
import FaultlineCore
@testable import FaultlineStorage

/// `run --data-dir` promises that the host files hold, at every moment, what the simulated
/// page cache holds, and that mirroring changes nothing the simulation sees.
@Suite struct SimDiskMirrorTests {
    func hostDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "faultline-mirror-\(label)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The host tree as (path, bytes) pairs, directories as nil, sorted by path.
    func hostTree(_ root: String) -> [String: [UInt8]?] {
        var out: [String: [UInt8]?] = [:]
        for sub in (FileManager.default.subpaths(atPath: root) ?? []) {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root + "/" + sub, isDirectory: &isDirectory)
            out[sub] = isDirectory.boolValue ? .some(nil) : .some([UInt8](FileManager.default.contents(atPath: root + "/" + sub) ?? Data()))
        }
        return out
    }

    /// The simulated namespace as the page cache has it.
    func simTree(_ disk: SimDisk) -> [String: [UInt8]?] {
        var out: [String: [UInt8]?] = [:]
        for d in disk.directories where !d.isEmpty { out[d] = .some(nil) }
        for (path, inode) in disk.files { out[path] = .some(disk.inodes[inode]!.data) }
        return out
    }

    func expectSame(_ disk: SimDisk, _ root: String, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let host = hostTree(root), sim = simTree(disk)
        #expect(host.keys.sorted() == sim.keys.sorted(), "\(step): names differ", sourceLocation: sourceLocation)
        for path in sim.keys.sorted() where host[path] != sim[path] {
            Issue.record("\(step): \(path) differs (host \(host[path].map { $0?.count ?? -1 } ?? -2) bytes, sim \(sim[path]!.map(\.count) ?? -1))",
                         sourceLocation: sourceLocation)
        }
    }

    @Test func hostFilesFollowAppendsOverwritesRenamesRemovesAndTheCrashThatRevertsThem() throws {
        let root = hostDirectory("story")
        var faults = SimDisk.Faults()
        faults.directoryOpLoss = .always
        let disk = SimDisk(random: SeededRandom(seed: 7, stream: "disk"), faults: faults)
        try disk.makeDirectory("version-2")
        disk.attach(try SimDiskMirror(root: root))
        expectSame(disk, root, "attached")

        let log = try disk.open("version-2/log.1", create: true)
        try disk.append(log, Array("durable".utf8))
        _ = disk.completeSync(try disk.requestSync(log))
        _ = disk.completeSync(try disk.requestDirectorySync("version-2"))
        try disk.append(log, Array(" and cached".utf8))
        try disk.write(log, at: 20, Array("hole".utf8))
        let tmp = try disk.open("version-2/currentEpoch.tmp", create: true)
        try disk.append(tmp, Array("3\n".utf8))
        try disk.rename("version-2/currentEpoch.tmp", to: "version-2/currentEpoch")
        expectSame(disk, root, "before the crash")
        #expect(FileManager.default.contents(atPath: root + "/version-2/log.1").map { Array($0) } == Array("durable and cached\0\0hole".utf8))

        disk.crash()
        expectSame(disk, root, "after the crash")
        #expect(FileManager.default.contents(atPath: root + "/version-2/log.1") == Data("durable".utf8), "the crash took the unsynced tail")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/version-2") == ["log.1"], "the unsynced create and rename are undone")

        try disk.corrupt("version-2/log.1", byte: 0, bit: 0)
        try disk.remove("version-2/log.1")
        try disk.remove("version-2")
        expectSame(disk, root, "after removing everything")
    }

    @Test func underChaosFaultsTheHostTreeEqualsThePageCacheAfterEveryStep() throws {
        for seed in UInt64(1)...4 {
            let root = hostDirectory("chaos\(seed)")
            let disk = SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: .chaos)
            let plain = SimDisk(random: SeededRandom(seed: seed, stream: "disk"), faults: .chaos)
            disk.attach(try SimDiskMirror(root: root))
            var random = SeededRandom(seed: seed, stream: "ops")
            var handles: [String: (DiskFile, DiskFile)] = [:]
            let names = ["a", "b", "dir/c", "dir/d"]
            // The same operations on a mirrored and an unmirrored disk: same outcomes, same bytes.
            for step in 0..<400 {
                let name = names[Int(random.below(UInt64(names.count)))]
                func both(_ op: (SimDisk, DiskFile?) throws -> Void) {
                    let h = handles[name]
                    let a = (try? op(disk, h?.0)) != nil, b = (try? op(plain, h?.1)) != nil
                    #expect(a == b, "step \(step): outcomes differ")
                }
                switch random.below(9) {
                case 0:
                    both { d, _ in try d.makeDirectory("dir") }
                case 1:
                    if let a = try? disk.open(name, create: true), let b = try? plain.open(name, create: true) { handles[name] = (a, b) }
                case 2, 3:
                    let bytes = (0..<Int(random.below(700))).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ step) }
                    both { d, h in if let h { try d.append(h, bytes) } }
                case 4:
                    let at = Int(random.below(2000)), bytes = Array(repeating: UInt8(step & 0xFF), count: Int(random.below(100)))
                    both { d, h in if let h { try d.write(h, at: at, bytes) } }
                case 5:
                    let size = Int(random.below(1500))
                    both { d, h in if let h { try d.truncate(h, to: size) } }
                case 6:
                    let to = names[Int(random.below(UInt64(names.count)))]
                    both { d, _ in try d.rename(name, to: to) }
                    if let moved = handles[name] { handles[to] = moved; handles[name] = nil }
                case 7:
                    both { d, h in if let h { _ = d.completeSync(try d.requestSync(h)) }; _ = d.completeSync(try d.requestDirectorySync(DiskPath.parent(name))) }
                default:
                    if random.below(4) == 0 {
                        disk.crash(); plain.crash(); handles.removeAll()
                    } else {
                        both { d, _ in try d.remove(name) }
                        handles[name] = nil
                    }
                }
                expectSame(disk, root, "seed \(seed) step \(step)")
                #expect(disk.contentHash() == plain.contentHash(), "seed \(seed) step \(step): the mirror changed the simulation")
                if disk.contentHash() != plain.contentHash() { return }
            }
            #expect(disk.counters == plain.counters)
            #expect(disk.mirror?.problem == nil)
        }
    }

    @Test func aHostErrorIsKeptNamingTheFileAndNeverReachesTheSimulation() throws {
        let root = hostDirectory("gone")
        let disk = SimDisk(random: SeededRandom(seed: 1, stream: "disk"))
        let mirror = try SimDiskMirror(root: root)
        disk.attach(mirror)
        try FileManager.default.removeItem(atPath: root)
        let f = try disk.open("log", create: true)
        try disk.append(f, Array("still fine in the simulation".utf8))
        #expect(try disk.readAll(f) == Array("still fine in the simulation".utf8))
        #expect(mirror.problem?.contains(root) == true, "\(mirror.problem ?? "no problem")")
        #expect(mirror.problem?.contains("log") == true)
    }
}
