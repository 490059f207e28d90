/// A spec that cannot be used, with the file and the JSON path of the first problem.
///
/// Printed as one line: `zoo.json: networks[2].activatoin: unknown key (valid: name, activation, ...)`.
public struct SpecError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where the spec came from: a file path, or `zoo (built-in)`.
    public var source: String
    /// The JSON path of the offending value (`networks[2].activation`); empty for the whole document.
    public var path: String
    public var message: String

    public init(source: String, path: String, message: String) {
        self.source = source
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(source): \(message)" : "\(source): \(path): \(message)"
    }
}
