/// A JSON value whose object keys keep the order they are given in, so reports have a stable key order.
enum JSONText {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONText])
    case object([(String, JSONText)])

    /// The value as text, indented by two spaces per level.
    func text(indent: Int = 0) -> String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .number(let value): return value.isFinite ? DecimalFormat.fixed(value, digits: 6) : "null"
        case .string(let value): return Self.quoted(value)
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            let inner = String(repeating: "  ", count: indent + 1)
            let lines = items.map { inner + $0.text(indent: indent + 1) }
            return "[\n" + lines.joined(separator: ",\n") + "\n" + String(repeating: "  ", count: indent) + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let inner = String(repeating: "  ", count: indent + 1)
            let lines = members.map { inner + Self.quoted($0.0) + ": " + $0.1.text(indent: indent + 1) }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + String(repeating: "  ", count: indent) + "}"
        }
    }

    /// `value` as a JSON string, control characters escaped.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension JSONText {
    /// A string, or null for nil.
    static func optional(_ value: String?) -> JSONText { value.map { .string($0) } ?? .null }
    /// An integer, or null for nil.
    static func optional(_ value: Int?) -> JSONText { value.map { .int($0) } ?? .null }
}
