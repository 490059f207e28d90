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

    /// One line, whatever the spec held: line breaks inside quoted values are escaped.
    public var description: String {
        let line = path.isEmpty ? "\(source): \(message)" : "\(source): \(path): \(message)"
        return line.contains(where: \.isNewline) ? line.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: "\\n") : line
    }
}

extension String {
    /// The string as it may appear inside a one-line message: control characters escaped, long
    /// text cut to 60 characters with an ellipsis.
    var printable: String {
        var out = ""
        for scalar in unicodeScalars.prefix(61) {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return unicodeScalars.count > 60 ? String(out.prefix(60)) + "…" : out
    }
}
