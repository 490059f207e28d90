import Foundation

extension GradientHistory {
    /// Reads a history as vanish writes it, without Foundation's decoder: nil when the text holds
    /// anything this reader does not expect (then `decode` takes the general path, whose errors name
    /// the JSON path).
    ///
    /// Gives what the general path gives: numbers are rounded once to the nearest `Float`, the
    /// spec and each run's settings are decoded by `decoder` from their own text, and an unknown or
    /// repeated key, a number out of range or anything that is not JSON yields nil.
    static func readDirectly(_ data: Data, decoder: JSONDecoder) -> GradientHistory? {
        guard InputFile.firstInvalidUTF8Line(data) == nil else { return nil }
        var reader = HistoryReader(bytes: [UInt8](data), decoder: decoder)
        return try? reader.history()
    }
}

/// Something `HistoryReader` leaves to the general path.
private struct Unexpected: Error {}

/// A cursor over the bytes of a history.json that builds the history as it goes.
private struct HistoryReader {
    var parser: JSONParser
    let decoder: JSONDecoder

    init(bytes: [UInt8], decoder: JSONDecoder) {
        parser = JSONParser(bytes: bytes, maxDepth: 200)
        self.decoder = decoder
    }

    mutating func history() throws -> GradientHistory {
        var schema: Int?, spec: ExperimentSpec?, runs: [RunHistory]?
        var keys = KeyList()
        while let key = try nextKey(&keys) {
            switch key {
            case "schema": schema = try int()
            case "spec": spec = try decoded(ExperimentSpec.self)
            case "runs":
                var list: [RunHistory] = []
                var count = 0
                while try nextItem(&count) { list.append(try run()) }
                runs = list
            default: throw Unexpected()
            }
        }
        parser.skipSpace()
        guard parser.index == parser.bytes.count, let schema, let spec, let runs,
              GradientHistory.readableSchemas.contains(schema) else { throw Unexpected() }
        return GradientHistory(spec: spec, runs: runs, schema: schema)
    }

    mutating func run() throws -> RunHistory {
        var network: String?, seed: Int?, settings: RunSettings?, layers: [String]?, steps: [Int]?
        var stepsPerBucket: Int?, stats: LayerStats?, loss: [Float]?, trainAccuracy: [Float]?, testAccuracy: [Float]?
        var diverged: Int?, time: TimeStepRecord?
        var keys = KeyList()
        while let key = try nextKey(&keys) {
            switch key {
            case "network": network = try string()
            case "seed": seed = try int()
            case "settings": settings = try decoded(RunSettings.self)
            case "layers": layers = try list { try $0.string() }
            case "steps": steps = try list { try $0.int() }
            case "stepsPerBucket": stepsPerBucket = try null() ? nil : int()
            case "stats": stats = try layerStats()
            case "loss": loss = try floats()
            case "trainAccuracy": trainAccuracy = try floats()
            case "testAccuracy": testAccuracy = try floats()
            case "diverged": diverged = try null() ? nil : int()
            case "time": time = try decoded(TimeStepRecord.self)
            default: throw Unexpected()
            }
        }
        guard let network, let seed, let settings, let layers, let steps, let stats, let loss, let trainAccuracy,
              let testAccuracy else { throw Unexpected() }
        return RunHistory(network: network, seed: seed, settings: settings, layers: layers, steps: steps, stats: stats,
                          loss: loss, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy, diverged: diverged,
                          stepsPerBucket: stepsPerBucket ?? 1, time: time)
    }

    mutating func layerStats() throws -> LayerStats {
        var tables: [String: [[Float]]] = [:]
        var keys = KeyList()
        while let key = try nextKey(&keys) {
            switch key {
            case "weightGradNormMin", "weightGradNormMax":
                tables[key] = try null() ? [] : list { try $0.floats() }
            case _ where LayerStats.names.contains(key):
                tables[key] = try list { try $0.floats() }
            default: throw Unexpected()
            }
        }
        guard LayerStats.names.allSatisfy({ tables[$0] != nil }) else { throw Unexpected() }
        return LayerStats(
            weightGradNorm: tables["weightGradNorm"]!, biasGradNorm: tables["biasGradNorm"]!,
            deltaNorm: tables["deltaNorm"]!, activationMean: tables["activationMean"]!,
            activationStd: tables["activationStd"]!, saturatedFraction: tables["saturatedFraction"]!,
            deadFraction: tables["deadFraction"]!, updateRatio: tables["updateRatio"]!,
            weightGradNormMin: tables["weightGradNormMin"] ?? [], weightGradNormMax: tables["weightGradNormMax"] ?? [])
    }

    // MARK: - Structure

    /// The keys of one object read so far, to refuse a repeated key.
    struct KeyList {
        var seen: Set<String> = []
        var count = 0
    }

    /// The next key of an object (the cursor then at its value), or nil at the object's end.
    mutating func nextKey(_ keys: inout KeyList) throws -> String? {
        guard try next(&keys.count, open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) else { return nil }
        guard byte == UInt8(ascii: "\"") else { throw Unexpected() }
        let key = try parser.string()
        guard keys.seen.insert(key).inserted else { throw Unexpected() }
        parser.skipSpace()
        guard byte == UInt8(ascii: ":") else { throw Unexpected() }
        parser.index += 1
        parser.skipSpace()
        return key
    }

    /// Whether an array has another item (the cursor then at it); `count`: items so far.
    mutating func nextItem(_ count: inout Int) throws -> Bool {
        try next(&count, open: UInt8(ascii: "["), close: UInt8(ascii: "]"))
    }

    /// Steps past `open` (first item) or `,`; false, past `close`, at the end.
    mutating func next(_ count: inout Int, open: UInt8, close: UInt8) throws -> Bool {
        parser.skipSpace()
        if count == 0 {
            guard byte == open else { throw Unexpected() }
            parser.index += 1
            parser.skipSpace()
            if byte == close {
                parser.index += 1
                return false
            }
        } else if byte == close {
            parser.index += 1
            return false
        } else {
            guard byte == UInt8(ascii: ",") else { throw Unexpected() }
            parser.index += 1
            parser.skipSpace()
        }
        count += 1
        return true
    }

    /// The byte at the cursor; 0 at the end (never valid there).
    var byte: UInt8 { parser.index < parser.bytes.count ? parser.bytes[parser.index] : 0 }

    mutating func list<T>(_ item: (inout HistoryReader) throws -> T) throws -> [T] {
        var items: [T] = []
        var count = 0
        while try nextItem(&count) { items.append(try item(&self)) }
        return items
    }

    /// A value decoded by Foundation's decoder from its own text (the spec, a run's settings).
    mutating func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        let start = parser.index
        var depth = 0
        repeat {
            parser.skipSpace()
            switch byte {
            case 0: throw Unexpected()
            case UInt8(ascii: "\""): _ = try parser.string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                parser.index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                parser.index += 1
            default: parser.index += 1
            }
        } while depth > 0
        return try decoder.decode(T.self, from: Data(parser.bytes[start..<parser.index]))
    }

    // MARK: - Scalars

    /// True, past it, when the value is `null`.
    mutating func null() -> Bool {
        guard parser.bytes[parser.index...].starts(with: "null".utf8) else { return false }
        parser.index += 4
        return true
    }

    mutating func string() throws -> String {
        guard byte == UInt8(ascii: "\"") else { throw Unexpected() }
        return try parser.string()
    }

    /// A JSON integer without fraction or exponent, as `Int` decodes it.
    mutating func int() throws -> Int {
        let number = try scanNumber()
        guard !number.hasPoint, !number.hasExponent, number.significant <= 18 else { throw Unexpected() }
        let value = Int(number.mantissa)
        return number.negative ? -value : value
    }

    /// `[…]` of numbers and the strings `NaN`, `Infinity`, `-Infinity`.
    mutating func floats() throws -> [Float] {
        var values: [Float] = []
        var count = 0
        while try nextItem(&count) { values.append(try float()) }
        return values
    }

    /// A number rounded once to the nearest `Float`, or a non-finite one written as a string.
    ///
    /// A number whose digits and power of ten are exact doubles is computed in `Double` (correctly
    /// rounded there) and then rounded to `Float`; that second rounding is the correct one unless the
    /// double lies exactly halfway between two floats, which is left to `Float(_:)` (as are long
    /// numbers and large exponents). A number beyond Float's range is data, not an error: it
    /// overflows to infinity or underflows to zero (1e39 → ∞, 1e-50 → 0), as any float arithmetic would.
    mutating func float() throws -> Float {
        if byte == UInt8(ascii: "\"") {
            switch try parser.string() {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: throw Unexpected()
            }
        }
        let start = parser.index
        let number = try scanNumber()
        // Foundation refuses some zeros with an exponent (`0e1`, `-0.0e1`); vanish writes none.
        if number.mantissa == 0 && number.hasExponent { throw Unexpected() }
        var value: Float?
        if number.significant <= 15, abs(number.exponent) <= 22 {
            let power = Self.powersOfTen[abs(number.exponent)]
            let exact = number.exponent < 0 ? Double(number.mantissa) / power : Double(number.mantissa) * power
            let rounded = Float(exact)
            if Double(rounded) == exact {
                value = rounded
            } else {
                let neighbour = exact > Double(rounded) ? rounded.nextUp : rounded.nextDown
                if (Double(rounded) + Double(neighbour)) / 2 != exact { value = rounded }
            }
            if let magnitude = value { value = number.negative ? -magnitude : magnitude }
        }
        if value == nil {
            value = Float(String(decoding: parser.bytes[start..<parser.index], as: UTF8.self))
        }
        guard let value else { throw Unexpected() }
        return value
    }

    /// The parts of a JSON number at the cursor: sign, decimal digits as an integer (the first 19
    /// significant ones), the power of ten that scales them, and how many significant digits there were.
    mutating func scanNumber() throws -> (negative: Bool, mantissa: UInt64, exponent: Int, significant: Int, hasPoint: Bool, hasExponent: Bool) {
        let bytes = parser.bytes
        var index = parser.index
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] &- UInt8(ascii: "0") < 10 }
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard isDigit(index) else { throw Unexpected() }
        if bytes[index] == UInt8(ascii: "0") && isDigit(index + 1) { throw Unexpected() }
        var mantissa: UInt64 = 0, significant = 0, exponent = 0, point = false, hasExponent = false
        // Digits past the 19th significant one are dropped (and counted in the exponent before the point).
        func digit(_ i: Int, fraction: Bool) {
            let d = UInt64(bytes[i] &- UInt8(ascii: "0"))
            if mantissa > 0 || d > 0 { significant += 1 }
            if significant <= 19 {
                mantissa = mantissa * 10 + d
                if fraction { exponent -= 1 }
            } else if !fraction {
                exponent += 1
            }
        }
        while isDigit(index) {
            digit(index, fraction: false)
            index += 1
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            point = true
            index += 1
            guard isDigit(index) else { throw Unexpected() }
            while isDigit(index) {
                digit(index, fraction: true)
                index += 1
            }
        }
        if index < bytes.count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            hasExponent = true
            index += 1
            var negativeExponent = false
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard isDigit(index) else { throw Unexpected() }
            var written = 0
            while isDigit(index) {
                written = min(written * 10 + Int(bytes[index] &- UInt8(ascii: "0")), 100_000)
                index += 1
            }
            exponent += negativeExponent ? -written : written
        }
        parser.index = index
        return (negative, mantissa, exponent, significant, point, hasExponent)
    }

    /// 10⁰ … 10²², every one an exact double.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]
}
