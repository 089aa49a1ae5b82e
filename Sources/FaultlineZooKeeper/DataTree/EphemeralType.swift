/// `EphemeralType`: the ephemeralOwner field also encodes containers and TTL nodes when
/// extended types are on (high byte 0xFF); a plain session id is `normal`.
public enum EphemeralType: Hashable, Sendable {
    case void, normal, container

    /// `EphemeralType.CONTAINER_EPHEMERAL_OWNER`.
    public static let containerEphemeralOwner = Int64(bitPattern: 0x8000_0000_0000_0000)

    public static func of(_ ephemeralOwner: Int64) -> EphemeralType {
        if ephemeralOwner == 0 { return .void }
        if ephemeralOwner == containerEphemeralOwner { return .container }
        // TTL owners exist only with zookeeper.extendedTypesEnabled, off by default (and in
        // the model): any other non-zero owner is a session.
        return .normal
    }
}
