import GradientData

/// Collects DESIGN.md's per-layer statistics for recorded steps into buffers sized up front.
struct Recorder {
    let network: MLPNetwork
    let layerCount: Int
    let capacity: Int
    /// One table per statistic, in `LayerStats.names` order, each `capacity × layerCount`.
    let tables: [FloatBuffer]
    /// Scratch row the backward pass writes delta norms into.
    let deltaBuffer: FloatBuffer
    /// The weights before the update that follows a recorded step.
    let previousWeights: FloatBuffer
    private(set) var steps: [Int] = []
    private(set) var losses: [Float] = []
    private(set) var trainAccuracies: [Float] = []

    init(network: MLPNetwork, steps stepCount: Int, recordEvery: Int) {
        self.network = network
        let layers = network.shape.weightLayerCount
        // Every recorded step, plus one for a step that diverges between them.
        let rows = (stepCount + recordEvery - 1) / recordEvery + 1
        layerCount = layers
        capacity = rows
        tables = LayerStats.names.map { _ in FloatBuffer(rows * layers) }
        deltaBuffer = FloatBuffer(network.shape.weightLayerCount)
        previousWeights = FloatBuffer(network.layout.count)
        steps.reserveCapacity(capacity)
        losses.reserveCapacity(capacity)
        trainAccuracies.reserveCapacity(capacity)
    }

    var deltaRow: UnsafeMutablePointer<Float> { deltaBuffer.pointer }

    private func row(_ stat: Int) -> UnsafeMutablePointer<Float> {
        tables[stat].pointer + (steps.count - 1) * layerCount
    }

    /// Records the step just computed: gradients, deltas, activations, loss and batch accuracy.
    mutating func record(step: Int, batch: Int, loss: Float, correct: Int) {
        steps.append(step)
        losses.append(loss)
        trainAccuracies.append(Float(correct) / Float(batch))
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

    /// Keeps the weights as they are before the update, for `recordUpdateRatios`.
    func rememberWeights() {
        previousWeights.pointer.update(from: network.parameters.pointer, count: network.layout.count)
    }

    /// Writes ‖ΔW‖ / ‖W‖ of the update just applied into the last recorded row.
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

    /// The recorded tables as `values[step][layer]`.
    func layerStats() -> LayerStats {
        let tableRows = tables.map { table in
            (0..<steps.count).map { step in
                Array(UnsafeBufferPointer(start: table.pointer + step * layerCount, count: layerCount))
            }
        }
        return LayerStats(
            weightGradNorm: tableRows[0], biasGradNorm: tableRows[1], deltaNorm: tableRows[2],
            activationMean: tableRows[3], activationStd: tableRows[4], saturatedFraction: tableRows[5],
            deadFraction: tableRows[6], updateRatio: tableRows[7])
    }
}
