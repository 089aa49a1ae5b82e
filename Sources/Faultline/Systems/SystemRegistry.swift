/// Every system scenarios can name. A new system is one adapter file under Systems/ plus
/// one line here.
public enum SystemRegistry {
    public static var all: [any SystemAdapter] {
        [
            PrimaryBackupSystem(),
            ZooKeeperSystem(),
            RedisSystem(),
        ]
    }

    public static var names: [String] { all.map(\.name) }
    public static func adapter(named name: String) -> (any SystemAdapter)? { all.first { $0.name == name } }
}
