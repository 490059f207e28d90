import Foundation

extension Dataset {
    /// Reads a numeric CSV text: rows of feature columns and one integer label column.
    ///
    /// Works on the UTF-8 bytes: a line ends at `\n`, `\r\n` or `\r`; lines of only white space are
    /// skipped but keep their number for error messages; each field is trimmed of white space. A first
    /// line with a field that is not a number is the header. A line holding non-ASCII bytes is split
    /// and trimmed as Unicode text (`Character`s, Unicode white space), so any text reads as a
    /// `String`-based reader would read it; numbers are parsed as `Float(_:)` and `Int32(_:)` parse them.
    static func parseCSV(_ data: Data, source: String, labelColumn: String) throws -> Dataset {
        var bytes = [UInt8](data)
        if bytes.contains(where: { $0 >= 0x80 }) {
            guard let text = String(data: data, encoding: .utf8) else {
                let line = InputFile.firstInvalidUTF8Line(data).map { " (line \($0) holds a byte that is not UTF-8)" } ?? ""
                throw DatasetError(source: source, message: "not UTF-8 text\(line)")
            }
            bytes = Array(text.utf8)
        }
        var reader = CSVTableReader(source: source, labelColumn: labelColumn)
        try bytes.withUnsafeBufferPointer { try reader.read($0) }
        return try reader.dataset()
    }
}

/// The state of `Dataset.parseCSV` while it reads the lines of a file one by one.
private struct CSVTableReader {
    let source: String
    let labelColumn: String
    /// Fields of the first data line; set by the first non-blank line.
    var columns = 0
    var label = 0
    var features: [Float] = []
    var labels: [Int32] = []
    /// The byte ranges of the current line's trimmed fields.
    var fields: [Range<Int>] = []
    /// The UTF-8 of the current line's fields when the line is not ASCII.
    var unicodeFields: [UInt8] = []

    init(source: String, labelColumn: String) {
        self.source = source
        self.labelColumn = labelColumn
    }

    func fail(_ message: String) -> DatasetError { DatasetError(source: source, message: message) }

    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var lineNumber = 0
        var start = 0
        while start < bytes.count || (start == bytes.count && lineNumber == 0) {
            var end = start
            var ascii = true
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") {
                if bytes[end] >= 0x80 { ascii = false }
                end += 1
            }
            lineNumber += 1
            var next = end + 1
            if end + 1 < bytes.count, bytes[end] == UInt8(ascii: "\r"), bytes[end + 1] == UInt8(ascii: "\n") { next += 1 }
            if ascii {
                try line(bytes, start..<end, number: lineNumber)
            } else {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                try unicodeLine(text, number: lineNumber)
            }
            start = next
        }
        if columns == 0 { throw fail("no rows") }
    }

    /// An ASCII line: blank, or fields split at commas and trimmed of ASCII white space.
    mutating func line(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, number: Int) throws {
        guard range.contains(where: { !Self.isSpace(bytes[$0]) }) else { return }
        fields.removeAll(keepingCapacity: true)
        var fieldStart = range.lowerBound
        for index in range.lowerBound...range.upperBound where index == range.upperBound || bytes[index] == UInt8(ascii: ",") {
            var low = fieldStart, high = index
            while low < high, Self.isSpace(bytes[low]) { low += 1 }
            while high > low, Self.isSpace(bytes[high - 1]) { high -= 1 }
            fields.append(low..<high)
            fieldStart = index + 1
        }
        try row(bytes, number: number)
    }

    /// A line with non-ASCII text: split at `Character`s that are commas, trimmed of Unicode white space.
    mutating func unicodeLine(_ text: String, number: Int) throws {
        if text.allSatisfy(\.isWhitespace) { return }
        unicodeFields.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        for cell in text.split(separator: ",", omittingEmptySubsequences: false) {
            let start = unicodeFields.count
            unicodeFields.append(contentsOf: cell.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
            fields.append(start..<unicodeFields.count)
        }
        let copy = unicodeFields
        try copy.withUnsafeBufferPointer { try row($0, number: number) }
    }

    /// One non-blank line's fields (`fields`, ranges in `bytes`): the header, or a row of data.
    mutating func row(_ bytes: UnsafeBufferPointer<UInt8>, number: Int) throws {
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        if columns == 0 {
            columns = fields.count
            let isHeader = fields.contains { !CSVNumber.isNumber(UnsafeBufferPointer(rebasing: bytes[$0])) }
            guard columns >= 2 else { throw fail("needs a label and at least one feature") }
            try findLabel(header: isHeader ? fields.map(text) : nil)
            if isHeader { return }
        }
        guard fields.count == columns else {
            throw fail("line \(number): \(fields.count) fields, expected \(columns)")
        }
        for (column, range) in fields.enumerated() {
            let field = UnsafeBufferPointer(rebasing: bytes[range])
            if column == label {
                guard let value = CSVNumber.int32(field), value >= 0 else {
                    throw fail("line \(number): label '\(text(range))' is not a class number (an integer 0, 1, 2, …)")
                }
                labels.append(value)
            } else {
                guard let value = CSVNumber.float(field), value.isFinite else {
                    throw fail("line \(number), column \(column + 1): '\(text(range))' is not a number")
                }
                features.append(value)
            }
        }
    }

    mutating func findLabel(header: [String]?) throws {
        switch labelColumn {
        case "last": label = columns - 1
        case "first": label = 0
        default:
            if let index = Int(labelColumn), (0..<columns).contains(index) {
                label = index
            } else if let header, let index = header.firstIndex(of: labelColumn) {
                label = index
            } else {
                throw fail("no label column '\(labelColumn)' "
                    + "(use first, last, a 0-based index below \(columns) or a header name)")
            }
        }
    }

    func dataset() throws -> Dataset {
        guard labels.count >= 2 else { throw fail("needs at least two rows of data, found \(labels.count)") }
        let classCount = Int(labels.max() ?? 0) + 1
        return Dataset(features: features, labels: labels, featureCount: columns - 1, classCount: classCount)
    }

    /// ASCII white space as `Character.isWhitespace` sees it: tab, line feed, vertical tab, form feed,
    /// carriage return, space.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
}

/// Numbers in CSV fields, read from their UTF-8 bytes without making a `String` in the usual case.
enum CSVNumber {
    /// `Float(text)`: a plain decimal (`-12.5`, `16`) is computed directly, anything else by `Float(_:)`.
    ///
    /// With at most 7 significant digits and 10 decimals, the digits and the power of ten are exact
    /// floats, so one division rounds correctly, as a full parse does (Clinger's fast path).
    static func float(_ field: UnsafeBufferPointer<UInt8>) -> Float? {
        if let (negative, digits, decimals) = plainDecimal(field, maxDigits: 7), decimals <= 10 {
            let magnitude = Float(digits) / powersOfTen[decimals]
            return negative ? -magnitude : magnitude
        }
        return Float(String(decoding: field, as: UTF8.self))
    }

    /// Whether `Double(text)` reads the field (the header test).
    static func isNumber(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        plainDecimal(field, maxDigits: .max) != nil || Double(String(decoding: field, as: UTF8.self)) != nil
    }

    /// `Int32(text)`: up to 9 digits with an optional `-` directly, anything else by `Int32(_:)`.
    static func int32(_ field: UnsafeBufferPointer<UInt8>) -> Int32? {
        if let (negative, digits, decimals) = plainDecimal(field, maxDigits: 9), decimals == 0 {
            return negative ? -Int32(digits) : Int32(digits)
        }
        return Int32(String(decoding: field, as: UTF8.self))
    }

    /// `-?[0-9]+(\.[0-9]+)?` with at most `maxDigits` significant digits (leading zeros do not count):
    /// the digits as an integer (meaningful up to 18 of them) and how many follow the point; nil for
    /// any other text.
    static func plainDecimal(_ field: UnsafeBufferPointer<UInt8>, maxDigits: Int) -> (negative: Bool, digits: Int, decimals: Int)? {
        let negative = field.first == UInt8(ascii: "-")
        var index = negative ? 1 : 0
        var value = 0, significant = 0, decimals = 0, sawDigit = false, sawPoint = false
        while index < field.count {
            let byte = field[index]
            if byte == UInt8(ascii: ".") {
                // A point needs a digit on either side.
                guard !sawPoint, sawDigit, index + 1 < field.count else { return nil }
                sawPoint = true
            } else {
                let digit = Int(byte) &- 48
                guard digit >= 0, digit <= 9 else { return nil }
                sawDigit = true
                if value > 0 || digit > 0 { significant += 1 }
                guard significant <= maxDigits else { return nil }
                if significant <= 18 { value = value * 10 + digit }
                if sawPoint { decimals += 1 }
            }
            index += 1
        }
        return sawDigit ? (negative, value, decimals) : nil
    }

    static let powersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]
}
