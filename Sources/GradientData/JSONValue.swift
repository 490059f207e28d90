import Foundation

/// A parsed JSON document, kept untyped so that a spec's keys and types can be checked one by one.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else if let value = try? single.decode(String.self) {
            self = .string(value)
        } else if let value = try? single.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try single.decode([String: JSONValue].self))
        }
    }

    /// How the value is named in an error message ("a string", "an array", ...).
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return "a boolean (\(value))"
        case .number(let value): return "a number (\(value))"
        case .string(let value): return "a string (\"\(value.printable)\")"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
