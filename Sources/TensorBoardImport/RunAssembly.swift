import Foundation
import GradientData

/// Turns a run's streamed log into a `RunHistory`: parameters grouped into layers, complete steps
/// kept, long runs bucketed as vanish's own.
enum RunAssembly {
    /// One layer: the gradient columns of its weight and (when logged) its bias.
    struct Layer {
        var name: String
        var weight: Int
        var bias: Int?
    }

    /// The run, or nil when its log has no gradient tags; plus warnings about what was left out.
    static func run(_ log: RunLog, network: String, source: String, maxRecordedSteps: Int) -> (run: RunHistory?, warnings: [String]) {
        var warnings: [String] = []
        let chosen = chooseColumns(log, warnings: &warnings)
        let layers = group(chosen.map { (log.gradients[$0].parameter, $0) })
        guard !layers.isEmpty else { return (nil, warnings) }

        // Rows where every layer's weight norm was logged; the others cannot be drawn as a layer × step grid.
        var rows: [Int] = []
        var incomplete = 0
        for row in log.rowSteps.indices {
            let present = layers.map { layer in
                let column = log.gradients[layer.weight].values
                return row < column.count && !RunLog.isAbsent(column[row])
            }
            if present.allSatisfy({ $0 }) {
                rows.append(row)
            } else if present.contains(true) {
                incomplete += 1
            }
        }
        if incomplete > 0 {
            warnings.append("\(incomplete) logged steps lack some layers' gradient norms and are left out")
        }
        guard !rows.isEmpty else {
            warnings.append("no step has a gradient norm for every layer")
            return (nil, warnings)
        }
        func value(_ column: Int?, _ row: Int) -> Float {
            guard let column else { return .nan }
            let values = log.gradients[column].values
            guard row < values.count, !RunLog.isAbsent(values[row]) else { return .nan }
            return values[row]
        }
        let hasBias = layers.contains { $0.bias != nil }
        let steps = rows.map { Int(log.rowSteps[$0]) }
        let loss = log.losses.first.map { valuesAt(steps, of: $0) } ?? []
        let trainAccuracy = log.trainAccuracies.first.map { valuesAt(steps, of: $0) } ?? []
        let testAccuracy = log.testAccuracies.first?.values ?? []

        // Each bucket: a range of indices into `rows`; the first logged step keeps a row of its own, as step 0 does in vanish's runs.
        let layout = StepBuckets(recordedSteps: steps.count, maxRows: max(1, maxRecordedSteps))
        let bucketSize = layout.stepsPerBucket, buckets = layout.ranges
        func table(_ column: (Layer) -> Int?, _ combine: ([Float]) -> Float) -> [[Float]] {
            buckets.map { bucket in
                // A bucket of one step (the first, or one step per row) keeps its value bit for bit.
                layers.map { layer in bucket.count == 1 ? value(column(layer), rows[bucket.lowerBound]) : combine(bucket.map { value(column(layer), rows[$0]) }) }
            }
        }
        let weight = table(\.weight, Bucket.geometricMean), bias = hasBias ? table(\.bias, Bucket.geometricMean) : []
        // Extremes only for bucketed runs: one step per row is its own smallest and largest.
        let stats = bucketSize == 1
            ? LayerStats(weightGradNorm: weight, biasGradNorm: bias)
            : LayerStats(weightGradNorm: weight, biasGradNorm: bias,
                         weightGradNormMin: table(\.weight) { Bucket.extremes($0).min },
                         weightGradNormMax: table(\.weight) { Bucket.extremes($0).max })
        let rowSteps = buckets.map { steps[$0.lowerBound] }
        let rowLoss = loss.isEmpty ? [] : buckets.map { Bucket.mean(loss[$0]) }
        let rowAccuracy = trainAccuracy.isEmpty ? [] : buckets.map { Bucket.mean(trainAccuracy[$0]) }
        let run = GradientLogImport.importedRun(
            network: network, seed: 0, layers: layers.map(\.name), steps: rowSteps, stats: stats, loss: rowLoss,
            trainAccuracy: rowAccuracy, testAccuracy: testAccuracy, source: source, lastStep: steps.last,
            stepsPerBucket: bucketSize, maxRecordedSteps: maxRecordedSteps)
        return (run, warnings)
    }

    /// One gradient column per parameter, in order of first appearance: a logged norm (scalar) is
    /// preferred to a histogram's, then the tag that came first.
    static func chooseColumns(_ log: RunLog, warnings: inout [String]) -> [Int] {
        var parameters: [String] = []
        var choice: [String: Int] = [:]
        var unused: [String] = []
        for (index, column) in log.gradients.enumerated() {
            guard let current = choice[column.parameter] else {
                parameters.append(column.parameter)
                choice[column.parameter] = index
                continue
            }
            if log.gradients[current].fromHistogram && !column.fromHistogram {
                unused.append(log.gradients[current].tag)
                choice[column.parameter] = index
            } else {
                unused.append(column.tag)
            }
        }
        if !unused.isEmpty {
            warnings.append("parameters logged under more than one tag; not used: \(TensorBoardImport.listing(unused))")
        }
        return parameters.compactMap { choice[$0] }
    }

    /// Parameters grouped into layers: `<layer>.weight` and `<layer>.bias` (or `/`-separated, or
    /// `kernel` for weight) are one layer; any other parameter is a layer of its own, as is a bias
    /// whose layer logged no weight. Layers are in the order their first parameter appeared.
    static func group(_ parameters: [(name: String, column: Int)]) -> [Layer] {
        func split(_ name: String) -> (layer: String, isWeight: Bool?) {
            for separator in [".", "/"] {
                guard let cut = name.range(of: separator, options: .backwards) else { continue }
                let suffix = name[cut.upperBound...]
                let layer = String(name[..<cut.lowerBound])
                if layer.isEmpty { continue }
                if suffix == "weight" || suffix == "kernel" { return (layer, true) }
                if suffix == "bias" { return (layer, false) }
            }
            return (name, nil)
        }
        var layers: [Layer] = []
        var pendingBiases: [(layer: String, name: String, column: Int, position: Int)] = []
        for (name, column) in parameters {
            let (layer, isWeight) = split(name)
            switch isWeight {
            case true?:
                if layers.contains(where: { $0.name == layer }) {
                    layers.append(Layer(name: name, weight: column, bias: nil))
                } else {
                    let bias = pendingBiases.firstIndex { $0.layer == layer }
                    layers.append(Layer(name: layer, weight: column, bias: bias.map { pendingBiases[$0].column }))
                    if let bias { pendingBiases.remove(at: bias) }
                }
            case false?:
                if let index = layers.lastIndex(where: { $0.name == layer && $0.bias == nil }) {
                    layers[index].bias = column
                } else {
                    pendingBiases.append((layer, name, column, layers.count))
                }
            case nil:
                layers.append(Layer(name: name, weight: column, bias: nil))
            }
        }
        // A bias whose weight never came is a layer of its own, at the place it appeared.
        for pending in pendingBiases.reversed() {
            layers.insert(Layer(name: pending.name, weight: pending.column, bias: nil), at: min(pending.position, layers.count))
        }
        return layers
    }

    /// Per step, the series' value at that step, else its last value before it, else its first.
    static func valuesAt(_ steps: [Int], of series: RunLog.ScalarSeries) -> [Float] {
        guard !series.values.isEmpty else { return [] }
        var index = 0
        return steps.map { step in
            while index + 1 < series.steps.count && series.steps[index + 1] <= Int64(step) { index += 1 }
            return series.values[index]
        }
    }
}

/// How a bucket of consecutive rows becomes one row, by `LayerStats`'s rules.
enum Bucket {
    /// The geometric mean: NaN if any value is NaN, else infinite if any is, else 0 if any is 0.
    static func geometricMean(_ values: [Float]) -> Float {
        var logSum = 0.0
        var sawInfinity = false, sawZero = false
        for value in values {
            if value.isNaN { return .nan }
            if value.isInfinite { sawInfinity = true } else if value == 0 { sawZero = true } else { logSum += log(Double(abs(value))) }
        }
        if sawInfinity { return .infinity }
        return sawZero ? 0 : Float(exp(logSum / Double(values.count)))
    }

    /// The smallest and largest value (both NaN if any is NaN).
    static func extremes(_ values: [Float]) -> (min: Float, max: Float) {
        if values.contains(where: \.isNaN) { return (.nan, .nan) }
        return (values.min() ?? .nan, values.max() ?? .nan)
    }

    /// The arithmetic mean (NaN if any value is).
    static func mean(_ values: ArraySlice<Float>) -> Float {
        Float(values.reduce(0.0) { $0 + Double($1) } / Double(max(1, values.count)))
    }
}
