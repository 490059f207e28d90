import GradientData

/// Trains one network with one seed and records every layer at every recorded step.
public enum TrainingRun {
    /// The generator stream that orders each epoch's batches: it depends on the seed only, so
    /// every network of an experiment sees the same batches in the same order.
    static let batchOrderStream = 0xBA7C

    /// Trains the network `settings` describe on `data` and returns what was recorded.
    ///
    /// Step k is the gradient on batch k with the weights before update k (step 0: at
    /// initialisation). Steps with `k % recordEvery == 0` are recorded, and so is a step whose loss or
    /// gradient is not finite: there the run stops and `diverged` is that step. Test accuracy is
    /// measured in eval mode after every epoch (and after a last, partial one).
    ///
    /// - Parameters:
    ///   - networkIndex: the network's position in its experiment; with the seed it seeds the weights.
    ///   - progress: called now and then with the number of steps done since the last call.
    ///   - cancellation: checked before every step; once set, the run stops there (its history is partial).
    public static func train(
        settings: RunSettings, networkIndex: Int, data: DataSplit, progress: ((Int) -> Void)? = nil,
        cancellation: CancellationFlag? = nil
    ) -> RunHistory {
        let train = data.train
        let shape = NetworkShape(settings: settings, inputCount: train.featureCount,
                                 classCount: max(train.classCount, data.test.classCount))
        let batchSize = max(1, min(settings.batchSize, train.count))
        let network = MLPNetwork(shape: shape, maxBatch: batchSize)
        var weightGenerator = SeededGenerator(seed: settings.seed, stream: networkIndex)
        network.initialize(settings.`init`, gain: settings.initGain ?? 1, generator: &weightGenerator)
        var orderGenerator = SeededGenerator(seed: settings.seed, stream: batchOrderStream)
        var optimizer = Optimizer(settings.optimizer, parameterCount: network.layout.count)
        var recorder = Recorder(
            network: network, steps: settings.steps, recordEvery: settings.recordEvery,
            maxRecordedSteps: settings.maxRecordedSteps ?? ExperimentSpec.defaultMaxRecordedSteps,
            rows: settings.recordedSteps.map { $0.count + 1 })
        defer { recorder.release() }

        let stepsPerEpoch = ExperimentSpec.stepsPerEpoch(trainCount: train.count, batchSize: batchSize)
        var order = Array(0..<train.count)
        var testAccuracy: [Float] = []
        testAccuracy.reserveCapacity(settings.steps / stepsPerEpoch + 1)
        var diverged: Int?
        var reported = 0
        let parameterCount = network.layout.count
        let clipNorm = settings.clipNorm.map { Float($0) }

        train.features.withUnsafeBufferPointer { features in
            guard let featureBase = features.baseAddress else { return }
            for step in 0..<settings.steps {
                if cancellation?.isCancelled == true { break }
                let position = step % stepsPerEpoch
                if position == 0 { orderGenerator.shuffle(&order) }
                let start = position * batchSize
                let count = min(batchSize, train.count - start)
                let featureCount = shape.inputCount
                for row in 0..<count {
                    let example = order[start + row]
                    (network.input.pointer + row * featureCount)
                        .update(from: featureBase + example * featureCount, count: featureCount)
                    network.labels[row] = train.labels[example]
                }

                network.forward(batch: count, mode: .train)
                let (loss, correct) = network.loss(batch: count)
                let record = settings.recordedSteps.map { $0.contains(step) } ?? (step % settings.recordEvery == 0)
                network.backward(batch: count, deltaNorms: record ? recorder.deltaRow : nil)
                let gradientNorm = norm(network.gradients.pointer, parameterCount)
                if !loss.isFinite || !gradientNorm.isFinite {
                    if !record { network.backward(batch: count, deltaNorms: recorder.deltaRow) }
                    recorder.record(step: step, batch: count, loss: loss, correct: correct)
                    diverged = step
                    break
                }
                if record { recorder.record(step: step, batch: count, loss: loss, correct: correct) }
                if let clipNorm, gradientNorm > clipNorm {
                    // As torch.nn.utils.clip_grad_norm_: scale by max / (norm + 1e-6).
                    let scale = clipNorm / (gradientNorm + 1e-6)
                    let g = network.gradients.pointer
                    for i in 0..<parameterCount { g[i] *= scale }
                }
                // On a recorded step the optimiser may update and record the ratios in one pass.
                let updatedAndRecorded = record && optimizer.updateRecordingRatios(
                    parameters: network.parameters.pointer, gradients: network.gradients.pointer,
                    layout: network.layout, ratios: recorder.updateRatioRow)
                if !updatedAndRecorded {
                    if record { recorder.rememberWeights() }
                    optimizer.update(parameters: network.parameters.pointer, gradients: network.gradients.pointer,
                                     count: parameterCount)
                    if record { recorder.recordUpdateRatios() }
                }
                let endsEpoch = position == stepsPerEpoch - 1 || step == settings.steps - 1
                if endsEpoch { testAccuracy.append(network.accuracy(on: data.test)) }
                if (step + 1) % 64 == 0 {
                    progress?(step + 1 - reported)
                    reported = step + 1
                }
            }
        }
        // A diverged run counts as done: report the steps it will never take.
        if reported < settings.steps { progress?(settings.steps - reported) }
        recorder.finish()
        // A sweep's summary keeps the gradient norms of its few steps: thousands of runs stay small.
        let stats = settings.recordedSteps == nil ? recorder.layerStats() : LayerStats(weightGradNorm: recorder.layerStats().weightGradNorm)
        return RunHistory(
            network: settings.network, seed: settings.seed, settings: settings, layers: shape.layerNames,
            steps: recorder.steps, stats: stats, loss: recorder.losses,
            trainAccuracy: recorder.trainAccuracies, testAccuracy: testAccuracy, diverged: diverged,
            stepsPerBucket: recorder.stepsPerBucket)
    }
}
