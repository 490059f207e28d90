/// A JSON value whose object keys keep the order they were given in, for files that diff well.
///
/// Large numeric tables are held as `floats` / `floatRows` rather than as one case per number.
enum OrderedJSON {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case floats([Float])
    case floatRows([[Float]])
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    /// The whole document, indented by two spaces; scalar arrays stay on one line.
    func text() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(to: &out, indent: 0)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    private func write(to out: inout [UInt8], indent: Int) {
        switch self {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let value): out.append(contentsOf: Array((value ? "true" : "false").utf8))
        case .int(let value): out.append(contentsOf: Array(String(value).utf8))
        case .double(let value): Self.appendNumber(value.isFinite ? value.description : nil, value, to: &out)
        case .string(let value): Self.appendString(value, to: &out)
        case .floats(let values): Self.appendFloats(values, to: &out)
        case .floatRows(let rows):
            if rows.isEmpty {
                out.append(contentsOf: Array("[]".utf8))
                return
            }
            out.append(contentsOf: Array("[\n".utf8))
            for (index, row) in rows.enumerated() {
                Self.appendIndent(indent + 1, to: &out)
                Self.appendFloats(row, to: &out)
                out.append(contentsOf: Array((index + 1 < rows.count ? ",\n" : "\n").utf8))
            }
            Self.appendIndent(indent, to: &out)
            out.append(UInt8(ascii: "]"))
        case .array(let items):
            if items.allSatisfy(\.isScalar) {
                out.append(UInt8(ascii: "["))
                for (index, item) in items.enumerated() {
                    if index > 0 { out.append(contentsOf: Array(", ".utf8)) }
                    item.write(to: &out, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            out.append(contentsOf: Array("[\n".utf8))
            for (index, item) in items.enumerated() {
                Self.appendIndent(indent + 1, to: &out)
                item.write(to: &out, indent: indent + 1)
                out.append(contentsOf: Array((index + 1 < items.count ? ",\n" : "\n").utf8))
            }
            Self.appendIndent(indent, to: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            if fields.isEmpty {
                out.append(contentsOf: Array("{}".utf8))
                return
            }
            out.append(contentsOf: Array("{\n".utf8))
            for (index, field) in fields.enumerated() {
                Self.appendIndent(indent + 1, to: &out)
                Self.appendString(field.0, to: &out)
                out.append(contentsOf: Array(": ".utf8))
                field.1.write(to: &out, indent: indent + 1)
                out.append(contentsOf: Array((index + 1 < fields.count ? ",\n" : "\n").utf8))
            }
            Self.appendIndent(indent, to: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private var isScalar: Bool {
        switch self {
        case .null, .bool, .int, .double, .string: return true
        default: return false
        }
    }

    private static func appendIndent(_ level: Int, to out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    private static func appendFloats(_ values: [Float], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendNumber(value.isFinite ? value.description : nil, Double(value), to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Writes a finite number's shortest round-trip text, or a non-finite one as a JSON string.
    private static func appendNumber(_ finiteText: String?, _ value: Double, to out: inout [UInt8]) {
        if let finiteText {
            out.append(contentsOf: finiteText.utf8)
        } else {
            appendString(NumberText.nonFinite(value), to: &out)
        }
    }

    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: Array("\\\"".utf8))
            case UInt8(ascii: "\\"): out.append(contentsOf: Array("\\\\".utf8))
            case UInt8(ascii: "\n"): out.append(contentsOf: Array("\\n".utf8))
            case UInt8(ascii: "\t"): out.append(contentsOf: Array("\\t".utf8))
            case UInt8(ascii: "\r"): out.append(contentsOf: Array("\\r".utf8))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The fixed, locale-independent text of numbers in history files.
public enum NumberText {
    /// `NaN`, `Infinity` or `-Infinity`: how history.json and history.csv write non-finite values.
    public static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity")
    }

    /// The shortest text that reads back as the same Float (`0.1`, `1e-12`), or `NaN` / `Infinity` / `-Infinity`.
    public static func float(_ value: Float) -> String {
        value.isFinite ? value.description : nonFinite(Double(value))
    }
}

extension NumberText {
    /// `value` with exactly `digits` decimals (`0.953`), locale-independent.
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        return String(format: "%.\(digits)f", locale: nil, value)
    }

    /// `value` in scientific notation with three significant digits (`1.23e-12`), locale-independent.
    public static func scientific(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        return String(format: "%.2e", locale: nil, value)
    }
}
