import FaultlineCore

// Stand-in for branch zk-datatree's types (CONTRACTS.md, "ZooKeeper"), written so the
// ensemble can replicate a real tree before that branch lands. Same names as the contract:
// when `zk-datatree` is merged these declarations collide and this file is deleted.

/// A ZooKeeper transaction id: epoch in the high 32 bits, counter in the low 32.
public typealias Zxid = Int64

/// ZxidUtils: how the real server builds and splits zxids.
public enum ZxidUtils {
    @inlinable public static func makeZxid(epoch: Int64, counter: Int64) -> Zxid { (epoch << 32) | (counter & 0xFFFF_FFFF) }
    @inlinable public static func epoch(of zxid: Zxid) -> Int64 { zxid >> 32 }
    @inlinable public static func counter(of zxid: Zxid) -> Int64 { zxid & 0xFFFF_FFFF }
    public static func hex(_ zxid: Zxid) -> String { "0x" + String(UInt64(bitPattern: zxid), radix: 16) }
}

/// KeeperException.Code, with the real numeric values.
public enum KeeperErrorCode: Int32, Hashable, Sendable {
    case ok = 0, systemError = -1, connectionLoss = -4, operationTimeout = -7, badArguments = -8
    case noNode = -101, badVersion = -103, noChildrenForEphemerals = -108, nodeExists = -110
    case notEmpty = -111, sessionExpired = -112, sessionMoved = -118
}

/// CreateMode.
public enum CreateMode: Hashable, Sendable {
    case persistent, ephemeral, persistentSequential, ephemeralSequential
    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool { self == .persistentSequential || self == .ephemeralSequential }
}

/// The znode Stat structure.
public struct Stat: Hashable, Sendable {
    public var czxid: Zxid = 0, mzxid: Zxid = 0, ctime: Int64 = 0, mtime: Int64 = 0
    public var version: Int32 = 0, cversion: Int32 = 0, aversion: Int32 = 0
    public var ephemeralOwner: Int64 = 0, dataLength: Int32 = 0, numChildren: Int32 = 0, pzxid: Zxid = 0
    public init() {}
}

/// A client request (the records behind ZooDefs.OpCode).
public enum ZKRequest: Hashable, Sendable {
    case create(path: String, data: String, mode: CreateMode)
    case delete(path: String, version: Int32)
    case setData(path: String, data: String, version: Int32)
    case getData(path: String, watch: Bool)
    case exists(path: String, watch: Bool)
    case getChildren(path: String, watch: Bool)
    case sync(path: String)
    case createSession(timeoutMs: Int32)
    case closeSession

    /// ZooDefs.OpCode.
    public var opCode: Int32 {
        switch self {
        case .create: return 1
        case .delete: return 2
        case .exists: return 3
        case .getData: return 4
        case .setData: return 5
        case .getChildren: return 8
        case .sync: return 9
        case .createSession: return -10
        case .closeSession: return -11
        }
    }
    /// Writes go through the leader and consume a zxid; reads are served locally.
    public var isWrite: Bool {
        switch self {
        case .create, .delete, .setData, .createSession, .closeSession: return true
        case .getData, .exists, .getChildren, .sync: return false
        }
    }
}

/// TxnHeader.
public struct TxnHeader: Hashable, Sendable {
    public var clientId: Int64, cxid: Int32, zxid: Zxid, time: Int64, type: Int32
    public init(clientId: Int64, cxid: Int32, zxid: Zxid, time: Int64, type: Int32) {
        self.clientId = clientId; self.cxid = cxid; self.zxid = zxid; self.time = time; self.type = type
    }
}

/// The PROPOSAL payload.
public enum Txn: Hashable, Sendable {
    case create(path: String, data: String, ephemeralOwner: Int64, parentCVersion: Int32)
    case delete(path: String)
    case setData(path: String, data: String, version: Int32)
    case createSession(timeOut: Int32)
    /// CloseSessionTxn lists the ephemerals to delete (3.6+), so every server deletes the same.
    case closeSession(paths: [String])
    case error(KeeperErrorCode)

    public var type: Int32 {
        switch self {
        case .create: return 1
        case .delete: return 2
        case .setData: return 5
        case .createSession: return -10
        case .closeSession: return -11
        case .error: return -1
        }
    }

    public func digest(into h: inout TraceHasher) {
        h.combine(Int(type))
        switch self {
        case .create(let p, let d, let o, let c): h.combine(p); h.combine(d); h.combine(o); h.combine(Int(c))
        case .delete(let p): h.combine(p)
        case .setData(let p, let d, let v): h.combine(p); h.combine(d); h.combine(Int(v))
        case .createSession(let t): h.combine(Int(t))
        case .closeSession(let ps): for p in ps { h.combine(p) }
        case .error(let c): h.combine(Int(c.rawValue))
        }
    }
}

/// What applying a txn did: the error, the path, and the watch events it triggers.
public struct ProcessTxnResult: Sendable {
    public var err: KeeperErrorCode = .ok
    public var path: String = ""
    public var stat: Stat?
    public var events: [WatchedEvent] = []
}

/// Watcher.Event.EventType with the path; sent to clients as a WatcherEvent (xid -1).
public struct WatchedEvent: Hashable, Sendable {
    public enum EventType: Int32, Sendable { case none = -1, nodeCreated = 1, nodeDeleted = 2, nodeDataChanged = 3, nodeChildrenChanged = 4 }
    public var type: EventType
    public var path: String
    public init(type: EventType, path: String) { self.type = type; self.path = path }
}

/// The replicated znode tree. Value type: a SNAP sends a copy.
public struct DataTree: Sendable {
    public struct DataNode: Sendable {
        public var data: String
        public var stat: Stat
        public var children: [String]   // sorted names
    }
    public private(set) var nodes: [String: DataNode] = [:]
    public private(set) var ephemeralsBySession: [Int64: [String]] = [:]
    public private(set) var lastProcessedZxid: Zxid = 0

    public init() {
        nodes["/"] = DataNode(data: "", stat: Stat(), children: ["zookeeper"])
        nodes["/zookeeper"] = DataNode(data: "", stat: Stat(), children: [])
        nodes["/"]!.stat.numChildren = 1
    }

    public static func parent(of path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return "/" }
        return i == path.startIndex ? "/" : String(path[..<i])
    }
    static func name(of path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: i)...])
    }

    public func getData(_ path: String) -> (String, Stat)? { nodes[path].map { ($0.data, $0.stat) } }
    public func exists(_ path: String) -> Stat? { nodes[path]?.stat }
    public func getChildren(_ path: String) -> [String]? { nodes[path]?.children }
    public func ephemerals(of session: Int64) -> [String] { (ephemeralsBySession[session] ?? []).sorted() }
    public var nodeCount: Int { nodes.count }

    /// Applies one committed txn. Idempotent checks keep a replayed log from failing twice.
    public mutating func processTxn(_ header: TxnHeader, _ txn: Txn) -> ProcessTxnResult {
        var r = ProcessTxnResult()
        lastProcessedZxid = max(lastProcessedZxid, header.zxid)
        switch txn {
        case .create(let path, let data, let owner, let parentCVersion):
            r.path = path
            let parent = DataTree.parent(of: path)
            guard nodes[path] == nil, nodes[parent] != nil else { r.err = nodes[path] != nil ? .nodeExists : .noNode; return r }
            var stat = Stat()
            stat.czxid = header.zxid; stat.mzxid = header.zxid; stat.pzxid = header.zxid
            stat.ctime = header.time; stat.mtime = header.time
            stat.ephemeralOwner = owner; stat.dataLength = Int32(data.utf8.count)
            nodes[path] = DataNode(data: data, stat: stat, children: [])
            var p = nodes[parent]!
            let name = DataTree.name(of: path)
            let at = p.children.firstIndex { $0 > name } ?? p.children.count
            p.children.insert(name, at: at)
            p.stat.cversion = max(p.stat.cversion, parentCVersion)
            p.stat.numChildren = Int32(p.children.count); p.stat.pzxid = header.zxid
            nodes[parent] = p
            if owner != 0 { ephemeralsBySession[owner, default: []].append(path) }
            r.stat = stat
            r.events = [WatchedEvent(type: .nodeCreated, path: path), WatchedEvent(type: .nodeChildrenChanged, path: parent)]
        case .delete(let path):
            r.path = path
            deleteNode(path, zxid: header.zxid, &r)
        case .setData(let path, let data, let version):
            r.path = path
            guard var n = nodes[path] else { r.err = .noNode; return r }
            n.data = data; n.stat.version = version; n.stat.mzxid = header.zxid; n.stat.mtime = header.time
            n.stat.dataLength = Int32(data.utf8.count)
            nodes[path] = n
            r.stat = n.stat
            r.events = [WatchedEvent(type: .nodeDataChanged, path: path)]
        case .createSession:
            break
        case .closeSession(let paths):
            for p in paths { deleteNode(p, zxid: header.zxid, &r) }
            ephemeralsBySession[header.clientId] = nil
        case .error(let code):
            r.err = code
        }
        return r
    }

    private mutating func deleteNode(_ path: String, zxid: Zxid, _ r: inout ProcessTxnResult) {
        guard let n = nodes[path] else { r.err = .noNode; return }
        nodes[path] = nil
        let parent = DataTree.parent(of: path)
        if var p = nodes[parent] {
            let name = DataTree.name(of: path)
            p.children.removeAll { $0 == name }
            p.stat.cversion += 1; p.stat.numChildren = Int32(p.children.count); p.stat.pzxid = zxid
            nodes[parent] = p
        }
        let owner = n.stat.ephemeralOwner
        if owner != 0 {
            ephemeralsBySession[owner]?.removeAll { $0 == path }
            if ephemeralsBySession[owner]?.isEmpty == true { ephemeralsBySession[owner] = nil }
        }
        r.events.append(WatchedEvent(type: .nodeDeleted, path: path))
        r.events.append(WatchedEvent(type: .nodeChildrenChanged, path: parent))
    }

    /// A stable digest of the content: paths in sorted order, never Dictionary order.
    public func digest() -> UInt64 {
        var h = TraceHasher()
        for path in nodes.keys.sorted() {
            let n = nodes[path]!
            h.combine(path); h.combine(n.data); h.combine(Int(n.stat.version)); h.combine(n.stat.ephemeralOwner)
        }
        return h.value
    }

    public func checkInvariants() {
        for (path, n) in nodes where path != "/" {
            precondition(nodes[DataTree.parent(of: path)] != nil, "orphan znode \(path)")
            precondition(n.stat.numChildren == Int32(n.children.count), "numChildren of \(path)")
        }
    }
}

/// The leader's PrepRequestProcessor: checks a write against the tree as it will be once
/// every outstanding proposal is applied, and returns the txn to propose. A failed check
/// yields an error txn: it still consumes a zxid, as in the real server.
public struct RequestPreparer {
    public init() {}

    public func prepare(_ request: ZKRequest, session: Int64, sessionValid: Bool, against tree: DataTree) -> Txn {
        if !sessionValid, case .createSession = request {} else if !sessionValid { return .error(.sessionExpired) }
        switch request {
        case .create(let path, let data, let mode):
            let parent = DataTree.parent(of: path)
            guard path.hasPrefix("/"), path != "/" else { return .error(.badArguments) }
            guard let p = tree.nodes[parent] else { return .error(.noNode) }
            if p.stat.ephemeralOwner != 0 { return .error(.noChildrenForEphemerals) }
            var full = path
            if mode.isSequential {
                let s = String(p.stat.cversion)
                full += String(repeating: "0", count: max(0, 10 - s.count)) + s
            }
            if tree.nodes[full] != nil { return .error(.nodeExists) }
            return .create(path: full, data: data, ephemeralOwner: mode.isEphemeral ? session : 0,
                           parentCVersion: p.stat.cversion + 1)
        case .delete(let path, let version):
            guard let n = tree.nodes[path] else { return .error(.noNode) }
            if version != -1 && version != n.stat.version { return .error(.badVersion) }
            if !n.children.isEmpty { return .error(.notEmpty) }
            return .delete(path: path)
        case .setData(let path, let data, let version):
            guard let n = tree.nodes[path] else { return .error(.noNode) }
            if version != -1 && version != n.stat.version { return .error(.badVersion) }
            return .setData(path: path, data: data, version: n.stat.version + 1)
        case .createSession(let t):
            return .createSession(timeOut: t)
        case .closeSession:
            return .closeSession(paths: tree.ephemerals(of: session))
        case .getData, .exists, .getChildren, .sync:
            preconditionFailure("reads are not prepared")
        }
    }
}
