/// `CreateMode`, with the real flag numbers of `CreateRequest.flags`.
public enum CreateMode: Int32, Hashable, Sendable, CaseIterable {
    case persistent = 0
    case ephemeral = 1
    case persistentSequential = 2
    case ephemeralSequential = 3

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    /// Sequential nodes get the parent's cversion appended as ten zero-padded digits.
    public var isSequential: Bool { self == .persistentSequential || self == .ephemeralSequential }
}
