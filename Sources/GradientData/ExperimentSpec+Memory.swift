import Foundation

/// How much memory a spec needs at its peak, in bytes, and for what.
///
/// An estimate from the sizes alone, computed in Double so that no spec, however large, can
/// overflow it: depth 10⁹ gives a large number, not a trap.
public struct MemoryEstimate: Sendable, Hashable {
    /// The networks that train at once: parameters, gradients, optimiser state, the weights kept
    /// for update ratios, and every buffer a batch passes through.
    public var training: Double
    /// Every run's recorded statistics, held until the history is written.
    public var history: Double
    /// The text of history.json and history.csv while they are written (after training).
    public var files: Double
    /// The index of the network whose runs need the most.
    public var largestNetwork: Int
    /// The data set, split once per seed, held while training.
    public var data: Double = 0

    /// The peak: data and history plus the larger of training and writing, which never overlap.
    public var total: Double { data + history + max(training, files) }
}

extension ExperimentSpec {
    /// Estimates the peak memory of training this spec on data of the given size.
    ///
    /// - Parameters:
    ///   - inputCount: features per example; `classCount`: classes; `trainCount`: training examples.
    ///   - threads: how many runs train at once.
    public func memoryEstimate(inputCount: Int, classCount: Int, trainCount: Int, threads: Int) -> MemoryEstimate {
        var runNeeds: [(training: Double, history: Double, files: Double)] = []
        var byNetwork = [Double](repeating: 0, count: networks.count)
        let runs = expandedNetworks
        for index in runs.indices {
            let settings = self.settings(networkIndex: index, seed: seeds.first ?? 0, trainCount: max(trainCount, 1))
            let need = Self.runMemory(settings, inputCount: inputCount, classCount: classCount, trainCount: trainCount)
            for _ in seeds { runNeeds.append(need) }
            // A depth sweep's runs count towards the network they sweep.
            let owner = sourceNetworkIndex(ofExpanded: index)
            byNetwork[owner] += need.training + Double(seeds.count) * (need.history + need.files)
        }
        let parallel = max(1, min(threads, runNeeds.count))
        let training = runNeeds.map(\.training).sorted(by: >).prefix(parallel).reduce(0, +)
        let largest = byNetwork.indices.max { byNetwork[$0] < byNetwork[$1] } ?? 0
        // Each seed has its own split: every example's features and label, test set included.
        let examples = Double(max(trainCount, 1)) / 0.8
        let data = Double(seeds.count) * examples * (Double(inputCount) + 1) * 4
        return MemoryEstimate(
            training: training, history: runNeeds.map(\.history).reduce(0, +),
            files: runNeeds.map(\.files).reduce(0, +), largestNetwork: largest, data: data)
    }

    /// Refuses a spec whose estimated peak exceeds `available` bytes (default: the machine's memory).
    ///
    /// - Throws: `SpecError` naming the network that needs the most and the estimate.
    public func checkMemory(
        inputCount: Int, classCount: Int, trainCount: Int, threads: Int,
        available: Double = Double(ProcessInfo.processInfo.physicalMemory), source: String
    ) throws {
        let estimate = memoryEstimate(inputCount: inputCount, classCount: classCount, trainCount: trainCount,
                                      threads: threads)
        guard estimate.total > available else { return }
        let index = estimate.largestNetwork
        let name = networks.indices.contains(index) ? "'\(networks[index].name)' " : ""
        let runCount = expandedNetworks.count * seeds.count
        // Many runs of small networks (one run alone would fit): the count, not one network, is what to lower.
        if runCount > 1 && estimate.total / Double(runCount) * Double(min(runCount, max(threads, 1))) <= available {
            throw SpecError(
                source: source, path: "seeds",
                message: "\(expandedNetworks.count) network(s) × \(seeds.count) seed(s) = \(runCount) runs need about "
                    + "\(Self.byteText(estimate.total)) of memory (data \(Self.byteText(estimate.data)), recorded history "
                    + "\(Self.byteText(estimate.history)), writing files \(Self.byteText(estimate.files))), more than this "
                    + "machine's \(Self.byteText(available)); use fewer seeds or networks, or record fewer steps (maxRecordedSteps)")
        }
        throw SpecError(
            source: source, path: networks.indices.contains(index) ? "networks[\(index)]" : "",
            message: "\(name)needs about \(Self.byteText(estimate.total)) of memory "
                + "(training \(Self.byteText(estimate.training)), recorded history \(Self.byteText(estimate.history)), "
                + "data \(Self.byteText(estimate.data)), "
                + "writing files \(Self.byteText(estimate.files))), more than this machine's "
                + "\(Self.byteText(available)); lower depth, width, batchSize or the number of steps, "
                + "or record fewer steps (recordEvery)")
    }

    /// The bytes one run needs while training, for its recorded history, and for writing it.
    static func runMemory(_ settings: RunSettings, inputCount: Int, classCount: Int, trainCount: Int)
        -> (training: Double, history: Double, files: Double)
    {
        let d = Double(settings.depth)
        let w = Double(settings.width)
        let i = Double(inputCount)
        let c = Double(classCount)
        let batch = Double(max(1, min(settings.batchSize, trainCount)))
        let float = 4.0
        var parameters = i * w + w + (d - 1) * (w * w + w) + w * c + c
        if settings.batchNorm { parameters += 2 * w * d }
        // Parameters, gradients, the weights before an update (update ratios), optimiser state.
        let vectors = settings.optimizer.kind == .adam ? 5.0 : 4.0
        let perLayerBlocks = 1 + (settings.residual ? 1.0 : 0) + (settings.batchNorm ? 1.0 : 0)
        // Batch buffers: per hidden layer its outputs; five shared scratch blocks; input; logits and their gradient.
        let activations = (d * perLayerBlocks + 5) * batch * w + batch * i + 2 * batch * c
        let runningStatistics = 2 * d * w + (settings.batchNorm ? d * w : 0)
        let training = (vectors * parameters + activations + runningStatistics) * float

        let rows = recordedRows(settings)
        let layers = d + 1
        let epochs = Double(settings.steps) / Double(ExperimentSpec.stepsPerEpoch(
            trainCount: max(trainCount, 1), batchSize: max(1, min(settings.batchSize, trainCount))))
        // Eight statistics per layer and row, each row an array (with its header), and the smallest and
        // largest gradient norm of bucketed rows; loss, accuracy, step; test accuracy per epoch.
        let bucketed = rows < recordedRows(RunSettings(copying: settings, maxRecordedSteps: nil))
        // A sweep's summary keeps the gradient norms only.
        let tables: Double = settings.recordedSteps != nil ? 1 : bucketed ? 10 : 8
        let history = rows * (tables * (layers * float + 48) + 16) + (epochs + 1) * float
        // About 12 characters a number in each of history.json and history.csv, plus copies while encoding.
        let files = rows * layers * tables * 48
        return (training, history, files)
    }

    /// How many rows a run records: every `recordEvery`-th step and the last, at most
    /// `maxRecordedSteps` (longer runs group their steps into that many buckets).
    static func recordedRows(_ settings: RunSettings) -> Double {
        if let recordedSteps = settings.recordedSteps { return Double(recordedSteps.count + 1) }
        let rows = (Double(settings.steps) / Double(max(1, settings.recordEvery))).rounded(.up) + 1
        guard let bound = settings.maxRecordedSteps else { return rows }
        return min(rows, Double(max(1, bound)) + 1)
    }

    /// A byte count in words, binary units with one decimal: `512 B`, `1.5 GB`, `3.2 PB`.
    public static func byteText(_ bytes: Double) -> String {
        guard bytes.isFinite else { return "an unbounded amount" }
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
        var value = bytes
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(value)) B" }
        return NumberText.fixed(value, digits: 1) + " " + units[unit]
    }
}

extension ExperimentSpec {
    /// Refuses a CSV data set that cannot fill one batch of some network.
    ///
    /// - Parameter trainCount: the training examples the data set gives (after the 80/20 split).
    public func checkBatches(trainCount: Int, examples: Int, source: String) throws {
        guard case .csv = dataset else { return }
        for (index, network) in networks.enumerated() {
            let batch = network.batchSize ?? batchSize
            if trainCount < batch {
                let path = network.batchSize == nil ? "batchSize" : "networks[\(index)].batchSize"
                throw DatasetError(
                    source: source,
                    message: "\(examples) examples leave \(trainCount) for training (80 %), "
                        + "fewer than one batch (\(path) \(batch)); add rows or lower the batch size")
            }
        }
    }
}

extension RunSettings {
    /// `settings` with another bound on recorded rows.
    init(copying settings: RunSettings, maxRecordedSteps: Int?) {
        self = settings
        self.maxRecordedSteps = maxRecordedSteps
    }
}
