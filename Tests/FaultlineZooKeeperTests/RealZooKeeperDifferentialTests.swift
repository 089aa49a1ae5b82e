import Foundation
import Testing
import FaultlineCore
@testable import FaultlineZooKeeper

/// The Java side of the differential test: replays a script of writes through the real
/// client API, one session per column, and records each KeeperException code and the watch
/// events a watching session heard for it.
private let diffJava = #"""
import org.apache.zookeeper.*;
import org.apache.zookeeper.data.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/** Runs a script of writes against a real server, one session per column, in order. */
public class Diff {
  static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

  static byte[] data(String s) { return s.equals("-") ? new byte[0] : s.getBytes(StandardCharsets.UTF_8); }

  static Op op(String[] f, int at) {
    switch (f[at]) {
      case "create": return Op.create(f[at + 1], data(f[at + 2]), OPEN, CreateMode.fromFlag(Integer.parseInt(f[at + 3]), CreateMode.PERSISTENT));
      case "delete": return Op.delete(f[at + 1], Integer.parseInt(f[at + 2]));
      case "set": return Op.setData(f[at + 1], data(f[at + 2]), Integer.parseInt(f[at + 3]));
      case "check": return Op.check(f[at + 1], Integer.parseInt(f[at + 2]));
      default: throw new IllegalArgumentException(f[at]);
    }
  }

  static final List<String> events = Collections.synchronizedList(new ArrayList<>());

  public static void main(String[] a) throws Exception {
    List<String> lines = Files.readAllLines(Paths.get(a[1]));
    int sessions = Integer.parseInt(lines.get(0));
    String[] watchPaths = lines.get(1).split(" ");
    ZooKeeper[] zk = new ZooKeeper[sessions];
    for (int i = 0; i < sessions; i++) {
      zk[i] = new ZooKeeper(a[0], 30000, e -> {});
      while (zk[i].getState() != ZooKeeper.States.CONNECTED) Thread.sleep(20);
    }
    // One more session only watches: before each write it (re)sets an exists watch on every
    // watched path and a child watch where the node exists.
    ZooKeeper watcher = new ZooKeeper(a[0], 30000, e -> {
      if (e.getType() != Watcher.Event.EventType.None) events.add(e.getType().getIntValue() + ":" + e.getPath());
    });
    while (watcher.getState() != ZooKeeper.States.CONNECTED) Thread.sleep(20);
    StringBuilder out = new StringBuilder();
    for (String line : lines.subList(2, lines.size())) {
      for (String p : watchPaths) {
        if (watcher.exists(p, true) != null) watcher.getChildren(p, true);
      }
      String[] f = line.split(" ");
      ZooKeeper z = zk[Integer.parseInt(f[0])];
      int code = 0;
      try {
        switch (f[1]) {
          case "create": z.create(f[2], data(f[3]), OPEN, CreateMode.fromFlag(Integer.parseInt(f[4]), CreateMode.PERSISTENT)); break;
          case "delete": z.delete(f[2], Integer.parseInt(f[3])); break;
          case "set": z.setData(f[2], data(f[3]), Integer.parseInt(f[4])); break;
          case "multi": {
            List<Op> ops = new ArrayList<>();
            for (String part : line.substring(line.indexOf("multi") + 6).split(" ; ")) ops.add(op(part.split(" "), 0));
            z.multi(ops);
            break;
          }
          default: throw new IllegalArgumentException(f[1]);
        }
      } catch (KeeperException e) { code = e.code().intValue(); }
      // An async call's callback runs on the event thread after every event that arrived
      // before its reply, so once it fires the watcher has seen all this write's events.
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      watcher.exists("/", false, (rc, path, ctx, stat) -> done.countDown(), null);
      done.await();
      String seen;
      synchronized (events) { seen = String.join(",", events); events.clear(); }
      out.append(code).append('|').append(seen).append('\n');
    }
    watcher.close();
    for (ZooKeeper z : zk) z.close();
    Files.write(Paths.get(a[2]), out.toString().getBytes(StandardCharsets.UTF_8));
  }
}
"""#

/// A seeded script of writes over a few paths: creates in every mode, deletes and setData
/// with right and wrong versions, multis that succeed and fail. Paths are all valid (the
/// real client rejects bad ones before sending), outcomes are whatever they turn out to be.
private func diffScript(seed: UInt64, sessions: Int, steps: Int) -> [(session: Int, line: String, request: ZKRequest)] {
    var rng = SeededRandom(seed: seed, stream: "zk-diff")
    let parents = ["/d0", "/d1"]
    let children = ["a", "b", "s-0000000000", "s-0000000001", "s-0000000002"]
    func pick<T>(_ xs: [T]) -> T { xs[Int(rng.below(UInt64(xs.count)))] }
    func node() -> String { rng.below(4) == 0 ? pick(parents) : pick(parents) + "/" + pick(children) }
    func version() -> Int32 { rng.below(2) == 0 ? -1 : Int32(rng.below(3)) }
    func sub() -> (String, ZKRequest) {
        switch rng.below(4) {
        case 0:
            let mode = CreateMode.allCases[Int(rng.below(4))]
            let path = rng.below(3) == 0 ? pick(parents) : pick(parents) + "/" + (mode.isSequential ? "s-" : pick(["a", "b"]))
            let data = "v\(rng.below(100))"
            return ("create \(path) \(data) \(mode.rawValue)",
                    .create(path: path, data: Array(data.utf8), acl: ACL.openACLUnsafe, mode: mode))
        case 1:
            let (p, v) = (node(), version())
            return ("delete \(p) \(v)", .delete(path: p, version: v))
        case 2:
            let (p, v) = (node(), version())
            let data = "w\(rng.below(100))"
            return ("set \(p) \(data) \(v)", .setData(path: p, data: Array(data.utf8), version: v))
        default:
            let (p, v) = (node(), Int32(rng.below(3)))
            return ("check \(p) \(v)", .check(path: p, version: v))
        }
    }
    var out: [(Int, String, ZKRequest)] = []
    while out.count < steps {
        let s = Int(rng.below(UInt64(sessions)))
        if rng.below(5) == 0 {
            let subs = (0..<(2 + Int(rng.below(2)))).map { _ in sub() }
            out.append((s, "\(s) multi " + subs.map(\.0).joined(separator: " ; "), .multi(subs.map(\.1))))
        } else {
            let (line, request) = sub()
            if case .check = request { continue }     // check exists only inside a multi
            out.append((s, "\(s) \(line)", request))
        }
    }
    return out
}

@Test func randomWritesThroughTheRealServerAndOurPreparerGiveTheSameTxnsErrorsAndWatchEvents() throws {
    let (found, reason) = RealZooKeeper.find()
    guard let zk = found else { print("skipping differential test: \(reason)"); return }
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/javac") else {
        print("skipping differential test: no javac to build its Java client"); return
    }
    let root = NSTemporaryDirectory() + "faultline-zkdiff-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dataDir = root + "/data"
    try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
    try diffJava.write(toFile: root + "/Diff.java", atomically: true, encoding: .utf8)
    let javac = Process()
    javac.executableURL = URL(fileURLWithPath: "/usr/bin/javac")
    javac.arguments = ["-cp", zk.classpath, "-d", root, root + "/Diff.java"]
    try javac.run()
    javac.waitUntilExit()
    try #require(javac.terminationStatus == 0, "javac failed")

    let sessions = 3
    let script = diffScript(seed: 7, sessions: sessions, steps: 200)
    let watchPaths = ["/d0", "/d1", "/d0/a", "/d0/b", "/d1/a", "/d1/b", "/d0/s-0000000000", "/d1/s-0000000001"]
    try ([String(sessions), watchPaths.joined(separator: " ")] + script.map(\.line)).joined(separator: "\n")
        .write(toFile: root + "/script", atomically: true, encoding: .utf8)
    let port = try #require((27361..<27381).first { !RealZooKeeper.accepts(port: $0) }, "no free port")
    let server = try zk.startServer(dataDir: dataDir, port: port, logFile: root + "/server.log")
    let run: (status: Int32, output: String)
    do {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RealZooKeeper.javaPath)
        p.arguments = ["-cp", zk.classpath + ":" + root, "Diff", "127.0.0.1:\(port)", root + "/script", root + "/codes"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        run = (p.terminationStatus, text)
    } catch {
        zk.stop(server)
        throw error
    }
    zk.stop(server)
    try #require(run.status == 0, "\(run.output)")
    let outcomes = try String(contentsOfFile: root + "/codes", encoding: .utf8).split(separator: "\n").map { line in
        let parts = line.split(separator: "|", omittingEmptySubsequences: false)
        return (code: Int32(parts[0])!, events: parts[1].isEmpty ? [] : parts[1].split(separator: ",").map(String.init))
    }
    #expect(outcomes.count == script.count)

    let v2 = dataDir + "/version-2"
    let logName = try #require(try FileManager.default.contentsOfDirectory(atPath: v2).first { $0.hasPrefix("log.") })
    let real = try TxnLogFile.decode(Array(FileManager.default.contents(atPath: v2 + "/" + logName)!), fileName: logName)
    // Our requests in the order the real server logged them: the ready-probe's session (the
    // harness's own ls), the script's sessions, the script, then the closes.
    var tree = DataTree()
    var prep = RequestPreparer()
    var scriptIndex = 0
    var mismatches = 0
    var failedWrites = 0
    var eventsSeen = 0
    // The watcher's session is the last one created before the script's first write.
    let firstWrite = try #require(real.entries.firstIndex { if case .createSession = $0.txn { return false } else { return true } })
    let watcherSession = real.entries[firstWrite - 1].header.clientId
    for entry in real.entries {
        let h = entry.header
        let request: ZKRequest
        switch entry.txn {
        case .createSession(let t): request = .createSession(timeoutMs: t)
        case .closeSession: request = .closeSession
        default:
            request = script[scriptIndex].request
            scriptIndex += 1
        }
        let scripted: Bool
        if case .createSession = request { scripted = false } else if case .closeSession = request { scripted = false } else { scripted = true }
        if scripted {
            for p in watchPaths {
                if case .stat = tree.read(.exists(path: p, watch: true), session: watcherSession) {
                    _ = tree.read(.getChildren(path: p, watch: true), session: watcherSession)
                }
            }
        }
        let made = prep.prepare(request, sessionId: h.clientId, cxid: h.cxid, zxid: h.zxid, time: h.time, tree: tree)
        let prepared = try #require(made)
        var ours = prepared.logEntry
        var theirs = entry
        // The real server lists a closing session's ephemerals in HashSet order; ours are sorted.
        if case .closeSession(let paths?) = theirs.txn { theirs.txn = .closeSession(pathsToDelete: paths.sorted()) }
        if case .closeSession(let paths?) = ours.txn { ours.txn = .closeSession(pathsToDelete: paths.sorted()) }
        if ours != theirs {
            mismatches += 1
            Issue.record("zxid 0x\(ZxidUtils.hex(h.zxid)) \(request):\n ours   \(ours.txn) \(String(describing: ours.digest))\n theirs \(theirs.txn) \(String(describing: theirs.digest))")
            if mismatches > 3 { break }
        }
        let rc = tree.processTxn(prepared.header, prepared.txn)
        prep.applied(zxid: h.zxid)
        guard scripted else { continue }
        let outcome = outcomes[scriptIndex - 1]
        #expect(rc.err.rawValue == outcome.code, "\(script[scriptIndex - 1].line)")
        if rc.err != .ok { failedWrites += 1 }
        let ourEvents = rc.watchEvents.filter { $0.session == watcherSession }.map { "\($0.type.rawValue):\($0.path)" }
        #expect(ourEvents == outcome.events, "watch events of \(script[scriptIndex - 1].line)")
        eventsSeen += ourEvents.count
    }
    #expect(scriptIndex == script.count, "every scripted write reached the real log")
    #expect(failedWrites > 20 && failedWrites < script.count - 20, "the script exercises both outcomes (\(failedWrites) failed)")
    #expect(eventsSeen > 30, "the watcher heard events (\(eventsSeen))")
    tree.checkInvariants()
}
