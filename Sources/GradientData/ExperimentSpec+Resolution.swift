import Foundation

extension ExperimentSpec {
    /// The number of updates in one epoch: `ceil(trainCount / batchSize)`.
    ///
    /// The last batch of an epoch holds the remainder (PyTorch's `drop_last=False`), so every
    /// training example is seen once per epoch. Digits (1437 training examples) at batch 64: 23.
    public static func stepsPerEpoch(trainCount: Int, batchSize: Int) -> Int {
        max(1, (trainCount + batchSize - 1) / batchSize)
    }

    /// The networks that train, in order: `networks`, or with `depths` each network once per
    /// depth (network-major), named `NAME depth D` (`sigmoid depth 10`), or with a `sweep` each
    /// network at every grid point (network-major), named `NAME σw²=1.5 depth=20`.
    ///
    /// A sweep's runs keep distinct names, so history.csv and every figure tell them apart;
    /// `sweepPoint(of:)` finds a run's network and depth again.
    public var expandedNetworks: [NetworkSpec] {
        if let sweep { return sweptNetworks(sweep) }
        guard let depths else { return networks }
        return networks.flatMap { network in
            depths.map { depth in
                var copy = network
                copy.name = Self.sweepRunName(network.name, depth: depth)
                copy.depth = depth
                return copy
            }
        }
    }

    /// `sigmoid depth 10`: the name of network `name`'s run at `depth` in a depth sweep.
    public static func sweepRunName(_ name: String, depth: Int) -> String { "\(name) depth \(depth)" }

    /// The index in `networks` and the depth of the sweep run called `runName`; nil if it is not one.
    public func sweepPoint(of runName: String) -> (network: Int, depth: Int)? {
        guard let depths else { return nil }
        for (n, network) in networks.enumerated() {
            for depth in depths where Self.sweepRunName(network.name, depth: depth) == runName { return (n, depth) }
        }
        return nil
    }

    /// The data set of the run with `seed`: split, standardised, and cut to `trainExamples`.
    ///
    /// - Throws: `DatasetError` when the data cannot be read or holds fewer training examples than asked for.
    public func loadData(seed: Int, relativeTo folder: URL?) throws -> DataSplit {
        try cut(dataset.load(seed: seed, relativeTo: folder))
    }

    /// The data set of every seed, in `seeds` order, as `loadData` gives it for each.
    ///
    /// A file (or the digits) is read once for all seeds; an error is the first failing seed's.
    public func loadAllData(relativeTo folder: URL?) throws -> [DataSplit] {
        let source = try ExperimentSpec.SeedData(self, relativeTo: folder)
        return try seeds.map { try source.split(seed: $0) }
    }

    /// Each seed's data set, made when a run needs it: a spec with many seeds never holds every
    /// seed's copy at once. A file (or the digits) is read once, when this is made.
    public struct SeedData: Sendable {
        private let spec: ExperimentSpec
        private let folder: URL?
        private let shared: Dataset?

        public init(_ spec: ExperimentSpec, relativeTo folder: URL?) throws {
            self.spec = spec
            self.folder = folder
            shared = spec.dataset.isSeedIndependent ? try spec.dataset.examples(seed: spec.seeds.first ?? 0, relativeTo: folder) : nil
        }

        /// The data set of the run with `seed`, as `loadData` gives it.
        public func split(seed: Int) throws -> DataSplit {
            try spec.cut((shared ?? spec.dataset.examples(seed: seed, relativeTo: folder)).split(seed: seed))
        }
    }

    /// `split` with its training set cut to `trainExamples`.
    fileprivate func cut(_ split: DataSplit) throws -> DataSplit {
        var split = split
        if let n = trainExamples {
            guard n <= split.train.count else {
                throw DatasetError(source: name, message: "trainExamples is \(n), but the data set has only \(split.train.count) training examples")
            }
            split.train = split.train.subset(Array(0..<n))
        }
        return split
    }

    /// The settings of the run of network `networkIndex` with `seed`: the network's overrides applied.
    ///
    /// The length comes from the most specific field: the network's `steps`, then its `epochs`,
    /// then the experiment's `steps`, then its `epochs`. `steps` counts updates.
    public func settings(networkIndex: Int, seed: Int, trainCount: Int) -> RunSettings {
        let network = expandedNetworks[networkIndex]
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
        var settings = RunSettings(
            network: network.name, activation: network.activation, batchNorm: network.batchNorm ?? false,
            residual: network.residual ?? false, depth: network.depth ?? depth, width: network.width ?? width,
            batchSize: batch, epochs: epochCount, steps: stepCount, optimizer: network.optimizer ?? optimizer,
            init: network.`init` ?? `init`, clipNorm: network.clipNorm ?? clipNorm,
            recordEvery: network.recordEvery ?? recordEvery, seed: seed, initGain: network.initGain ?? initGain,
            maxRecordedSteps: network.maxRecordedSteps ?? maxRecordedSteps ?? Self.defaultMaxRecordedSteps)
        if let task, let cell = network.cell {
            let hidden = network.hidden ?? width
            settings.depth = 1
            settings.width = hidden
            settings.recurrent = RecurrentSettings(
                task: task, cell: cell, hidden: hidden, init: network.recurrentInit ?? recurrentInit ?? .pytorch,
                forgetBias: cell == .lstm ? network.forgetBias ?? forgetBias : nil,
                maxRecordedTimeSteps: maxRecordedTimeSteps ?? Self.defaultMaxRecordedTimeSteps)
        }
        if sweep != nil {
            settings.sweepPoint = network.sweepPoint
            settings.recordedSteps = Self.summarySteps(steps: stepCount)
        }
        return settings
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
