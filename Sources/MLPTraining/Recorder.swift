import Foundation
import GradientData

/// Collects DESIGN.md's per-layer statistics for recorded steps into buffers sized up front.
///
/// At most `maxRecordedSteps` rows are kept: when a run records more steps than that, step 0
/// (initialisation) keeps a row of its own, exactly, and the later recorded steps are folded, as
/// they come, into buckets of `stepsPerBucket` (see `LayerStats` for how values combine), so
/// memory stays bounded however long the run is.
struct Recorder {
    let network: MLPNetwork
    let layerCount: Int
    /// How many recorded steps one row summarises (1: every recorded step is a row).
    let stepsPerBucket: Int
    let capacity: Int
    /// One table per statistic, in `LayerStats.names` order, each `capacity × layerCount`.
    let tables: [FloatBuffer]
    /// Per bucket, the smallest and largest weight-gradient norm (only when buckets hold several steps).
    let minimumTable: FloatBuffer?
    let maximumTable: FloatBuffer?
    /// The step being recorded, one row per statistic (`LayerStats.names` order); folded into its
    /// bucket when the next step is recorded or the run ends (the update ratio arrives last).
    let pending: FloatBuffer
    /// Per statistic and layer: the bucket's sum of logs (norms) or of values (the rest).
    let sums: UnsafeMutablePointer<Double>
    /// Per statistic and layer: what the bucket has seen (`sawNaN`, `sawInfinity`, `sawZero`).
    let seen: UnsafeMutablePointer<UInt8>
    /// Scratch row the backward pass writes delta norms into.
    let deltaBuffer: FloatBuffer
    /// The weights before the update that follows a recorded step.
    let previousWeights: FloatBuffer
    private(set) var steps: [Int] = []
    private(set) var losses: [Float] = []
    private(set) var trainAccuracies: [Float] = []
    private var pendingStep: Int?
    private var pendingLoss: Float = 0
    private var pendingAccuracy: Float = 0
    private var bucketFill = 0
    private var foldedCount = 0
    private var lossSum = 0.0
    private var accuracySum = 0.0

    /// Statistics combined by the mean of their logs (magnitudes drawn on log scales).
    static let geometric: [Bool] = LayerStats.names.map {
        ["weightGradNorm", "biasGradNorm", "deltaNorm", "updateRatio"].contains($0)
    }
    static let sawNaN: UInt8 = 1
    static let sawInfinity: UInt8 = 2
    static let sawZero: UInt8 = 4

    /// The recorded rows of a run of `stepCount` steps: every `recordEvery`-th step, plus one for a
    /// step that diverges between them.
    static func recordedRows(steps stepCount: Int, recordEvery: Int) -> Int {
        (stepCount + recordEvery - 1) / recordEvery + (recordEvery > 1 ? 1 : 0)
    }

    /// - Parameter rows: how many steps will be recorded, when not every `recordEvery`-th one is.
    init(network: MLPNetwork, steps stepCount: Int, recordEvery: Int, maxRecordedSteps: Int, rows givenRows: Int? = nil) {
        self.network = network
        let layers = network.shape.weightLayerCount
        let rows = givenRows ?? Self.recordedRows(steps: stepCount, recordEvery: recordEvery)
        let layout = StepBuckets(recordedSteps: rows, maxRows: maxRecordedSteps)
        let perBucket = layout.stepsPerBucket
        let buckets = layout.rows
        layerCount = layers
        stepsPerBucket = perBucket
        capacity = buckets
        tables = LayerStats.names.map { _ in FloatBuffer(buckets * layers) }
        minimumTable = perBucket > 1 ? FloatBuffer(buckets * layers) : nil
        maximumTable = perBucket > 1 ? FloatBuffer(buckets * layers) : nil
        pending = FloatBuffer(LayerStats.names.count * layers)
        let statCount = LayerStats.names.count * layers
        sums = .allocate(capacity: statCount)
        sums.initialize(repeating: 0, count: statCount)
        seen = .allocate(capacity: statCount)
        seen.initialize(repeating: 0, count: statCount)
        deltaBuffer = FloatBuffer(network.shape.weightLayerCount)
        previousWeights = FloatBuffer(network.layout.count)
        steps.reserveCapacity(capacity)
        losses.reserveCapacity(capacity)
        trainAccuracies.reserveCapacity(capacity)
    }

    /// Frees the bucket accumulators (a struct has no deinit; `TrainingRun` calls this once).
    func release() {
        sums.deallocate()
        seen.deallocate()
    }

    var deltaRow: UnsafeMutablePointer<Float> { deltaBuffer.pointer }

    private func row(_ stat: Int) -> UnsafeMutablePointer<Float> {
        pending.pointer + stat * layerCount
    }

    /// Records the step just computed: gradients, deltas, activations, loss and batch accuracy.
    mutating func record(step: Int, batch: Int, loss: Float, correct: Int) {
        foldPending()
        pendingStep = step
        pendingLoss = loss
        pendingAccuracy = Float(correct) / Float(batch)
        let shape = network.shape
        let g = network.gradients.pointer
        let (weightNorm, biasNorm, delta) = (row(0), row(1), row(2))
        let (mean, std, saturated, dead) = (row(3), row(4), row(5), row(6))
        for (index, layer) in network.layout.layers.enumerated() {
            weightNorm[index] = norm(g + layer.weight, layer.weightCount)
            biasNorm[index] = norm(g + layer.bias, layer.outputs)
            delta[index] = deltaRow[index]
            let isOutput = index == shape.depth
            let values = isOutput ? network.logits.pointer : network.activations[index].pointer
            let summary = Self.summarise(values, rows: batch, columns: layer.outputs,
                                         activation: isOutput ? nil : shape.activation)
            mean[index] = summary.mean
            std[index] = summary.std
            saturated[index] = summary.saturated
            dead[index] = summary.dead
        }
        // Filled by `recordUpdateRatios`; a diverged step has no update after it and keeps NaN.
        row(7).update(repeating: .nan, count: layerCount)
    }

    /// Folds the last recorded step into its bucket and closes the last bucket; call once, at the end.
    mutating func finish() {
        foldPending()
        if bucketFill > 0 { closeBucket() }
    }

    /// Adds the pending step to the current bucket (a new one when the last is full).
    private mutating func foldPending() {
        guard let step = pendingStep else { return }
        pendingStep = nil
        let statCount = LayerStats.names.count
        foldedCount += 1
        if stepsPerBucket == 1 || foldedCount == 1 {
            // One step per row (and step 0 always alone): the values themselves, bit for bit.
            steps.append(step)
            losses.append(pendingLoss)
            trainAccuracies.append(pendingAccuracy)
            let rowIndex = steps.count - 1
            for stat in 0..<statCount {
                (tables[stat].pointer + rowIndex * layerCount).update(from: row(stat), count: layerCount)
            }
            if let minimumTable, let maximumTable {
                (minimumTable.pointer + rowIndex * layerCount).update(from: row(0), count: layerCount)
                (maximumTable.pointer + rowIndex * layerCount).update(from: row(0), count: layerCount)
            }
            return
        }
        if bucketFill == 0 { steps.append(step) }
        bucketFill += 1
        lossSum += Double(pendingLoss)
        accuracySum += Double(pendingAccuracy)
        let bucket = steps.count - 1
        for stat in 0..<statCount {
            let values = row(stat)
            let sum = sums + stat * layerCount
            let flags = seen + stat * layerCount
            let logarithmic = Self.geometric[stat]
            for layer in 0..<layerCount {
                let value = values[layer]
                if value.isNaN {
                    flags[layer] |= Self.sawNaN
                } else if value.isInfinite {
                    flags[layer] |= Self.sawInfinity
                } else if logarithmic {
                    if value == 0 { flags[layer] |= Self.sawZero } else { sum[layer] += log(Double(abs(value))) }
                } else {
                    sum[layer] += Double(value)
                }
            }
        }
        if let minimumTable, let maximumTable {
            let values = row(0)
            let low = minimumTable.pointer + bucket * layerCount
            let high = maximumTable.pointer + bucket * layerCount
            for layer in 0..<layerCount {
                let value = values[layer]
                if bucketFill == 1 || value.isNaN {
                    low[layer] = value
                    high[layer] = value
                } else if !low[layer].isNaN {
                    low[layer] = min(low[layer], value)
                    high[layer] = max(high[layer], value)
                }
            }
        }
        if bucketFill == stepsPerBucket { closeBucket() }
    }

    /// Writes the current bucket's values into its row and empties the accumulators.
    private mutating func closeBucket() {
        let count = Double(bucketFill)
        let bucket = steps.count - 1
        losses.append(Float(lossSum / count))
        trainAccuracies.append(Float(accuracySum / count))
        for stat in 0..<LayerStats.names.count {
            let out = tables[stat].pointer + bucket * layerCount
            let sum = sums + stat * layerCount
            let flags = seen + stat * layerCount
            let logarithmic = Self.geometric[stat]
            for layer in 0..<layerCount {
                let flag = flags[layer]
                if flag & Self.sawNaN != 0 {
                    out[layer] = .nan
                } else if flag & Self.sawInfinity != 0 {
                    out[layer] = .infinity
                } else if logarithmic {
                    out[layer] = flag & Self.sawZero != 0 ? 0 : Float(exp(sum[layer] / count))
                } else {
                    out[layer] = Float(sum[layer] / count)
                }
            }
            sum.update(repeating: 0, count: layerCount)
            flags.update(repeating: 0, count: layerCount)
        }
        bucketFill = 0
        lossSum = 0
        accuracySum = 0
    }

    /// Mean, population std, saturated share and dead-unit share of a `rows × columns` output.
    ///
    /// Saturated: sigmoid outputs below 0.03 or above 0.97, tanh outputs beyond ±0.97; relu never.
    /// Dead: relu units that are 0 for every row of the batch; other activations never.
    static func summarise(_ values: UnsafePointer<Float>, rows: Int, columns: Int, activation: Activation?)
        -> (mean: Float, std: Float, saturated: Float, dead: Float)
    {
        let count = rows * columns
        let mean = sum(values, count) / Double(count)
        let squares = squaredDeviations(values, count, mean: Float(mean))
        var saturatedCount = 0
        var deadCount = 0
        switch activation {
        case .sigmoid:
            saturatedCount = countOutside(values, count, low: 0.03, high: 0.97)
        case .tanh:
            saturatedCount = countOutside(values, count, low: -0.97, high: 0.97)
        case .relu:
            for column in 0..<columns {
                var alive = false
                for row in 0..<rows where values[row * columns + column] != 0 {
                    alive = true
                    break
                }
                if !alive { deadCount += 1 }
            }
        case nil:
            break
        }
        return (Float(mean), Float((squares / Double(count)).squareRoot()),
                Float(saturatedCount) / Float(count), Float(deadCount) / Float(columns))
    }

    /// Where the update ratios of the pending step go (`Optimizer.updateRecordingRatios` writes them).
    var updateRatioRow: UnsafeMutablePointer<Float> { row(7) }

    /// Keeps the weights as they are before the update, for `recordUpdateRatios`.
    func rememberWeights() {
        previousWeights.pointer.update(from: network.parameters.pointer, count: network.layout.count)
    }

    /// Writes ‖ΔW‖ / ‖W‖ of the update just applied into the pending row.
    func recordUpdateRatios() {
        let ratio = row(7)
        let now = network.parameters.pointer
        let before = previousWeights.pointer
        for (index, layer) in network.layout.layers.enumerated() {
            let (change, size) = changeAndSize(
                now: now + layer.weight, before: before + layer.weight, layer.weightCount)
            ratio[index] = Float((change / size).squareRoot())
        }
    }

    /// The recorded tables as `values[row][layer]` (call `finish` first).
    func layerStats() -> LayerStats {
        func rows(_ table: FloatBuffer) -> [[Float]] {
            (0..<steps.count).map { step in
                Array(UnsafeBufferPointer(start: table.pointer + step * layerCount, count: layerCount))
            }
        }
        let tableRows = tables.map(rows)
        return LayerStats(
            weightGradNorm: tableRows[0], biasGradNorm: tableRows[1], deltaNorm: tableRows[2],
            activationMean: tableRows[3], activationStd: tableRows[4], saturatedFraction: tableRows[5],
            deadFraction: tableRows[6], updateRatio: tableRows[7],
            weightGradNormMin: minimumTable.map(rows) ?? [], weightGradNormMax: maximumTable.map(rows) ?? [])
    }
}
