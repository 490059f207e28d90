import Foundation

/// A gradient log that cannot be imported: the file, the line, and what is wrong, on one line.
public struct GradientLogError: Error, CustomStringConvertible, Sendable, Equatable {
    public var source: String
    /// The line of the file (1 = the header), nil for a problem of the whole file.
    public var line: Int?
    public var message: String

    public init(source: String, line: Int?, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(source), line \($0): \(message)" } ?? "\(source): \(message)"
    }
}

/// Per-layer gradient logs from any framework (a CSV with one row per network, step and layer) as a history.
///
/// Required columns: `network`, `step`, `layer`, `weightGradNorm`. Optional: `seed`, the other recorded
/// statistics (`biasGradNorm`, `deltaNorm`, `activationMean`, `activationStd`, `saturatedFraction`,
/// `deadFraction`, `updateRatio`), `loss` and `trainAccuracy` (per step; the first value of a step counts).
/// vanish's own `history.csv` is such a log. Layers keep the order in which they first appear; the last
/// one is taken as the output layer.
public enum GradientLogImport {
    public static let requiredColumns = ["network", "step", "layer", "weightGradNorm"]
    public static let optionalColumns = ["seed"] + Array(LayerStats.names.dropFirst()) + ["loss", "trainAccuracy"]

    /// Whether `path` names a gradient log rather than a history.json (it ends in `.csv`).
    public static func isGradientLog(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".csv")
    }

    /// The history in the gradient log at `url`; errors name the file.
    public static func load(contentsOf url: URL) throws -> GradientHistory {
        let data: Data
        do {
            data = try InputFile.read(url, allowEmpty: true)
        } catch {
            throw GradientLogError(source: url.relativePath, line: nil, message: error.message)
        }
        return try read(data, source: url.relativePath)
    }

    /// The history a gradient log holds: one run per (network, seed), in order of first appearance.
    ///
    /// - Parameter source: the file's path; errors name it, and the history's spec names its file.
    /// - Throws: `GradientLogError` for the first problem: a missing or unknown column, a value that
    ///   is not a number, a step that goes backwards within a run, a repeated (network, seed, step, layer),
    ///   a step without a row for every layer, or an empty file.
    public static func read(_ data: Data, source: String) throws -> GradientHistory {
        func fail(_ line: Int?, _ message: String) -> GradientLogError {
            GradientLogError(source: source, line: line, message: message)
        }
        guard var text = String(data: data, encoding: .utf8) else { throw fail(nil, "not UTF-8 text") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let records = try CSVRecords.parse(text, fail: fail)
        guard let header = records.first else {
            throw fail(nil, "empty file (expected a header: \(requiredColumns.joined(separator: ",")), …)")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        // A log with a time-step column is a recurrent network's (vanish's own recurrent history.csv).
        if names.contains("timeStep") { return try readRecurrent(records, names: names, source: source, fail: fail) }
        let valid = requiredColumns + optionalColumns
        for (i, name) in names.enumerated() {
            if !valid.contains(name) {
                throw fail(header.line, "unknown column '\(name)' (valid: \(valid.joined(separator: ", ")))")
            }
            if names[..<i].contains(name) { throw fail(header.line, "column '\(name)' appears twice") }
        }
        if let missing = requiredColumns.first(where: { !names.contains($0) }) {
            throw fail(header.line, "missing required column '\(missing)' (required: \(requiredColumns.joined(separator: ", ")))")
        }
        guard records.count > 1 else { throw fail(nil, "no rows after the header") }
        func column(_ name: String) -> Int? { names.firstIndex(of: name) }
        let statColumns = LayerStats.names.map(column)
        let lossColumn = column("loss"), accuracyColumn = column("trainAccuracy"), seedColumn = column("seed")

        var builders: [RunBuilder] = []
        // Found by hash, not by search: a log may hold thousands of runs.
        var builderIndex: [RunKey: Int] = [:]
        for record in records.dropFirst() {
            let line = record.line
            let f = record.fields
            guard f.count == names.count else {
                throw fail(line, "\(f.count) fields, expected \(names.count) (one per header column)")
            }
            func field(_ name: String) -> String { column(name).map { f[$0].trimmingCharacters(in: .whitespaces) } ?? "" }
            let network = field("network"), layer = field("layer")
            if network.isEmpty { throw fail(line, "empty network name") }
            if layer.isEmpty { throw fail(line, "empty layer name") }
            let step = try integer(field("step"), "step", line: line, fail: fail)
            let seed = seedColumn == nil ? 0 : try integer(field("seed"), "seed", line: line, fail: fail)
            var stats: [Float?] = []
            for (k, index) in statColumns.enumerated() {
                guard let index else {
                    stats.append(nil)
                    continue
                }
                let value = try number(f[index], LayerStats.names[k], line: line, fail: fail)
                if k == 0, value == nil { throw fail(line, "empty weightGradNorm (required on every row)") }
                stats.append(value)
            }
            let loss = try lossColumn.flatMap { try number(f[$0], "loss", line: line, fail: fail) }
            let accuracy = try accuracyColumn.flatMap { try number(f[$0], "trainAccuracy", line: line, fail: fail) }

            let index: Int
            if let found = builderIndex[RunKey(network: network, seed: seed)] {
                index = found
            } else {
                builders.append(RunBuilder(network: network, seed: seed))
                index = builders.count - 1
                builderIndex[RunKey(network: network, seed: seed)] = index
            }
            try builders[index].add(step: step, layer: layer, stats: stats, loss: loss, accuracy: accuracy,
                                    line: line, fail: fail)
        }
        let runs = try builders.map { try $0.history(source: source, fail: fail) }
        return GradientHistory(spec: spec(for: runs, source: source), runs: runs)
    }

    /// The spec of an imported history: names the file; its training fields are placeholders.
    public static func spec(for runs: [RunHistory], source: String) -> ExperimentSpec {
        let file = URL(fileURLWithPath: source).lastPathComponent
        var name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        while name.hasPrefix(".") { name.removeFirst() }
        if name.isEmpty { name = "imported" }
        var networks: [NetworkSpec] = []
        for run in runs where !networks.contains(where: { $0.name == run.network }) {
            networks.append(NetworkSpec(name: run.network, activation: run.settings.activation))
        }
        var seeds: [Int] = []
        for run in runs where !seeds.contains(run.seed) { seeds.append(run.seed) }
        return ExperimentSpec(
            name: name, title: "Gradients imported from \(file)", dataset: .csv(path: file, labelColumn: ""),
            depth: max(0, (runs.map(\.layers.count).max() ?? 1) - 1), width: 0, batchSize: 0,
            epochs: nil, steps: runs.map(\.settings.steps).max(), optimizer: placeholderOptimizer, init: .xavierNormal,
            seeds: seeds, recordEvery: 1, networks: networks, importedFrom: file)
    }

    static let placeholderOptimizer = OptimizerSpec(kind: .sgd, learningRate: 0)

    static func integer(_ text: String, _ name: String, line: Int, fail: (Int?, String) -> GradientLogError) throws -> Int {
        let t = text.trimmingCharacters(in: .whitespaces)
        let largest = GradientHistory.largestStep
        if let n = Int(t), n >= 0 {
            guard n <= largest else { throw fail(line, "\(name) \(t) is larger than \(largest) (2^53), the largest vanish reads") }
            return n
        }
        // Some writers (pandas) print integer columns as 12.0.
        if let d = Double(t), d.isFinite, d >= 0, d.rounded() == d {
            guard d <= Double(largest) else { throw fail(line, "\(name) \(t) is larger than \(largest) (2^53), the largest vanish reads") }
            return Int(d)
        }
        if t.isEmpty { throw fail(line, "empty \(name)") }
        throw fail(line, "\(name) '\(t)' is not a whole number of 0 or more")
    }

    /// A number, nil for an empty field; `nan`, `inf`, `-inf` (any case) are kept as they are.
    static func number(_ text: String, _ name: String, line: Int, fail: (Int?, String) -> GradientLogError) throws -> Float? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        switch t.lowercased() {
        case "nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        // Double(_:) alone would also take hexadecimal floats; a log has plain decimals.
        guard t.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let value = Double(t) else {
            throw fail(line, "\(name) '\(t)' is not a number")
        }
        return Float(value)
    }
}

/// A run of a log: its network and seed.
private struct RunKey: Hashable {
    let network: String
    let seed: Int
}

/// One run's rows as they arrive, checked as they arrive.
private struct RunBuilder {
    let network: String
    let seed: Int
    var layers: [String] = []
    /// The index of each layer name in `layers`.
    var layerIndices: [String: Int] = [:]
    var steps: [Int] = []
    /// Per step: per layer index, the line and the statistics (nil where a column is absent or empty).
    var cells: [[Int: (line: Int, stats: [Float?])]] = []
    var losses: [Float?] = []
    var accuracies: [Float?] = []
    var firstLine: [Int] = []

    init(network: String, seed: Int) {
        self.network = network
        self.seed = seed
    }

    var name: String { "network '\(network)'" + (seed == 0 ? "" : " (seed \(seed))") }

    mutating func add(step: Int, layer: String, stats: [Float?], loss: Float?, accuracy: Float?, line: Int,
                      fail: (Int?, String) -> GradientLogError) throws {
        if let last = steps.last, step < last {
            throw fail(line, "step \(step) of \(name) comes after step \(last); steps must not go backwards within a network")
        }
        if steps.last != step {
            steps.append(step)
            cells.append([:])
            losses.append(nil)
            accuracies.append(nil)
            firstLine.append(line)
        }
        let layerIndex: Int
        if let found = layerIndices[layer] {
            layerIndex = found
        } else {
            layers.append(layer)
            layerIndex = layers.count - 1
            layerIndices[layer] = layerIndex
        }
        let row = steps.count - 1
        if let earlier = cells[row][layerIndex] {
            throw fail(line, "a second row for \(name), step \(step), layer '\(layer)' (the first is on line \(earlier.line))")
        }
        cells[row][layerIndex] = (line, stats)
        if losses[row] == nil { losses[row] = loss }
        if accuracies[row] == nil { accuracies[row] = accuracy }
    }

    func history(source: String, fail: (Int?, String) -> GradientLogError) throws -> RunHistory {
        for (row, step) in steps.enumerated() {
            if let missing = layers.indices.first(where: { cells[row][$0] == nil }) {
                throw fail(firstLine[row], "\(name), step \(step) has no row for layer '\(layers[missing])'; every logged step needs every layer")
            }
        }
        // A statistic is recorded when some row of this run has it; empty cells of a recorded one are NaN.
        func table(_ k: Int) -> [[Float]] {
            let any = cells.contains { row in row.values.contains { $0.stats[k] != nil } }
            guard any else { return [] }
            return cells.map { row in layers.indices.map { row[$0]?.stats[k] ?? .nan } }
        }
        let t = LayerStats.names.indices.map(table)
        let stats = LayerStats(weightGradNorm: t[0], biasGradNorm: t[1], deltaNorm: t[2], activationMean: t[3],
                               activationStd: t[4], saturatedFraction: t[5], deadFraction: t[6], updateRatio: t[7])
        let loss = losses.contains { $0 != nil } ? losses.map { $0 ?? .nan } : []
        let accuracy = accuracies.contains { $0 != nil } ? accuracies.map { $0 ?? .nan } : []
        return GradientLogImport.importedRun(network: network, seed: seed, layers: layers, steps: steps, stats: stats,
                                             loss: loss, trainAccuracy: accuracy, source: source)
    }
}

extension GradientLogImport {
    /// An imported run: the recorded tables with placeholder training settings that name `source`.
    ///
    /// Every import (CSV, TensorBoard) builds its runs here. `steps` holds each row's (first) step;
    /// `lastStep` is the run's last logged step (default: the last row's), `stepsPerBucket` and
    /// `maxRecordedSteps` say how rows were bucketed, if they were.
    public static func importedRun(
        network: String, seed: Int, layers: [String], steps: [Int], stats: LayerStats, loss: [Float],
        trainAccuracy: [Float], testAccuracy: [Float] = [], source: String, lastStep: Int? = nil,
        stepsPerBucket: Int = 1, maxRecordedSteps: Int? = nil
    ) -> RunHistory {
        // As in training: the first step whose loss or a weight gradient is not finite.
        let diverged = steps.indices.first { row in
            (row < loss.count && !loss[row].isFinite) || stats.weightGradNorm[row].contains { !$0.isFinite }
        }.map { steps[$0] }
        let file = URL(fileURLWithPath: source).lastPathComponent
        let settings = RunSettings(
            network: network, activation: .relu, batchNorm: false, residual: false, depth: max(0, layers.count - 1),
            width: 0, batchSize: 0, epochs: nil, steps: lastStep ?? steps.last ?? 0, optimizer: placeholderOptimizer,
            init: .xavierNormal, clipNorm: nil, recordEvery: 1, seed: seed, importedFrom: file,
            maxRecordedSteps: maxRecordedSteps)
        return RunHistory(network: network, seed: seed, settings: settings, layers: layers, steps: steps, stats: stats,
                          loss: loss, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy, diverged: diverged,
                          stepsPerBucket: stepsPerBucket)
    }
}

/// RFC 4180 records: comma-separated fields, double quotes around fields holding commas, quotes or line breaks.
enum CSVRecords {
    struct Record {
        /// The line the record starts on (1-based).
        var line: Int
        var fields: [String]
    }

    /// The non-blank records of `text`.
    static func parse(_ text: String, fail: (Int?, String) -> GradientLogError) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var quoted = false, wasQuoted = false
        var chars = Array(text.unicodeScalars)[...]
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty && !wasQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            wasQuoted = false
        }
        while let c = chars.popFirst() {
            if c == "\0" {
                // Nothing a log writes holds NUL; cutting the field there would read something else.
                throw fail(line, "column \(fields.count + 1) holds a NUL byte (is it a binary file?)")
            }
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        chars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.trimmingCharacters(in: .whitespaces).isEmpty:
                quoted = true
                wasQuoted = true
                field = ""
            case ",":
                fields.append(field)
                field = ""
            case "\r" where chars.first == "\n":
                break
            case "\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw fail(recordLine, "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }
}
