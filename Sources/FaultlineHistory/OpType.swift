/// The four kinds of history entry, as Jepsen records them.
///
/// A client writes `invoke` when it sends a request, then exactly one completion:
/// `ok` (it happened, and the value is what the system answered), `fail` (it certainly
/// did not take effect), or `info` (indeterminate: a timeout or a lost connection, so it
/// may take effect at any time after its invocation, or never). After `info` the process
/// is considered crashed and never invokes again.
public enum OpType: String, Sendable, Hashable, CaseIterable {
    case invoke, ok, fail, info

    /// True for `ok`, `fail` and `info`: the entries that close an invocation.
    public var isCompletion: Bool { self != .invoke }
}
