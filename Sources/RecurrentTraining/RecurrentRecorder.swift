import GradientData
import MLPTraining

/// Folds what a recurrent network measured at each recorded step into bounded tables: training
/// steps into buckets (step 0 always alone), time steps into at most `maxRecordedTimeSteps` buckets.
struct RecurrentRecorder {
    let network: RecurrentNetwork
    let buckets: StepBuckets
    let timeStepsPerBucket: Int
    let timeBucketCount: Int
    private var layerTables: [BucketTable]
    private var timeTables: [BucketTable]
    private var lossTable: BucketTable
    private var accuracyTable: BucketTable
    private(set) var steps: [Int] = []
    private var recordedCount = 0
    /// Scratch rows (no allocation per recorded step).
    private let layerRow: FloatBuffer
    private let timeRow: FloatBuffer
    private let scalarRow: FloatBuffer
    private let weightsBefore: FloatBuffer
    private var batch = 0
    /// The network's `layerTensors`, computed once.
    private let layerTensors: [RecurrentLayout.LayerTensors]

    /// `LayerStats.names` in order; the norms and the update ratio combine geometrically.
    private static let geometricStats: Set<String> = ["weightGradNorm", "biasGradNorm", "deltaNorm", "updateRatio"]

    init(network: RecurrentNetwork, steps: Int, recordEvery: Int, maxRecordedSteps: Int, maxRecordedTimeSteps: Int) {
        self.network = network
        let recorded = (max(steps, 1) - 1) / recordEvery + 1
        buckets = StepBuckets(recordedSteps: recorded, maxRows: maxRecordedSteps)
        let length = network.length
        let perTimeBucket = max(1, (length + maxRecordedTimeSteps - 1) / maxRecordedTimeSteps)
        let timeBuckets = (length + perTimeBucket - 1) / perTimeBucket
        timeStepsPerBucket = perTimeBucket
        timeBucketCount = timeBuckets
        // One spare row: a run that diverges on a step that is not recorded records it too.
        let rows = buckets.rows + 1
        let perBucket = buckets.stepsPerBucket
        layerTables = LayerStats.names.map { name in
            BucketTable(width: RecurrentLayout.layerNames.count, rows: rows, stepsPerBucket: perBucket,
                        mean: Self.geometricStats.contains(name) ? .geometric : .arithmetic)
        }
        timeTables = TimeStepRecord.names.map { name in
            BucketTable(width: timeBuckets, rows: rows, stepsPerBucket: perBucket,
                        mean: name.hasSuffix("GradNorm") ? .geometric : .arithmetic)
        }
        lossTable = BucketTable(width: 1, rows: rows, stepsPerBucket: perBucket, mean: .arithmetic)
        accuracyTable = BucketTable(width: 1, rows: rows, stepsPerBucket: perBucket, mean: .arithmetic)
        self.steps.reserveCapacity(rows)
        layerRow = FloatBuffer(LayerStats.names.count * RecurrentLayout.layerNames.count)
        timeRow = FloatBuffer(timeBuckets)
        scalarRow = FloatBuffer(2)
        weightsBefore = FloatBuffer(network.layout.count)
        layerTensors = network.layout.layerTensors
    }

    /// The first time step (1-based) of each time bucket.
    var timeBucketStarts: [Int] { (0..<timeBucketCount).map { 1 + $0 * timeStepsPerBucket } }

    /// Records the step whose forward and backward passes (with `record`) just ran; the update ratio follows in `finishUpdate`.
    mutating func record(step: Int, batch n: Int, loss: Float, correct: Int, task: SequenceTask) {
        if recordedCount == 0 || buckets.closesBucket(recordedCount - 1) || steps.isEmpty { steps.append(step) }
        batch = n
        let cell = network.layout.cell
        for index in timeTables.indices {
            let source: FloatBuffer
            let measured: Bool
            switch index {
            case 0: (source, measured) = (network.hiddenGradNorms, true)
            case 1: (source, measured) = (network.cellGradNorms, cell == .lstm)
            case 2: (source, measured) = (network.gateMeans, cell == .lstm || cell == .gru)
            default: (source, measured) = (network.saturatedShares, true)
            }
            let mean = timeTables[index].mean
            for bucket in 0..<timeBucketCount {
                let start = bucket * timeStepsPerBucket
                let count = min(timeStepsPerBucket, network.length - start)
                timeRow.pointer[bucket] = measured ? mean.of(source.pointer + start, count: count) : .nan
            }
            timeTables[index].add(timeRow.pointer)
        }
        scalarRow.pointer[0] = loss
        scalarRow.pointer[1] = Float(correct) / Float(max(n, 1))
        lossTable.add(scalarRow.pointer)
        accuracyTable.add(scalarRow.pointer + 1)
        fillLayerStatistics(batch: n)
    }

    /// Keeps the weights before the update, for the update ratios.
    func rememberWeights() {
        weightsBefore.pointer.update(from: network.parameters.pointer, count: network.layout.count)
    }

    /// Adds the update ratios ‖ΔW‖ / ‖W‖ (NaN when no update followed) and closes the bucket when it is full.
    mutating func finishUpdate(updated: Bool) {
        let layers = RecurrentLayout.layerNames.count
        let ratioIndex = LayerStats.names.firstIndex(of: "updateRatio") ?? 0
        let row = layerRow.pointer + ratioIndex * layers
        for index in layerTensors.indices {
            let tensor = layerTensors[index]
            guard updated else {
                row[index] = .nan
                continue
            }
            var change = 0.0
            var size = 0.0
            let before = weightsBefore.pointer + tensor.weight
            let after = network.parameters.pointer + tensor.weight
            for k in 0..<tensor.weightCount {
                let difference = Double(after[k]) - Double(before[k])
                change += difference * difference
                size += Double(before[k]) * Double(before[k])
            }
            row[index] = Float((change / size).squareRoot())
        }
        for (index, _) in LayerStats.names.enumerated() {
            layerTables[index].add(layerRow.pointer + index * layers)
        }
        if buckets.closesBucket(recordedCount) { closeAll() }
        recordedCount += 1
    }

    private mutating func closeAll() {
        for index in layerTables.indices { layerTables[index].close() }
        for index in timeTables.indices { timeTables[index].close() }
        lossTable.close()
        accuracyTable.close()
    }

    /// Per layer (input, recurrent, readout): the eight statistics of `LayerStats` for the last recorded step.
    private func fillLayerStatistics(batch n: Int) {
        let layout = network.layout
        let layers = RecurrentLayout.layerNames.count
        let d = network.gradients.pointer
        let h = layout.hidden
        let states = network.states.pointer + n * h
        let stateCount = network.length * n * h
        var sum = 0.0, squares = 0.0
        for k in 0..<stateCount {
            sum += Double(states[k])
            squares += Double(states[k]) * Double(states[k])
        }
        let stateMean = sum / Double(stateCount)
        let stateStd = max(squares / Double(stateCount) - stateMean * stateMean, 0).squareRoot()
        var saturated = 0.0
        for t in 0..<network.length { saturated += Double(network.saturatedShares.pointer[t]) }
        saturated /= Double(network.length)
        var dead = 0.0
        if layout.cell == .relu {
            var deadUnits = 0
            for j in 0..<h {
                var alive = false
                for row in 0..<(network.length * n) where states[row * h + j] != 0 {
                    alive = true
                    break
                }
                if !alive { deadUnits += 1 }
            }
            dead = Double(deadUnits) / Double(h)
        }
        let outputCount = n * layout.outputs
        var outputSum = 0.0, outputSquares = 0.0
        for k in 0..<outputCount {
            outputSum += Double(network.outputs.pointer[k])
            outputSquares += Double(network.outputs.pointer[k]) * Double(network.outputs.pointer[k])
        }
        let outputMean = outputSum / Double(outputCount)
        let outputStd = max(outputSquares / Double(outputCount) - outputMean * outputMean, 0).squareRoot()

        let out = layerRow.pointer
        for index in 0..<layers {
            let tensor = layerTensors[index]
            let weightNorm = RecurrentNetwork.norm(d + tensor.weight, tensor.weightCount)
            let biasNorm = RecurrentNetwork.norm(d + tensor.bias, tensor.biasCount)
            let isReadout = index == layers - 1
            // In statistic order: weightGradNorm, biasGradNorm, deltaNorm (the bias gradient is the
            // batch- and time-summed δ), activationMean, activationStd, saturatedFraction, deadFraction.
            out[index] = weightNorm
            out[layers + index] = biasNorm
            out[2 * layers + index] = biasNorm
            out[3 * layers + index] = Float(isReadout ? outputMean : stateMean)
            out[4 * layers + index] = Float(isReadout ? outputStd : stateStd)
            out[5 * layers + index] = Float(isReadout ? 0 : saturated)
            out[6 * layers + index] = Float(isReadout ? 0 : dead)
        }
    }

    /// Closes an open bucket and returns every table.
    mutating func finish() -> (steps: [Int], stats: LayerStats, loss: [Float], trainAccuracy: [Float],
                               hiddenGradNorm: [[Float]], cellGradNorm: [[Float]], gateMean: [[Float]], saturated: [[Float]]) {
        closeAll()
        let tables = layerTables.map(\.table)
        let cell = network.layout.cell
        return (
            steps,
            LayerStats(weightGradNorm: tables[0], biasGradNorm: tables[1], deltaNorm: tables[2],
                       activationMean: tables[3], activationStd: tables[4], saturatedFraction: tables[5],
                       deadFraction: tables[6], updateRatio: tables[7]),
            lossTable.table.map { $0[0] }, accuracyTable.table.map { $0[0] },
            timeTables[0].table, cell == .lstm ? timeTables[1].table : [],
            cell == .lstm || cell == .gru ? timeTables[2].table : [], timeTables[3].table
        )
    }
}
