import Foundation
import Testing
import FaultlineStorage
@testable import FaultlineZooKeeper

/// The Debian `zookeeper` package's jars and a JVM, or nil (with the reason) when absent.
struct RealZooKeeper {
    static let javaPath = "/usr/bin/java"
    static let jarDirectory = "/usr/share/java"
    /// The server, jute, logging and the CLI's option parser; the rest of the package's
    /// dependencies are only needed for netty or metrics exporters, which these runs do not use.
    static let jars = ["zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-simple.jar",
                       "commons-cli.jar", "metrics-core.jar", "snappy-java.jar"]
    let classpath: String

    static func find() -> (RealZooKeeper?, String) {
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: javaPath) else { return (nil, "no JVM at \(javaPath)") }
        guard fm.fileExists(atPath: "\(jarDirectory)/zookeeper.jar") else {
            return (nil, "Debian package zookeeper not installed (no \(jarDirectory)/zookeeper.jar)")
        }
        let present = jars.map { "\(jarDirectory)/\($0)" }.filter { fm.fileExists(atPath: $0) }
        return (RealZooKeeper(classpath: present.joined(separator: ":")), "")
    }

    /// Runs a ZooKeeper main class to completion and returns its exit status and output.
    func run(_ mainClass: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.javaPath)
        p.arguments = ["-cp", classpath, mainClass] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Starts a standalone server on 127.0.0.1:`port` over `dataDir`, waits until it serves.
    func startServer(dataDir: String, port: Int, logFile: String) throws -> Process {
        let config = dataDir + "/../zoo.cfg"
        try """
        tickTime=2000
        dataDir=\(dataDir)
        clientPort=\(port)
        clientPortAddress=127.0.0.1
        admin.enableServer=false
        """.write(toFile: config, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.javaPath)
        p.arguments = ["-cp", classpath, "org.apache.zookeeper.server.ZooKeeperServerMain", config]
        let out = FileHandle(forWritingAtPath: logFile)!
        p.standardOutput = out
        p.standardError = out
        try p.run()
        // The port opens before the database is loaded, so wait until a client is served.
        for _ in 0..<300 where p.isRunning && !Self.accepts(port: port) { Thread.sleep(forTimeInterval: 0.1) }
        for _ in 0..<20 where p.isRunning {
            if let lines = try? cli(port: port, ["ls", "/"]), lines.contains(where: { $0.hasPrefix("[") && $0.contains("zookeeper") }) {
                return p
            }
            Thread.sleep(forTimeInterval: 0.3)
        }
        stop(p)
        throw ZKFileError(file: logFile, "real server did not come up:\n" + ((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` (the server is up).
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }

    /// Stops the server we started, by its pid, and waits for it to exit.
    func stop(_ p: Process) {
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
    }

    /// One zkCli command against the server; the command's own output lines.
    func cli(port: Int, _ command: [String]) throws -> [String] {
        let (_, output) = try run("org.apache.zookeeper.ZooKeeperMain", ["-server", "127.0.0.1:\(port)"] + command)
        let logLevels = ["] INFO ", "] WARN ", "] ERROR ", "] DEBUG "]
        return output.split(separator: "\n").map(String.init).filter { line in
            !logLevels.contains { line.contains($0) } && !line.contains("WatchedEvent")
                && !line.hasPrefix("Connecting to") && !line.hasPrefix("WATCHER::") && !line.isEmpty
                && !line.hasPrefix("\t") && !line.contains("Exception")
        }
    }
}

/// Builds a data directory the way a leader would: requests through the RequestPreparer,
/// entries into the txn log, txns into the tree, snapshots on request; `write` then replays
/// it all through `FileTxnSnapLog` over a `FileDisk`, so the files a real server reads are
/// the ones our store writes.
struct DataDirWriter {
    enum Step {
        case append(TxnLogEntry)
        case roll
        case snapshot(DataTree, [Int64: Int32], name: Zxid)
    }
    var tree = DataTree()
    var prep = RequestPreparer()
    var sessions: [Int64: Int32] = [:]
    var zxid: Zxid = 0
    var steps: [Step] = []
    var results: [ProcessTxnResult] = []
    let timeBase: Int64 = 1_764_000_000_000

    init() {
        // A fresh server snapshots its empty tree at startup (snapshot.0).
        steps.append(.snapshot(tree, [:], name: 0))
    }

    @discardableResult
    mutating func submit(_ request: ZKRequest, session: Int64, cxid: Int32 = 1) -> ProcessTxnResult {
        zxid += 1
        let p = prep.prepare(request, sessionId: session, cxid: cxid, zxid: zxid, time: timeBase + zxid * 1000, tree: tree)!
        steps.append(.append(p.logEntry))
        let rc = tree.processTxn(p.header, p.txn)
        prep.applied(zxid: zxid)
        if case let .createSession(t) = request { sessions[session] = t }
        if case .closeSession = request { sessions[session] = nil }
        tree.checkInvariants()
        results.append(rc)
        return rc
    }

    mutating func rollLog() { steps.append(.roll) }

    mutating func snapshot(namedAt name: Zxid) { steps.append(.snapshot(tree, sessions, name: name)) }

    /// Log files in the order written, with their entries.
    var logs: [(name: String, entries: [TxnLogEntry])] {
        var out: [(name: String, entries: [TxnLogEntry])] = []
        var open = false
        for step in steps {
            switch step {
            case .append(let e):
                if !open { out.append((ZKFileNames.logName(e.header.zxid), [])); open = true }
                out[out.count - 1].entries.append(e)
            case .roll: open = false
            case .snapshot: break
            }
        }
        return out
    }

    /// Writes `dir/version-2` through our store on real files, fsyncing as a server would.
    func write(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try FileTxnSnapLog(disk: try FileDisk(root: dir))
        for step in steps {
            switch step {
            case .append(let e):
                try store.append(e)
                #expect(store.completeCommit(try store.commit()!) == .durable)
            case .roll:
                store.rollLog()
            case let .snapshot(t, s, name):
                #expect(try store.completeSnapshot(try store.saveSnapshot(t, sessions: s, zxid: name)) == .durable)
            }
        }
        store.rollLog()
    }
}

private let s1: Int64 = 0x0100_00ab_cd00_0001
private let s2: Int64 = 0x0100_00ab_cd00_0002
/// A session with the shortest timeout, so the real server expires it during the test.
private let s3: Int64 = 0x0100_00ab_cd00_0003
private let open = ACL.openACLUnsafe

/// The story: a lock directory with ephemeral-sequential children, a successful and a
/// failed multi, a BadVersion delete, one session closed (its ephemerals go) and one still
/// open, a fuzzy snapshot (named before a txn it already contains) and two log files.
private func buildDataDir() -> DataDirWriter {
    var w = DataDirWriter()
    w.submit(.createSession(timeoutMs: 30000), session: s1, cxid: 0)
    w.submit(.createSession(timeoutMs: 30000), session: s2, cxid: 0)
    w.submit(.create(path: "/app", data: Array("cfg".utf8), acl: open, mode: .persistent), session: s1)
    w.submit(.create(path: "/app/lock-", data: [], acl: open, mode: .ephemeralSequential), session: s1, cxid: 2)
    w.submit(.create(path: "/app/lock-", data: [], acl: open, mode: .ephemeralSequential), session: s2, cxid: 1)
    w.submit(.setData(path: "/app", data: Array("cfg2".utf8), version: 0), session: s1, cxid: 3)
    // Fuzzy snapshot: named at zxid 6 but taken after txn 7 was applied, as a real server's
    // snapshot thread can; the server must replay 7 on top of it and converge.
    w.submit(.create(path: "/app/m0", data: Array("fuzzy".utf8), acl: open, mode: .persistent), session: s1, cxid: 4)
    w.snapshot(namedAt: 6)
    w.rollLog()
    w.submit(.multi([.create(path: "/app/m1", data: Array("one".utf8), acl: open, mode: .persistent),
                     .setData(path: "/app", data: Array("cfg3".utf8), version: 1),
                     .check(path: "/app/m0", version: 0)]), session: s1, cxid: 5)
    w.submit(.multi([.create(path: "/app/m2", data: [], acl: open, mode: .persistent),
                     .delete(path: "/nope", version: -1)]), session: s1, cxid: 6)
    w.submit(.delete(path: "/app/m1", version: 7), session: s1, cxid: 7)
    w.submit(.setData(path: "/app/m1", data: Array("uno".utf8), version: -1), session: s2, cxid: 2)
    w.submit(.closeSession, session: s2, cxid: 3)
    w.submit(.createSession(timeoutMs: 2000), session: s3, cxid: 0)
    w.submit(.create(path: "/short", data: [], acl: open, mode: .ephemeral), session: s3, cxid: 1)
    return w
}

@Test func realZooKeeperToolsAndServerRestoreOurTxnLogsAndFuzzySnapshot() throws {
    let (found, reason) = RealZooKeeper.find()
    guard let zk = found else {
        print("skipping realZooKeeperToolsAndServerRestoreOurTxnLogsAndFuzzySnapshot: \(reason)")
        return
    }
    let w = buildDataDir()
    #expect(w.results[8].err == .noNode, "the failed multi reports its failing op's error")
    #expect(w.results[8].multiResult?.map(\.err) == [.ok, .noNode])
    #expect(w.results[9].err == .badVersion)
    #expect(w.tree.ephemerals(of: s1) == ["/app/lock-0000000000"])
    #expect(w.tree.exists("/app/lock-0000000001") == nil, "closeSession took s2's ephemeral")

    let root = NSTemporaryDirectory() + "faultline-zk-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let dataDir = root + "/data"
    defer { try? FileManager.default.removeItem(atPath: root) }
    try w.write(to: dataDir)
    let v2 = dataDir + "/version-2"

    // 1. The real txn log tool reads every entry of both files.
    var dumped: [String] = []
    #expect(w.logs.map(\.name) == ["log.1", "log.8"])
    for log in w.logs {
        let attributes = try FileManager.default.attributesOfItem(atPath: v2 + "/" + log.name)
        #expect((attributes[.size] as? Int) == 16 + 64 * 1024 * 1024, "preallocated like FilePadding")
        let (status, out) = try zk.run("org.apache.zookeeper.server.persistence.TxnLogToolkit", ["-d", v2 + "/" + log.name])
        #expect(status == 0, "TxnLogToolkit failed on \(log.name):\n\(out)")
        #expect(out.contains("EOF reached after \(log.entries.count) txns."), "\(log.name):\n\(out)")
        #expect(!out.contains("CRC"), "\(out)")
        dumped += out.split(separator: "\n").map(String.init)
    }
    #expect(dumped.contains { $0.contains("zxid 0x8 multi") && $0.contains("/app/m1") })
    #expect(dumped.contains { $0.contains("zxid 0xa error -103") })
    #expect(dumped.contains { $0.contains("zxid 0xc closeSession") && $0.contains("/app/lock-0000000001") })

    // 2. The real snapshot formatter reads our snapshot: same nodes, same session.
    let (sstatus, sout) = try zk.run("org.apache.zookeeper.server.SnapshotFormatter", ["-d", v2 + "/snapshot.6"])
    #expect(sstatus == 0, "\(sout)")
    for path in ["/app", "/app/m0", "/app/lock-0000000000", "/app/lock-0000000001", "/zookeeper/config"] {
        #expect(sout.split(separator: "\n").contains { $0 == Substring(path) }, "\(path) missing from SnapshotFormatter:\n\(sout)")
    }
    #expect(sout.contains("0x\(String(s1, radix: 16))"), "session s1 missing:\n\(sout)")

    // 3. A real standalone server restores the directory and serves our znodes.
    // Our own port, skipping any another process already serves.
    let port = try #require((27341..<27361).first { !RealZooKeeper.accepts(port: $0) }, "no free port in 27341..<27361")
    let serverLog = root + "/server.log"
    let server = try zk.startServer(dataDir: dataDir, port: port, logFile: serverLog)
    var listing: [String] = []
    var appStat: [String] = []
    var lockStat: [String] = []
    var shortExpired = false
    do {
        listing = try zk.cli(port: port, ["ls", "-R", "/"])
        appStat = try zk.cli(port: port, ["get", "-s", "/app"])
        lockStat = try zk.cli(port: port, ["stat", "/app/lock-0000000000"])
        // The session restored from our log (s3, 2 s) has no client: the server expires it and
        // deletes its ephemeral, which it found through the ephemeral index it rebuilt.
        for _ in 0..<20 where !shortExpired {
            shortExpired = try !zk.cli(port: port, ["ls", "/"]).contains { $0.contains("short") }
            if !shortExpired { Thread.sleep(forTimeInterval: 0.5) }
        }
        _ = try zk.cli(port: port, ["create", "/fromReal", "hi"])
    } catch {
        zk.stop(server)
        throw error
    }
    zk.stop(server)
    let log = (try? String(contentsOfFile: serverLog, encoding: .utf8)) ?? ""
    // /short may already be gone: its session's 2 s timeout runs from the server's start.
    #expect(listing.filter { $0 != "/short" } == ["/", "/app", "/zookeeper", "/app/lock-0000000000", "/app/m0", "/app/m1",
                                                      "/zookeeper/config", "/zookeeper/quota"], "ls -R /:\n\(listing)\nserver log:\n\(log)")
    #expect(lockStat.contains("ephemeralOwner = 0x\(String(s1, radix: 16))"), "\(lockStat)")
    #expect(shortExpired, "the real server never expired the restored session s3")
    #expect(appStat.first == "cfg3")
    // The real server reports the stat our tree reports (cversion = creates + deletes: 5).
    let ours = try #require(w.tree.exists("/app"))
    for line in ["cZxid = 0x\(ZxidUtils.hex(ours.czxid))", "mZxid = 0x\(ZxidUtils.hex(ours.mzxid))",
                 "pZxid = 0x\(ZxidUtils.hex(ours.pzxid))", "cversion = \(ours.cversion)", "dataVersion = \(ours.version)",
                 "aclVersion = \(ours.aversion)", "dataLength = \(ours.dataLength)", "numChildren = \(ours.numChildren)"] {
        #expect(appStat.contains(line), "\(line) not in \(appStat)")
    }
    #expect(ours.cversion == 5 && ours.numChildren == 3 && ours.version == 2)
    // The server's own digest of the restored tree equals ours, and it never saw a mismatch
    // (needs an slf4j binding for the server's log; without one there is nothing to read).
    if log.contains("ZKDatabase") {
        #expect(log.contains("highest zxid is 0x\(ZxidUtils.hex(w.zxid)), digest is \(w.tree.treeDigest)"), "\(log)")
        #expect(!log.lowercased().contains("mismatch") && !log.contains("Digests are not matching"), "\(log)")
    } else {
        print("note: the real server wrote no log (no slf4j binding?); skipped its digest line")
    }

    // 4. Reverse: what the real server wrote after restoring (its startup snapshot and the log
    // of the CLI's create) decodes here and lands on the same tree plus /fromReal.
    let names = try FileManager.default.contentsOfDirectory(atPath: v2).sorted()
    let snapName = try #require(names.first { $0 == ZKFileNames.snapshotName(w.zxid) }, "\(names)")
    let realSnap = try SnapshotFile.decode(Array(FileManager.default.contents(atPath: v2 + "/" + snapName)!), snapshotZxid: w.zxid, fileName: snapName)
    #expect(realSnap.tree.digest() == w.tree.digest())
    #expect(realSnap.tree.sortedPaths == w.tree.sortedPaths)
    #expect(realSnap.sessions == [s1: 30000, s3: 2000], "the real server's session table is ours")
    let newLogName = try #require(names.first { $0 == ZKFileNames.logName(w.zxid + 1) }, "\(names)")
    let newLog = try TxnLogFile.decode(Array(FileManager.default.contents(atPath: v2 + "/" + newLogName)!), fileName: newLogName)
    var tree = realSnap.tree
    for e in newLog.entries {
        let rc = tree.processTxn(e.header, e.txn)
        if let d = e.digest { #expect(d.treeDigest == tree.treeDigest, "our digest after real zxid \(e.header.zxid)") }
        #expect(rc.err == .ok)
    }
    #expect(tree.getData("/fromReal").map { $0.0 } == .success(Array("hi".utf8)))
    #expect(newLog.entries.contains { $0.header.clientId == s3 && $0.txn == .closeSession(pathsToDelete: ["/short"]) },
            "the real expiry of s3 deletes exactly our ephemeral: \(newLog.entries.map(\.txn))")
    #expect(tree.exists("/short") == nil && tree.ephemerals(of: s1) == ["/app/lock-0000000000"])
    tree.checkInvariants()
}
