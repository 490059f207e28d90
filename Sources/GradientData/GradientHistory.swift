/// Per-layer statistics over recorded steps: `values[step][layer]`.
///
/// Layer index 0 is `hidden1` (input side); the last is `output`.
/// Zero and non-finite values are kept as they are.
///
/// In a bucketed history (`RunHistory.stepsPerBucket` > 1) row i summarises bucket i: the norms
/// and the update ratio (`weightGradNorm`, `biasGradNorm`, `deltaNorm`, `updateRatio`, all drawn
/// on log scales) hold the geometric mean of the bucket's values (the mean of their logs), the
/// other statistics the arithmetic mean. A NaN anywhere in a bucket makes its value NaN; else an
/// infinity makes it infinite; else a 0 (an underflow) makes a geometric mean 0. Nothing is hidden.
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
    /// Per bucket, the smallest and the largest `weightGradNorm` of its steps (NaN if any was NaN);
    /// empty when every bucket is one step.
    public var weightGradNormMin: [[Float]]
    public var weightGradNormMax: [[Float]]

    public init(
        weightGradNorm: [[Float]] = [], biasGradNorm: [[Float]] = [], deltaNorm: [[Float]] = [],
        activationMean: [[Float]] = [], activationStd: [[Float]] = [], saturatedFraction: [[Float]] = [],
        deadFraction: [[Float]] = [], updateRatio: [[Float]] = [],
        weightGradNormMin: [[Float]] = [], weightGradNormMax: [[Float]] = []
    ) {
        self.weightGradNorm = weightGradNorm
        self.biasGradNorm = biasGradNorm
        self.deltaNorm = deltaNorm
        self.activationMean = activationMean
        self.activationStd = activationStd
        self.saturatedFraction = saturatedFraction
        self.deadFraction = deadFraction
        self.updateRatio = updateRatio
        self.weightGradNormMin = weightGradNormMin
        self.weightGradNormMax = weightGradNormMax
    }

    private enum CodingKeys: String, CodingKey {
        case weightGradNorm, biasGradNorm, deltaNorm, activationMean, activationStd, saturatedFraction,
             deadFraction, updateRatio, weightGradNormMin, weightGradNormMax
    }

    /// Reads the eight statistics; the bucket minima and maxima may be absent (schema 1, or one step per bucket).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Read as doubles and rounded to Float here: another tool's 1e-50 or 1e39 is data (0 and
        // infinity), where Foundation would refuse the whole file as "not valid JSON".
        func table(_ key: CodingKeys) throws -> [[Float]] {
            try c.decode([[Double]].self, forKey: key).map { $0.map(Float.init) }
        }
        func optionalTable(_ key: CodingKeys) throws -> [[Float]] {
            try c.decodeIfPresent([[Double]].self, forKey: key)?.map { $0.map(Float.init) } ?? []
        }
        self.init(
            weightGradNorm: try table(.weightGradNorm),
            biasGradNorm: try table(.biasGradNorm),
            deltaNorm: try table(.deltaNorm),
            activationMean: try table(.activationMean),
            activationStd: try table(.activationStd),
            saturatedFraction: try table(.saturatedFraction),
            deadFraction: try table(.deadFraction),
            updateRatio: try table(.updateRatio),
            weightGradNormMin: try optionalTable(.weightGradNormMin),
            weightGradNormMax: try optionalTable(.weightGradNormMax))
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
    /// The step number of each recorded row (0 = at initialisation, before any update); in a
    /// bucketed history, the first step of each bucket.
    public var steps: [Int]
    /// How many consecutive recorded steps each row summarises (1: every recorded step is a row).
    ///
    /// A run whose recorded steps would exceed `RunSettings.maxRecordedSteps` groups them into
    /// buckets of this many (the last may hold fewer); see `LayerStats` for how values combine.
    /// With `recordEvery` k, a bucket spans `stepsPerBucket · k` training steps.
    public var stepsPerBucket: Int
    public var stats: LayerStats
    /// Training loss per recorded step (per bucket: the arithmetic mean).
    public var loss: [Float]
    /// Training-batch accuracy per recorded step (per bucket: the arithmetic mean).
    public var trainAccuracy: [Float]
    /// Test accuracy after each epoch (eval mode).
    public var testAccuracy: [Float]
    /// The step at which a loss or gradient stopped being finite, else nil.
    public var diverged: Int?
    /// What a recurrent run recorded per time step; nil for an MLP run.
    ///
    /// A recurrent run's `layers` are `input` (W_ih, b_ih), `recurrent` (W_hh, b_hh) and `readout`.
    public var time: TimeStepRecord?

    public init(
        network: String, seed: Int, settings: RunSettings, layers: [String], steps: [Int], stats: LayerStats,
        loss: [Float], trainAccuracy: [Float], testAccuracy: [Float], diverged: Int?, stepsPerBucket: Int = 1,
        time: TimeStepRecord? = nil
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
        self.stepsPerBucket = stepsPerBucket
        self.time = time
    }

    private enum CodingKeys: String, CodingKey {
        case network, seed, settings, layers, steps, stepsPerBucket, stats, loss, trainAccuracy, testAccuracy, diverged, time
    }

    /// Reads a run; `stepsPerBucket` is absent in schema 1 files, which recorded every step: 1.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            network: try c.decode(String.self, forKey: .network), seed: try c.decode(Int.self, forKey: .seed),
            settings: try c.decode(RunSettings.self, forKey: .settings),
            layers: try c.decode([String].self, forKey: .layers), steps: try c.decode([Int].self, forKey: .steps),
            stats: try c.decode(LayerStats.self, forKey: .stats), loss: try c.decode([Double].self, forKey: .loss).map(Float.init),
            trainAccuracy: try c.decode([Double].self, forKey: .trainAccuracy).map(Float.init),
            testAccuracy: try c.decode([Double].self, forKey: .testAccuracy).map(Float.init),
            diverged: try c.decodeIfPresent(Int.self, forKey: .diverged),
            stepsPerBucket: try c.decodeIfPresent(Int.self, forKey: .stepsPerBucket) ?? 1,
            time: try c.decodeIfPresent(TimeStepRecord.self, forKey: .time))
    }
}

/// The recorded result of an experiment: `history.json`.
public struct GradientHistory: Codable, Sendable, Hashable {
    /// The format version; readers refuse versions they do not know.
    public var schema: Int
    public var spec: ExperimentSpec
    /// One per (network, seed), networks in spec order, then seeds in spec order.
    public var runs: [RunHistory]

    /// 2: runs may be bucketed (`RunHistory.stepsPerBucket`, bucket minima and maxima).
    /// 3: recurrent runs (`RunHistory.time`, `RunSettings.recurrent`, a spec's `task`).
    public static let currentSchema = 3

    /// The largest step number a history may hold: 2^53, the last integer every figure can place
    /// exactly as a Double (and far beyond any training run).
    public static let largestStep = 9_007_199_254_740_992
    /// The schemas `decode` reads: 1 (every recorded step a row), 2 and 3.
    public static let readableSchemas = [1, 2, 3]

    public init(spec: ExperimentSpec, runs: [RunHistory], schema: Int = GradientHistory.currentSchema) {
        self.schema = schema
        self.spec = spec
        self.runs = runs
    }
}

/// What a recurrent run recorded along the time axis: `values[row][timeBucket]`, rows as `RunHistory.steps`.
///
/// Time bucket j covers time steps `timeSteps[j] ..< timeSteps[j] + timeStepsPerBucket` (1 = the
/// first input; the last bucket may hold fewer). A norm over a bucket is the geometric mean of its
/// time steps' norms, a gate mean or share the arithmetic mean; over a bucket of training steps, likewise.
public struct TimeStepRecord: Codable, Sendable, Hashable {
    /// The first time step (1-based) of each time bucket.
    public var timeSteps: [Int]
    /// How many consecutive time steps each bucket holds.
    public var timeStepsPerBucket: Int
    /// ‖∂L/∂h_t‖: Frobenius norm over batch × hidden of the total derivative of the batch-mean loss.
    public var hiddenGradNorm: [[Float]]
    /// ‖∂L/∂c_t‖ of the LSTM cell state (total derivative); empty for other cells.
    public var cellGradNorm: [[Float]]
    /// Mean of the LSTM forget gate f or the GRU update gate z at t (the share of memory kept); empty for Elman cells.
    public var gateMean: [[Float]]
    /// Share of the tanh units at t with |value| > 0.97 (Elman tanh: h_t; LSTM: tanh(c_t); GRU: n_t); relu: 0.
    public var saturatedFraction: [[Float]]
    /// The training steps at which the test metric was computed (step 0 first, the end last).
    public var evaluationSteps: [Int]
    /// The test metric at each evaluation step: MSE on the fixed test set (adding) or test accuracy.
    public var testMetric: [Float]
    /// σ_max(W_hh), the largest singular value of the whole recurrent weight matrix, at initialisation and at the end.
    public var recurrentSpectralNorm: [Float]

    public init(
        timeSteps: [Int], timeStepsPerBucket: Int, hiddenGradNorm: [[Float]], cellGradNorm: [[Float]],
        gateMean: [[Float]], saturatedFraction: [[Float]], evaluationSteps: [Int], testMetric: [Float],
        recurrentSpectralNorm: [Float]
    ) {
        self.timeSteps = timeSteps
        self.timeStepsPerBucket = timeStepsPerBucket
        self.hiddenGradNorm = hiddenGradNorm
        self.cellGradNorm = cellGradNorm
        self.gateMean = gateMean
        self.saturatedFraction = saturatedFraction
        self.evaluationSteps = evaluationSteps
        self.testMetric = testMetric
        self.recurrentSpectralNorm = recurrentSpectralNorm
    }

    /// The names of the per-time-step tables, in the order of a recurrent history.csv's columns.
    public static let names = ["hiddenGradNorm", "cellGradNorm", "gateMean", "saturatedFraction"]

    /// The per-time-step table called `name` (one of `names`).
    public subscript(name: String) -> [[Float]]? {
        switch name {
        case "hiddenGradNorm": return hiddenGradNorm
        case "cellGradNorm": return cellGradNorm
        case "gateMean": return gateMean
        case "saturatedFraction": return saturatedFraction
        default: return nil
        }
    }
}
