import Foundation
import Testing
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
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.javaPath)
        p.arguments = ["-cp", classpath, "org.apache.zookeeper.server.ZooKeeperServerMain", config]
        let out = FileHandle(forWritingAtPath: logFile)!
        p.standardOutput = out
        p.standardError = out
        try p.run()
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            if text.contains("PrepRequestProcessor (sid:") { return p }
            if !p.isRunning { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop(p)
        throw ZKFileError(file: logFile, "real server did not come up:\n" + ((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""))
    }

    /// Stops the server we started, by its pid, and waits for it to exit.
    func stop(_ p: Process) {
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
    }

    /// One zkCli command against the server; the command's own output lines.
    func cli(port: Int, _ command: [String]) throws -> [String] {
        let (_, output) = try run("org.apache.zookeeper.ZooKeeperMain", ["-server", "127.0.0.1:\(port)"] + command)
        return output.split(separator: "\n").map(String.init).filter {
            !$0.contains(" INFO ") && !$0.contains("WatchedEvent") && !$0.contains("ServiceUtils")
                && !$0.hasPrefix("Connecting to") && !$0.hasPrefix("WATCHER::") && !$0.isEmpty && !$0.hasPrefix("[main]")
        }
    }
}

/// Builds a data directory the way a leader would: requests through the RequestPreparer,
/// entries into log files, txns into the tree, and a snapshot on request.
struct DataDirWriter {
    var tree = DataTree()
    var prep = RequestPreparer()
    var sessions: [Int64: Int32] = [:]
    var zxid: Zxid = 0
    var logs: [TxnLogFile] = [TxnLogFile()]
    var snapshots: [(name: String, bytes: [UInt8])] = []
    var results: [ProcessTxnResult] = []
    let timeBase: Int64 = 1_764_000_000_000

    @discardableResult
    mutating func submit(_ request: ZKRequest, session: Int64, cxid: Int32 = 1) -> ProcessTxnResult {
        zxid += 1
        let p = prep.prepare(request, sessionId: session, cxid: cxid, zxid: zxid, time: timeBase + zxid * 1000, tree: tree)!
        logs[logs.count - 1].append(p.logEntry)
        let rc = tree.processTxn(p.header, p.txn)
        prep.applied(zxid: zxid)
        if case let .createSession(t) = request { sessions[session] = t }
        if case .closeSession = request { sessions[session] = nil }
        tree.checkInvariants()
        results.append(rc)
        return rc
    }

    mutating func rollLog() { logs.append(TxnLogFile()) }

    mutating func snapshot(namedAt name: Zxid, tree t: DataTree? = nil, sessions s: [Int64: Int32]? = nil) {
        snapshots.append((ZKFileNames.snapshotName(name), SnapshotFile(tree: t ?? tree, sessions: s ?? sessions).encode()))
    }

    /// Writes `version-2/` with the logs extended to their preallocated (sparse) length.
    func write(to dir: String) throws {
        let v2 = dir + "/" + ZKFileNames.versionDirectory
        try FileManager.default.createDirectory(atPath: v2, withIntermediateDirectories: true)
        for log in logs where !log.entries.isEmpty {
            let path = v2 + "/" + log.fileName!
            FileManager.default.createFile(atPath: path, contents: Data(log.bytes))
            let h = FileHandle(forWritingAtPath: path)!
            try h.truncate(atOffset: UInt64(log.preallocatedLength))
            try h.close()
        }
        for s in snapshots { FileManager.default.createFile(atPath: v2 + "/" + s.name, contents: Data(s.bytes)) }
    }
}

private let s1: Int64 = 0x0100_00ab_cd00_0001
private let s2: Int64 = 0x0100_00ab_cd00_0002
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
    try w.write(to: dataDir)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let v2 = dataDir + "/version-2"

    // 1. The real txn log tool reads every entry of both files.
    var dumped: [String] = []
    for log in w.logs {
        let (status, out) = try zk.run("org.apache.zookeeper.server.persistence.TxnLogToolkit", ["-d", v2 + "/" + log.fileName!])
        #expect(status == 0, "TxnLogToolkit failed on \(log.fileName!):\n\(out)")
        #expect(out.contains("EOF reached after \(log.entries.count) txns."), "\(log.fileName!):\n\(out)")
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
    let port = 27341
    let serverLog = root + "/server.log"
    let server = try zk.startServer(dataDir: dataDir, port: port, logFile: serverLog)
    var listing: [String] = []
    var appStat: [String] = []
    do {
        listing = try zk.cli(port: port, ["ls", "-R", "/"])
        appStat = try zk.cli(port: port, ["get", "-s", "/app"])
        _ = try zk.cli(port: port, ["create", "/fromReal", "hi"])
    }
    zk.stop(server)
    let log = (try? String(contentsOfFile: serverLog, encoding: .utf8)) ?? ""
    #expect(listing == ["/", "/app", "/zookeeper", "/app/lock-0000000000", "/app/m0", "/app/m1",
                        "/zookeeper/config", "/zookeeper/quota"], "ls -R /:\n\(listing)\nserver log:\n\(log)")
    #expect(appStat.first == "cfg3")
    // The real server reports the stat our tree reports (cversion = creates + deletes: 5).
    let ours = try #require(w.tree.exists("/app"))
    for line in ["cZxid = 0x\(ZxidUtils.hex(ours.czxid))", "mZxid = 0x\(ZxidUtils.hex(ours.mzxid))",
                 "pZxid = 0x\(ZxidUtils.hex(ours.pzxid))", "cversion = \(ours.cversion)", "dataVersion = \(ours.version)",
                 "aclVersion = \(ours.aversion)", "dataLength = \(ours.dataLength)", "numChildren = \(ours.numChildren)"] {
        #expect(appStat.contains(line), "\(line) not in \(appStat)")
    }
    #expect(ours.cversion == 5 && ours.numChildren == 3 && ours.version == 2)
    // The server's own digest of the restored tree equals ours, and it never saw a mismatch.
    #expect(log.contains("highest zxid is 0xc, digest is \(w.tree.treeDigest)"), "\(log)")
    #expect(!log.lowercased().contains("mismatch") && !log.contains("Digests are not matching"), "\(log)")

    // 4. Reverse: what the real server wrote after restoring (its startup snapshot and the log
    // of the CLI's create) decodes here and lands on the same tree plus /fromReal.
    let names = try FileManager.default.contentsOfDirectory(atPath: v2).sorted()
    let snapName = try #require(names.first { $0 == ZKFileNames.snapshotName(0xc) }, "\(names)")
    let realSnap = try SnapshotFile.decode(Array(FileManager.default.contents(atPath: v2 + "/" + snapName)!), snapshotZxid: 0xc, fileName: snapName)
    #expect(realSnap.tree.digest() == w.tree.digest())
    #expect(realSnap.tree.sortedPaths == w.tree.sortedPaths)
    #expect(realSnap.sessions[s1] == 30000)
    let newLogName = try #require(names.first { $0 == ZKFileNames.logName(0xd) }, "\(names)")
    let newLog = try TxnLogFile.decode(Array(FileManager.default.contents(atPath: v2 + "/" + newLogName)!), fileName: newLogName)
    var tree = realSnap.tree
    for e in newLog.entries {
        let rc = tree.processTxn(e.header, e.txn)
        if let d = e.digest { #expect(d.treeDigest == tree.treeDigest, "our digest after real zxid \(e.header.zxid)") }
        #expect(rc.err == .ok)
    }
    #expect(tree.getData("/fromReal").map { $0.0 } == .success(Array("hi".utf8)))
    tree.checkInvariants()
}
