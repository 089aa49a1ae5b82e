import FaultlineHistory

/// What one checker concluded, as data (Jepsen style): a verdict and the evidence a person
/// can follow, never a bare `false`.
///
/// Scenario reports show one `CheckResult` per check. `passed` is three-valued because a
/// checker with a budget can honestly run out of it: `nil` means unknown, not valid.
public struct CheckResult: Sendable, Hashable {
    /// The check's name, e.g. "linearizable (cas-register)" or "lost writes".
    public var name: String
    /// true: the property holds; false: it is violated; nil: unknown within the budget.
    public var passed: Bool?
    /// One line of summary, then the explanation, in plain text.
    public var detail: String
    /// The operations the verdict rests on: the ones that cannot be ordered, the lost
    /// writes, the overlapping lock holds. Empty when the check passed.
    public var evidence: [Operation]
    /// Named figures in a fixed order: "lost" 2, "duplicated" 0, "steps" 1234, ...
    public var counts: [Count]

    public struct Count: Sendable, Hashable {
        public var name: String
        public var value: Int
        public init(_ name: String, _ value: Int) { self.name = name; self.value = value }
    }

    public init(name: String, passed: Bool?, detail: String, evidence: [Operation] = [], counts: [Count] = []) {
        self.name = name; self.passed = passed; self.detail = detail; self.evidence = evidence; self.counts = counts
    }

    public var verdict: Verdict { passed.map { $0 ? .valid : .invalid } ?? .unknown }

    /// The figure called `name`, if the checker reported one.
    public func count(_ name: String) -> Int? { counts.first(where: { $0.name == name })?.value }
}

/// Jepsen's three answers.
public enum Verdict: String, Sendable, Hashable {
    case valid, invalid, unknown
}

extension CheckResult: CustomStringConvertible {
    /// `name: valid|INVALID|unknown` then the detail, indented.
    public var description: String {
        let head = "\(name): " + (passed == true ? "valid" : passed == false ? "INVALID" : "unknown")
        let body = detail.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        return detail.isEmpty ? head : head + "\n" + body
    }
}
