import FaultlineCore

/// Resolves `host:port` to a simulated node: the DNS and routing of the simulated network.
///
/// Redis and Sentinel name each other by address (INFO's `slaveN:ip=..,port=..`, hello
/// messages, REPLICAOF host port, get-master-addr-by-name). Hosts here are node names.
/// Entries are kept in an array in insertion order, so lookups never depend on hashing.
public struct RedisAddressBook: Sendable {
    public struct Entry: Sendable, Hashable { public var host: String; public var port: Int; public var node: NodeID }
    public private(set) var entries: [Entry] = []
    public init() {}

    public mutating func add(host: String, port: Int, node: NodeID) {
        precondition(lookup(host: host, port: port) == nil, "address \(host):\(port) registered twice")
        entries.append(Entry(host: host, port: port, node: node))
    }
    public func lookup(host: String, port: Int) -> NodeID? {
        entries.first { $0.host == host && $0.port == port }?.node
    }
    public func address(of node: NodeID) -> (host: String, port: Int)? {
        entries.first { $0.node == node }.map { ($0.host, $0.port) }
    }
}
