/// A scenario file that cannot be run: names the file, the JSON path of the field and what
/// was expected there. The CLI prints it and exits with code 2.
public struct ScenarioError: Error, Sendable, CustomStringConvertible, Equatable {
    public let file: String
    /// `workload.clients`, `faults[2].target`; empty for the document itself.
    public let path: String
    public let message: String

    public init(file: String, path: String, _ message: String) {
        self.file = file; self.path = path; self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
    }
}
