/// Per-layer statistics over recorded steps: `values[step][layer]`.
///
/// Layer index 0 is `hidden1` (input side); the last is `output`.
/// Zero and non-finite values are kept as they are.
public struct LayerStats: Codable, Sendable, Hashable {
    /// Frobenius norm of dL/dW.
    public var weightGradNorm: [[Float]]
    /// L2 norm of dL/db.
    public var biasGradNorm: [[Float]]
    /// L2 norm of the batch mean of dL/dz (z = pre-activation).
    public var deltaNorm: [[Float]]
    /// Mean of the layer's output over the batch and units.
    public var activationMean: [[Float]]
    /// Standard deviation of the layer's output over the batch and units.
    public var activationStd: [[Float]]
    /// Share of saturated outputs (sigmoid: < 0.03 or > 0.97; tanh: |a| > 0.97; relu: 0).
    public var saturatedFraction: [[Float]]
    /// Share of units that are 0 for every example of the batch (relu), else 0.
    public var deadFraction: [[Float]]
    /// ‖ΔW‖ / ‖W‖ of the update that follows the step.
    public var updateRatio: [[Float]]

    public init(
        weightGradNorm: [[Float]] = [], biasGradNorm: [[Float]] = [], deltaNorm: [[Float]] = [],
        activationMean: [[Float]] = [], activationStd: [[Float]] = [], saturatedFraction: [[Float]] = [],
        deadFraction: [[Float]] = [], updateRatio: [[Float]] = []
    ) {
        self.weightGradNorm = weightGradNorm
        self.biasGradNorm = biasGradNorm
        self.deltaNorm = deltaNorm
        self.activationMean = activationMean
        self.activationStd = activationStd
        self.saturatedFraction = saturatedFraction
        self.deadFraction = deadFraction
        self.updateRatio = updateRatio
    }

    /// The names of the eight statistics, in the order of `history.csv`'s columns.
    public static let names = [
        "weightGradNorm", "biasGradNorm", "deltaNorm", "activationMean", "activationStd",
        "saturatedFraction", "deadFraction", "updateRatio",
    ]

    /// The statistic called `name` (one of `names`).
    public subscript(name: String) -> [[Float]]? {
        switch name {
        case "weightGradNorm": return weightGradNorm
        case "biasGradNorm": return biasGradNorm
        case "deltaNorm": return deltaNorm
        case "activationMean": return activationMean
        case "activationStd": return activationStd
        case "saturatedFraction": return saturatedFraction
        case "deadFraction": return deadFraction
        case "updateRatio": return updateRatio
        default: return nil
        }
    }
}

/// Everything recorded for one (network, seed) run.
public struct RunHistory: Codable, Sendable, Hashable {
    public var network: String
    public var seed: Int
    public var settings: RunSettings
    /// `hidden1` … `hiddenL`, `output`.
    public var layers: [String]
    /// The step number of each recorded row (0 = at initialisation, before any update).
    public var steps: [Int]
    public var stats: LayerStats
    /// Training loss per recorded step.
    public var loss: [Float]
    /// Training-batch accuracy per recorded step.
    public var trainAccuracy: [Float]
    /// Test accuracy after each epoch (eval mode).
    public var testAccuracy: [Float]
    /// The step at which a loss or gradient stopped being finite, else nil.
    public var diverged: Int?

    public init(
        network: String, seed: Int, settings: RunSettings, layers: [String], steps: [Int], stats: LayerStats,
        loss: [Float], trainAccuracy: [Float], testAccuracy: [Float], diverged: Int?
    ) {
        self.network = network
        self.seed = seed
        self.settings = settings
        self.layers = layers
        self.steps = steps
        self.stats = stats
        self.loss = loss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.diverged = diverged
    }
}

/// The recorded result of an experiment: `history.json`.
public struct GradientHistory: Codable, Sendable, Hashable {
    /// The format version; readers refuse versions they do not know.
    public var schema: Int
    public var spec: ExperimentSpec
    /// One per (network, seed), networks in spec order, then seeds in spec order.
    public var runs: [RunHistory]

    public static let currentSchema = 1

    public init(spec: ExperimentSpec, runs: [RunHistory], schema: Int = GradientHistory.currentSchema) {
        self.schema = schema
        self.spec = spec
        self.runs = runs
    }
}
