extension ExperimentSpec {
    /// The number of updates in one epoch: `ceil(trainCount / batchSize)`.
    ///
    /// The last batch of an epoch holds the remainder (PyTorch's `drop_last=False`), so every
    /// training example is seen once per epoch. Digits (1437 training examples) at batch 64: 23.
    public static func stepsPerEpoch(trainCount: Int, batchSize: Int) -> Int {
        max(1, (trainCount + batchSize - 1) / batchSize)
    }

    /// The settings of the run of network `networkIndex` with `seed`: the network's overrides applied.
    ///
    /// The length comes from the most specific field: the network's `steps`, then its `epochs`,
    /// then the experiment's `steps`, then its `epochs`. `steps` counts updates.
    public func settings(networkIndex: Int, seed: Int, trainCount: Int) -> RunSettings {
        let network = networks[networkIndex]
        let batch = network.batchSize ?? batchSize
        let epochCount: Int?
        let stepCount: Int
        if let steps = network.steps {
            (epochCount, stepCount) = (nil, steps)
        } else if let epochs = network.epochs {
            (epochCount, stepCount) = (epochs, Self.saturatingProduct(epochs, Self.stepsPerEpoch(trainCount: trainCount, batchSize: batch)))
        } else if let steps {
            (epochCount, stepCount) = (nil, steps)
        } else {
            let epochs = epochs ?? 1
            (epochCount, stepCount) = (epochs, Self.saturatingProduct(epochs, Self.stepsPerEpoch(trainCount: trainCount, batchSize: batch)))
        }
        return RunSettings(
            network: network.name, activation: network.activation, batchNorm: network.batchNorm ?? false,
            residual: network.residual ?? false, depth: network.depth ?? depth, width: network.width ?? width,
            batchSize: batch, epochs: epochCount, steps: stepCount, optimizer: network.optimizer ?? optimizer,
            init: network.`init` ?? `init`, clipNorm: network.clipNorm ?? clipNorm,
            recordEvery: network.recordEvery ?? recordEvery, seed: seed, initGain: network.initGain ?? initGain,
            maxRecordedSteps: network.maxRecordedSteps ?? maxRecordedSteps ?? Self.defaultMaxRecordedSteps)
    }

    /// `a × b`, or `Int.max` where that overflows: a huge epoch count is refused by the memory check, not trapped.
    static func saturatingProduct(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }

    /// This spec with its seeds replaced by `[seed]` (the CLI's `--seed`).
    public func withSeed(_ seed: Int) -> ExperimentSpec {
        var copy = self
        copy.seeds = [seed]
        return copy
    }
}
