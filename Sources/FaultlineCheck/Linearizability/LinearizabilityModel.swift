import FaultlineHistory

/// A sequential specification the linearizability checker searches against.
///
/// A model is a pure function from (state, input, output) to the next state, or nil when
/// that output is impossible from that state. The checker is generic over the model, so
/// the compiler specialises the search for each one: states are plain values compared and
/// hashed without boxing. To check your own object, conform a struct to this protocol;
/// `call(for:)` says how each history operation enters the search.
public protocol LinearizabilityModel: Sendable {
    /// What the object holds between operations. Equality must be exact: the search
    /// prunes a configuration it has seen before, so two states compare equal only when
    /// every future operation behaves the same from both.
    associatedtype State: Hashable
    /// What an operation asked for (read, write 3, cas 1 -> 4).
    associatedtype Input
    /// What the system answered (the value read, whether a cas applied).
    associatedtype Output

    /// The name `faultline check --model` and reports use.
    var name: String { get }
    /// True when operations on different `key`s are independent, so each key's
    /// subhistory is checked alone from `initialState` (P-compositionality: a history is
    /// linearizable iff every per-key subhistory is). A model that relates keys to each
    /// other returns false and reads the key from the operation itself.
    var partitionsByKey: Bool { get }
    var initialState: State { get }
    /// How one operation enters the search; throws for an operation the model does not
    /// know (wrong `f`, malformed value), naming it. Mutating so a model can intern
    /// values (give each distinct value a small number) before the search starts.
    mutating func call(for pair: OperationPair) throws(HistoryError) -> ModelCall<Input, Output>
    /// The state after `input` answered `output` in `state`, or nil when impossible.
    /// Must be a function of its arguments; it is mutating only so a model can cache
    /// or intern the states it computes (each partition searches with its own copy).
    mutating func step(_ state: State, _ input: Input, _ output: Output) -> State?
    /// True when the operation can never change any state: wherever `step` accepts it,
    /// it returns the state unchanged (a read, a get, a cas whose comparison failed).
    /// The search places such an operation as soon as it is legal and never tries
    /// alternatives to it, so answer true only when it holds for every state. The
    /// default, false, is always safe.
    func isReadOnly(_ input: Input, _ output: Output) -> Bool
    /// True when the operation overwrites: `step` accepts it in every state and the state
    /// after it does not depend on the state before (a plain write, a put). Lets the
    /// search skip placing it right after an indeterminate operation, whose effect it
    /// would erase. The default, false, is always safe.
    func isBlindWrite(_ input: Input, _ output: Output) -> Bool
    /// True when the operation only extends the state (an append), so that every state
    /// reached from s by such operations extends s; read-only operations qualify too.
    /// With `mayBecomeLegal(afterExtending:_:_:)` it lets the search abandon a
    /// configuration whose next read can no longer be satisfied. The default is false.
    func isExtending(_ input: Input, _ output: Output) -> Bool
    /// For a read-only operation: false only when no extension of `state` could make it
    /// legal (the string read does not start with the string held). The default is true.
    func mayBecomeLegal(afterExtending state: State, _ input: Input, _ output: Output) -> Bool
    /// A 64-bit hash of `state` for the search's memo table. The default uses `Hasher`;
    /// models with cheap states override it.
    func hash(_ state: State) -> UInt64
    /// The state in words for explanations ("register holds 3").
    func describe(_ state: State) -> String
    /// An operation in words for explanations ("cas 1 -> 4 failed").
    func describe(_ input: Input, _ output: Output) -> String
}

/// How an operation from a history takes part in the search.
public enum ModelCall<Input, Output> {
    /// It took effect, with this answer: it must be placed between its invocation and
    /// its completion.
    case required(Input, Output)
    /// It may have taken effect at any point after its invocation, or never (Jepsen's
    /// `info`, or no completion). `Output` is the answer the model accepts as unknown.
    case optional(Input, Output)
    /// It cannot change whether an order exists (a failed operation, a pending read),
    /// so it is left out. A model may omit only what it can argue is irrelevant.
    case omitted
}

extension LinearizabilityModel {
    public var partitionsByKey: Bool { true }
    public func isReadOnly(_ input: Input, _ output: Output) -> Bool { false }
    public func isBlindWrite(_ input: Input, _ output: Output) -> Bool { false }
    public func isExtending(_ input: Input, _ output: Output) -> Bool { false }
    public func mayBecomeLegal(afterExtending state: State, _ input: Input, _ output: Output) -> Bool { true }

    public func hash(_ state: State) -> UInt64 {
        var h = Hasher()
        h.combine(state)
        return UInt64(bitPattern: Int64(h.finalize()))
    }

    public func describe(_ state: State) -> String { String(describing: state) }
    public func describe(_ input: Input, _ output: Output) -> String { "\(input) -> \(output)" }
}

/// Errors models share: an operation the model does not know.
enum ModelErrors {
    static func unknown(_ pair: OperationPair, model: String, known: [String]) -> HistoryError {
        HistoryError(operationIndex: pair.invoke.index,
                     "the \(model) model has no operation :\(pair.f); it knows " + known.map { ":" + $0 }.joined(separator: ", "))
    }
    static func badValue(_ pair: OperationPair, model: String, expected: String, found: Value, completion: Bool = false) -> HistoryError {
        let op = completion ? (pair.completion ?? pair.invoke) : pair.invoke
        return HistoryError(operationIndex: op.index,
                            "the \(model) model expects \(expected) for :\(pair.f), found \(found)")
    }
}

/// Mixes 64 bits into 64 well-spread bits (the SplitMix64 / MurmurHash3 finaliser).
@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
