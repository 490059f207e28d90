import Foundation
import GradientData
import MLPTraining

/// Trains one recurrent network with one seed and records its history.
public enum RecurrentRun {
    /// How many times the test metric is computed over a run (plus at initialisation and at the end).
    public static let evaluations = 25

    /// The steps before which the test metric is computed: every `max(1, steps / 25)` steps from 0,
    /// and `steps` (after the last update).
    public static func evaluationSteps(steps: Int) -> [Int] {
        let every = max(1, steps / evaluations)
        var result = Array(stride(from: 0, to: steps, by: every))
        result.append(steps)
        return result
    }

    /// Trains `settings` (a recurrent run) on its task and returns its history.
    ///
    /// Step k's gradient is computed on batch k with the weights before update k (step 0: at
    /// initialisation). Steps with `k % recordEvery == 0` are recorded, and so is a step whose loss
    /// or gradient is not finite: there the run stops and `diverged` is that step.
    ///
    /// - Parameters:
    ///   - networkIndex: the network's position in its experiment; with the seed it seeds the weights.
    ///   - data: the task's examples for this seed (`RecurrentExperiment.examples`).
    ///   - progress: called now and then with the number of steps done since the last call.
    ///   - cancellation: checked before every step; once set, the run stops there.
    public static func train(
        settings: RunSettings, networkIndex: Int, data: SequenceData, progress: ((Int) -> Void)? = nil,
        cancellation: CancellationFlag? = nil
    ) -> RunHistory {
        guard let recurrent = settings.recurrent else { preconditionFailure("a recurrent run needs recurrent settings") }
        let task = recurrent.task
        let length = task.length
        let batchSize = max(1, min(settings.batchSize, data.train?.count ?? settings.batchSize))
        let layout = RecurrentLayout(cell: recurrent.cell, inputs: task.inputCount, hidden: recurrent.hidden,
                                     outputs: task.outputCount)
        let evaluationBatch = max(batchSize, 1)
        let network = RecurrentNetwork(layout: layout, length: length, maxBatch: evaluationBatch,
                                       loss: task.kind == .adding ? .meanSquaredError : .crossEntropy)
        var weightGenerator = SeededGenerator(seed: settings.seed, stream: networkIndex)
        network.initialize(recurrent.`init`, forgetBias: recurrent.forgetBias, generator: &weightGenerator)
        var dataGenerator = SeededGenerator(seed: settings.seed, stream: SequenceTask.trainingStream)
        var optimizer = Optimizer(settings.optimizer, parameterCount: layout.count)
        var recorder = RecurrentRecorder(
            network: network, steps: settings.steps, recordEvery: settings.recordEvery,
            maxRecordedSteps: settings.maxRecordedSteps ?? ExperimentSpec.defaultMaxRecordedSteps,
            maxRecordedTimeSteps: recurrent.maxRecordedTimeSteps)
        let spectralAtStart = spectralNorm(network)

        let evaluationSteps = evaluationSteps(steps: settings.steps)
        var nextEvaluation = 0
        var testMetric: [Float] = []
        var evaluatedSteps: [Int] = []
        testMetric.reserveCapacity(evaluationSteps.count)
        var order = Array(0..<(data.train?.count ?? 0))
        let stepsPerEpoch = data.train.map { ExperimentSpec.stepsPerEpoch(trainCount: $0.count, batchSize: batchSize) } ?? 1
        var diverged: Int?
        var reported = 0
        let clipNorm = settings.clipNorm.map { Float($0) }
        let parameterCount = layout.count

        for step in 0..<settings.steps {
            if cancellation?.isCancelled == true { break }
            if nextEvaluation < evaluationSteps.count, evaluationSteps[nextEvaluation] == step {
                testMetric.append(evaluate(network, on: data.test))
                evaluatedSteps.append(step)
                nextEvaluation += 1
            }
            let count: Int
            if let train = data.train {
                let position = step % stepsPerEpoch
                if position == 0 { dataGenerator.shuffle(&order) }
                let start = position * batchSize
                count = min(batchSize, train.count - start)
                fill(network, from: train, indices: order, start: start, count: count)
            } else {
                count = batchSize
                fillAdding(network, count: count, generator: &dataGenerator)
            }
            let record = step % settings.recordEvery == 0
            network.forward(batch: count, record: record)
            let (loss, correct) = network.batchLoss(batch: count)
            network.backward(batch: count, record: record)
            let gradientNorm = RecurrentNetwork.norm(network.gradients.pointer, parameterCount)
            if !loss.isFinite || !gradientNorm.isFinite {
                if !record {
                    network.forward(batch: count, record: true)
                    _ = network.batchLoss(batch: count)
                    network.backward(batch: count, record: true)
                }
                recorder.record(step: step, batch: count, loss: loss, correct: correct, task: task)
                recorder.finishUpdate(updated: false)
                diverged = step
                break
            }
            if record { recorder.record(step: step, batch: count, loss: loss, correct: correct, task: task) }
            if let clipNorm, gradientNorm > clipNorm {
                // As torch.nn.utils.clip_grad_norm_: scale by max / (norm + 1e-6).
                let scale = clipNorm / (gradientNorm + 1e-6)
                let g = network.gradients.pointer
                for i in 0..<parameterCount { g[i] *= scale }
            }
            if record { recorder.rememberWeights() }
            optimizer.update(parameters: network.parameters.pointer, gradients: network.gradients.pointer,
                             count: parameterCount)
            if record { recorder.finishUpdate(updated: true) }
            if (step + 1) % 16 == 0 {
                progress?(step + 1 - reported)
                reported = step + 1
            }
        }
        if diverged == nil, cancellation?.isCancelled != true {
            testMetric.append(evaluate(network, on: data.test))
            evaluatedSteps.append(settings.steps)
        }
        if reported < settings.steps { progress?(settings.steps - reported) }
        let history = recorder.finish()
        let time = TimeStepRecord(
            timeSteps: recorder.timeBucketStarts, timeStepsPerBucket: recorder.timeStepsPerBucket,
            hiddenGradNorm: history.hiddenGradNorm, cellGradNorm: history.cellGradNorm, gateMean: history.gateMean,
            saturatedFraction: history.saturated, evaluationSteps: evaluatedSteps, testMetric: testMetric,
            recurrentSpectralNorm: [spectralAtStart, spectralNorm(network)])
        return RunHistory(
            network: settings.network, seed: settings.seed, settings: settings, layers: RecurrentLayout.layerNames,
            steps: history.steps, stats: history.stats, loss: history.loss,
            trainAccuracy: task.kind == .adding ? [] : history.trainAccuracy,
            testAccuracy: task.kind == .adding ? [] : testMetric, diverged: diverged,
            stepsPerBucket: recorder.buckets.stepsPerBucket, time: time)
    }

    /// Copies `count` examples (`indices[start...]`) of `examples` into the network's time-major input.
    static func fill(_ network: RecurrentNetwork, from examples: SequenceExamples, indices: [Int], start: Int, count: Int) {
        let length = examples.length
        let inputs = examples.inputCount
        let x = network.input.pointer
        examples.inputs.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for row in 0..<count {
                let example = indices[start + row]
                let sequence = base + example * length * inputs
                for t in 0..<length {
                    (x + (t * count + row) * inputs).update(from: sequence + t * inputs, count: inputs)
                }
                if !examples.labels.isEmpty { network.labels[row] = examples.labels[example] }
                if !examples.targets.isEmpty { network.targets.pointer[row] = examples.targets[example] }
            }
        }
    }

    /// Draws `count` fresh adding sequences into the network's time-major input and targets.
    static func fillAdding(_ network: RecurrentNetwork, count: Int, generator: inout SeededGenerator) {
        for row in 0..<count {
            network.targets.pointer[row] = SequenceTask.drawAdding(
                into: network.input.pointer + row * 2, length: network.length, stride: count * 2, generator: &generator)
        }
    }

    /// The test metric on `examples`: MSE (adding) or accuracy (classification), in batches of the network's size.
    public static func evaluate(_ network: RecurrentNetwork, on examples: SequenceExamples) -> Float {
        let indices = Array(0..<examples.count)
        var total = 0.0
        var correct = 0
        var start = 0
        while start < examples.count {
            let count = min(network.maxBatch, examples.count - start)
            fill(network, from: examples, indices: indices, start: start, count: count)
            network.forward(batch: count, record: false)
            let (loss, right) = network.batchLoss(batch: count)
            total += Double(loss) * Double(count)
            correct += right
            start += count
        }
        if network.loss == .crossEntropy { return Float(correct) / Float(max(examples.count, 1)) }
        return Float(total / Double(max(examples.count, 1)))
    }

    /// σ_max of the network's whole `W_hh` (gates × hidden by hidden), by power iteration on WᵀW in Double.
    public static func spectralNorm(_ network: RecurrentNetwork) -> Float {
        let layout = network.layout
        let rows = layout.gateRows
        let columns = layout.hidden
        let w = network.parameters.pointer + layout.recurrentWeights
        var v = (0..<columns).map { 1 + 0.01 * Double($0 % 7) }
        var product = [Double](repeating: 0, count: rows)
        var sigma = 0.0
        for _ in 0..<300 {
            for r in 0..<rows {
                var sum = 0.0
                for c in 0..<columns { sum += Double(w[r * columns + c]) * v[c] }
                product[r] = sum
            }
            sigma = product.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var next = [Double](repeating: 0, count: columns)
            for r in 0..<rows {
                for c in 0..<columns { next[c] += Double(w[r * columns + c]) * product[r] }
            }
            let size = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard size > 0, size.isFinite else { return size.isFinite ? 0 : .nan }
            v = next.map { $0 / size }
        }
        return Float(sigma)
    }
}

/// The examples of one seed: training sequences (nil: the adding task draws fresh ones every step) and the test set.
public struct SequenceData: Sendable {
    public var train: SequenceExamples?
    public var test: SequenceExamples

    public init(train: SequenceExamples?, test: SequenceExamples) {
        self.train = train
        self.test = test
    }

    /// The data of `task` for `seed`.
    public static func load(_ task: SequenceTask, seed: Int) throws -> SequenceData {
        switch task.kind {
        case .adding:
            return SequenceData(train: nil, test: try task.testExamples(seed: seed))
        case .digitsSequence:
            let (train, test) = try SequenceTask.digitSequences(seed: seed)
            return SequenceData(train: train, test: test)
        }
    }
}
