import Foundation

/// A grid of settings a spec trains every network at: `"sweep": {"weightVariance": {"from": 1, "to": 4,
/// "count": 25}, "depth": [10, 20, 30]}`.
///
/// Each axis sets one network key; the grid is the product of the axes, crossed with the networks
/// (outermost) and the seeds (innermost). Axes nest in `SweepAxis.Key` order whatever order the JSON
/// object lists them in, so a spec's runs have one order.
public struct ParameterSweep: Sendable, Hashable {
    /// The axes in `SweepAxis.Key` order, each key at most once.
    public var axes: [SweepAxis]

    public init(axes: [SweepAxis]) {
        self.axes = axes.sorted { $0.key.order < $1.key.order }
    }

    /// The most runs (networks × grid points × seeds) a spec may ask for: beyond it a typo (a count
    /// of 1000 for 10) would train for days and write gigabytes.
    public static let maxRuns = 100_000

    /// The number of grid points: the product of the axes' sizes (saturating).
    public var pointCount: Int {
        axes.reduce(1) { ExperimentSpec.saturatingProduct($0, $1.values.count) }
    }

    /// Every grid point, the first axis outermost, the last changing fastest.
    public var points: [SweepPoint] {
        var points = [SweepPoint(coordinates: [])]
        for axis in axes {
            points = points.flatMap { point in
                axis.values.map { SweepPoint(coordinates: point.coordinates + [SweepCoordinate(key: axis.key, value: $0)]) }
            }
        }
        return points
    }

    /// The axis with `key`, if the sweep has one.
    public func axis(_ key: SweepAxis.Key) -> SweepAxis? { axes.first { $0.key == key } }
}

/// One axis of a sweep: a network key and its values.
public struct SweepAxis: Sendable, Hashable {
    /// The network keys a sweep can set, in the order axes nest and run names list them.
    public enum Key: String, Sendable, Hashable, CaseIterable, Codable {
        case weightVariance, biasVariance, depth, width, batchSize, steps, learningRate

        var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        /// Whether the key takes whole numbers only.
        public var isInteger: Bool { [.depth, .width, .batchSize, .steps].contains(self) }

        /// How a run name writes the key: `σw²`, `σb²`, `depth`, `lr`.
        public var label: String {
            switch self {
            case .weightVariance: return "σw²"
            case .biasVariance: return "σb²"
            case .batchSize: return "batch"
            case .learningRate: return "lr"
            default: return rawValue
            }
        }
    }

    /// How the spec gave the values: a list, or `count` evenly spaced from `from` to `to`, both included.
    public enum Values: Sendable, Hashable {
        case list([Double])
        case range(from: Double, to: Double, count: Int)
    }

    public var key: Key
    public var given: Values

    public init(key: Key, given: Values) {
        self.key = key
        self.given = given
    }

    /// The axis's values in order. A range's inner points are `from + i (to − from) / (count − 1)`,
    /// its ends exactly `from` and `to`.
    public var values: [Double] {
        switch given {
        case .list(let values): return values
        case .range(let from, let to, let count):
            guard count > 1 else { return count == 1 ? [from] : [] }
            return (0..<count).map { i in
                i == count - 1 ? to : from + Double(i) * (to - from) / Double(count - 1)
            }
        }
    }
}

/// A swept key and its value at one grid point.
public struct SweepCoordinate: Sendable, Hashable {
    public var key: SweepAxis.Key
    public var value: Double

    public init(key: SweepAxis.Key, value: Double) {
        self.key = key
        self.value = value
    }

    /// `σw²=1.5`, `depth=20`: the value to 6 significant digits, whole numbers without a point.
    public var text: String { "\(key.label)=\(Self.number(value))" }

    /// A value as a run name and a figure print it: `1.5`, `20`, `0.05`, `1.625`.
    public static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        let rounded = Double(String(format: "%.6g", value)) ?? value
        return "\(rounded)"
    }
}

/// A run's place in its spec's sweep: one coordinate per axis, in axis order.
///
/// In a history (`RunSettings.sweepPoint`) it is an object, `{"weightVariance": 1.5, "depth": 20}`.
public struct SweepPoint: Sendable, Hashable {
    public var coordinates: [SweepCoordinate]

    public init(coordinates: [SweepCoordinate]) {
        self.coordinates = coordinates
    }

    /// The value of `key` at this point, if it is swept.
    public subscript(key: SweepAxis.Key) -> Double? { coordinates.first { $0.key == key }?.value }

    /// `tanh σw²=1.5 depth=20`: the name of network `network`'s run at this point.
    public func runName(_ network: String) -> String {
        ([network] + coordinates.map(\.text)).joined(separator: " ")
    }
}

extension SweepPoint: Codable {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        var coordinates: [SweepCoordinate] = []
        for codingKey in c.allKeys {
            guard let key = SweepAxis.Key(rawValue: codingKey.stringValue) else {
                throw DecodingError.dataCorruptedError(
                    forKey: codingKey, in: c, debugDescription: "unknown sweep axis '\(codingKey.stringValue)'")
            }
            coordinates.append(SweepCoordinate(key: key, value: try c.decode(Double.self, forKey: codingKey)))
        }
        // A JSON object's keys come in no set order: the axes' order is the one runs use.
        self.init(coordinates: coordinates.sorted { $0.key.order < $1.key.order })
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for coordinate in coordinates { try c.encode(coordinate.value, forKey: AnyKey(stringValue: coordinate.key.rawValue)) }
    }

    var orderedJSON: OrderedJSON { .object(coordinates.map { ($0.key.rawValue, .double($0.value)) }) }
}

extension ParameterSweep: Codable {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Range: Codable {
        var from: Double
        var to: Double
        var count: Int
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        var axes: [SweepAxis] = []
        for codingKey in c.allKeys {
            guard let key = SweepAxis.Key(rawValue: codingKey.stringValue) else {
                throw DecodingError.dataCorruptedError(
                    forKey: codingKey, in: c, debugDescription: "unknown sweep axis '\(codingKey.stringValue)'")
            }
            if let list = try? c.decode([Double].self, forKey: codingKey) {
                axes.append(SweepAxis(key: key, given: .list(list)))
            } else {
                let range = try c.decode(Range.self, forKey: codingKey)
                axes.append(SweepAxis(key: key, given: .range(from: range.from, to: range.to, count: range.count)))
            }
        }
        self.init(axes: axes)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for axis in axes {
            let key = AnyKey(stringValue: axis.key.rawValue)
            switch axis.given {
            case .list(let values): try c.encode(values, forKey: key)
            case .range(let from, let to, let count): try c.encode(Range(from: from, to: to, count: count), forKey: key)
            }
        }
    }

    var orderedJSON: OrderedJSON {
        .object(axes.map { axis in
            switch axis.given {
            case .list(let values):
                return (axis.key.rawValue, .array(values.map { axis.key.isInteger ? .int(Int($0)) : .double($0) }))
            case .range(let from, let to, let count):
                let number: (Double) -> OrderedJSON = { axis.key.isInteger ? .int(Int($0)) : .double($0) }
                return (axis.key.rawValue, .object([("from", number(from)), ("to", number(to)), ("count", .int(count))]))
            }
        })
    }
}

extension ExperimentSpec {
    /// The runs of a spec with a `sweep`: each network at every grid point, named by its coordinates,
    /// with the swept keys set. Sweeping a variance puts the network on the variance initialisation,
    /// the other variance taken from its `init` object (or the spec's), else 0.
    func sweptNetworks(_ sweep: ParameterSweep) -> [NetworkSpec] {
        let points = sweep.points
        return networks.flatMap { network in
            points.map { point in
                var copy = network
                copy.name = point.runName(network.name)
                copy.sweepPoint = point
                for coordinate in point.coordinates { apply(coordinate, to: &copy) }
                return copy
            }
        }
    }

    /// Sets the key `coordinate` sweeps in `network`.
    private func apply(_ coordinate: SweepCoordinate, to network: inout NetworkSpec) {
        let value = coordinate.value
        switch coordinate.key {
        case .weightVariance, .biasVariance:
            var variances = (network.`init` ?? `init`).variances ?? InitVariances(weightVariance: 0, biasVariance: 0)
            if coordinate.key == .weightVariance { variances.weightVariance = value } else { variances.biasVariance = value }
            network.`init` = .variances(variances)
        case .depth: network.depth = Int(value)
        case .width: network.width = Int(value)
        case .batchSize: network.batchSize = Int(value)
        case .steps:
            network.steps = Int(value)
            network.epochs = nil
        case .learningRate:
            var optimizer = network.optimizer ?? self.optimizer
            optimizer.learningRate = value
            network.optimizer = optimizer
        }
    }

    /// The index in `networks` of the network that run `expandedIndex` of `expandedNetworks` trains.
    public func sourceNetworkIndex(ofExpanded expandedIndex: Int) -> Int {
        if let sweep { return expandedIndex / max(1, sweep.pointCount) }
        if let depths { return expandedIndex / max(1, depths.count) }
        return expandedIndex
    }

    /// The index in `networks` of the network a sweep's run trains (by its name and grid point); nil outside a sweep.
    public func sweptNetworkIndex(of run: RunHistory) -> Int? {
        guard sweep != nil, let point = run.settings.sweepPoint else { return nil }
        return networks.firstIndex { point.runName($0.name) == run.network }
    }

    /// The steps a sweep's run records (a summary): step 0, the middle step and the last.
    public static func summarySteps(steps: Int) -> [Int] {
        Array(Set([0, steps / 2, max(0, steps - 1)])).sorted()
    }

    /// Checks the sweep: every axis has values of its kind, the grid is not empty and not too large.
    func validateSweep(_ sweep: ParameterSweep, source: String) throws {
        func fail(_ path: String, _ message: String) -> SpecError { SpecError(source: source, path: path, message: message) }
        if isRecurrent { throw fail("sweep", "sweeps train MLPs; a recurrent spec (one with a \"task\") takes none") }
        if sweep.axes.isEmpty { throw fail("sweep", "names no axis; sweep one of \(SweepAxis.Key.allCases.map(\.rawValue).joined(separator: ", "))") }
        if depths != nil { throw fail("sweep", "\"depths\" and \"sweep\" both make a grid; give the depths as the sweep's \"depth\" axis") }
        for axis in sweep.axes {
            let path = "sweep.\(axis.key.rawValue)"
            let values = axis.values
            if values.isEmpty { throw fail(path, "has no values: the grid would be empty") }
            if case .range(_, _, let count) = axis.given, count < 1 { throw fail("\(path).count", "must be at least 1, found \(count)") }
            for (i, value) in values.enumerated() {
                let at = { () -> String in
                    if case .list = axis.given { return "\(path)[\(i)]" }
                    return "\(path) (value \(i + 1) of \(values.count))"
                }
                switch axis.key {
                case .weightVariance, .biasVariance:
                    if value < 0 { throw fail(at(), "a variance must be 0 or more, found \(SweepCoordinate.number(value))") }
                case .learningRate:
                    if value <= 0 { throw fail(at(), "must be greater than 0, found \(SweepCoordinate.number(value))") }
                case .depth, .width, .batchSize, .steps:
                    if value != value.rounded() || value < 1 || value > 1e9 {
                        throw fail(at(), "\(axis.key.rawValue) takes whole numbers from 1, found \(SweepCoordinate.number(value))")
                    }
                }
                if values[..<i].contains(value) {
                    throw fail(at(), "\(SweepCoordinate.number(value)) is on the axis twice; every grid point trains once")
                }
            }
            let texts = values.map { SweepCoordinate(key: axis.key, value: $0).text }
            for (i, text) in texts.enumerated() where texts[..<i].contains(text) {
                throw fail(path, "two values print as '\(text)' (6 significant digits): run names would repeat; space the values further")
            }
        }
        let runs = [networks.count, sweep.pointCount, seeds.count].reduce(1) { ExperimentSpec.saturatingProduct($0, $1) }
        if runs > ParameterSweep.maxRuns {
            let sizes = sweep.axes.map { "\($0.values.count) \($0.key.rawValue)" }.joined(separator: " × ")
            throw fail("sweep", "\(sizes) × \(networks.count) network(s) × \(seeds.count) seed(s) = \(runs) runs, "
                + "more than the \(ParameterSweep.maxRuns) one spec may train; use fewer values or seeds")
        }
    }
}

extension SpecFieldReader {
    /// The `sweep` object: each key a `SweepAxis.Key`, each value a list of numbers or `{"from", "to", "count"}`.
    func sweep(_ value: JSONValue, _ path: String) throws -> ParameterSweep {
        let allowed = SweepAxis.Key.allCases.map(\.rawValue)
        guard case .object(let fields) = value else {
            throw fail(path, "expected an object of axes, e.g. {\"weightVariance\": {\"from\": 1, \"to\": 4, \"count\": 25}, \"depth\": [10, 20]}, found \(value.kindDescription)")
        }
        for key in fields.keys.sorted() where !allowed.contains(key) {
            let networkKey = SpecFieldReader.networkKeys.contains(key) ? " (\(key) is a network key a sweep cannot set)" : ""
            throw fail(Self.join(path, key), "unknown sweep axis\(NameSuggestion.hint(for: key, among: allowed))\(networkKey) "
                + "(valid: \(allowed.joined(separator: ", ")))")
        }
        var axes: [SweepAxis] = []
        for key in SweepAxis.Key.allCases {
            guard let axisValue = fields[key.rawValue] else { continue }
            let axisPath = Self.join(path, key.rawValue)
            switch axisValue {
            case .array(let items):
                if items.isEmpty { throw fail(axisPath, "has no values: the grid would be empty") }
                let values = try items.enumerated().map { try double($0.element, "\(axisPath)[\($0.offset)]") }
                axes.append(SweepAxis(key: key, given: .list(values)))
            case .object:
                let range = try object(axisValue, path: axisPath, allowed: ["from", "to", "count"])
                let from = try required(range, "from", double, path: axisPath)
                let to = try required(range, "to", double, path: axisPath)
                let count = try required(range, "count", int, path: axisPath)
                if count < 1 { throw fail(Self.join(axisPath, "count"), "must be at least 1, found \(count): the grid would be empty") }
                if count == 1, from != to {
                    throw fail(Self.join(axisPath, "count"), "1 value cannot run from \(SweepCoordinate.number(from)) to \(SweepCoordinate.number(to)); give count 2 or more, or a list")
                }
                if count > ParameterSweep.maxRuns {
                    throw fail(Self.join(axisPath, "count"), "\(count) values: more than the \(ParameterSweep.maxRuns) runs one spec may train")
                }
                axes.append(SweepAxis(key: key, given: .range(from: from, to: to, count: count)))
            default:
                throw fail(axisPath, "expected a list of values or {\"from\": …, \"to\": …, \"count\": …}, found \(axisValue.kindDescription)")
            }
        }
        return ParameterSweep(axes: axes)
    }
}
