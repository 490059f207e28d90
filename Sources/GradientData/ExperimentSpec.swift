/// A nonlinearity applied after each hidden layer's (optional) normalisation.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case sigmoid
    case tanh
    case relu
}

/// The optimiser that turns gradients into updates.
public struct OptimizerSpec: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case sgd
        case adam
    }

    public var kind: Kind
    public var learningRate: Double
    /// SGD momentum (0 for plain SGD); ignored by Adam.
    public var momentum: Double?
    /// Adam's decay rates and epsilon; defaults 0.9, 0.999, 1e-8.
    public var beta1: Double?
    public var beta2: Double?
    public var epsilon: Double?

    public init(
        kind: Kind, learningRate: Double, momentum: Double? = nil,
        beta1: Double? = nil, beta2: Double? = nil, epsilon: Double? = nil
    ) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

/// Where the training and test examples come from.
public enum DatasetSpec: Sendable, Hashable {
    /// The UCI handwritten digits shipped with the package (1797 × 64, 10 classes).
    case digits
    /// Two interleaved spirals in 2-D, generated from the run's seed (fast tests).
    case spirals
    /// A user's numeric CSV: feature columns and one integer label column.
    case csv(path: String, labelColumn: String)
}

/// One network of an experiment; any training field set here overrides the experiment's.
public struct NetworkSpec: Codable, Sendable, Hashable {
    public var name: String
    public var activation: Activation
    public var batchNorm: Bool?
    public var residual: Bool?
    public var depth: Int?
    public var width: Int?
    public var batchSize: Int?
    public var epochs: Int?
    public var steps: Int?
    public var optimizer: OptimizerSpec?
    public var `init`: Initialization?
    public var clipNorm: Double?
    public var recordEvery: Int?
    /// Multiplies the standard deviation of the initial weights (PyTorch's `gain`); nil: 1.
    public var initGain: Double?
    /// At most this many time buckets per layer in the history; nil: the experiment's.
    public var maxRecordedSteps: Int?
    /// The cell of a recurrent network (then `activation` is a placeholder: the cell's squashing); nil for an MLP.
    public var cell: RecurrentCell?
    /// The size of a recurrent network's hidden state.
    public var hidden: Int?
    /// A recurrent network's initialisation (JSON key `init`); nil: the experiment's.
    public var recurrentInit: RecurrentInitialization?
    /// Added to the LSTM forget gate's part of `b_ih`; nil: the experiment's, else 0.
    public var forgetBias: Double?
    /// Where this network sits in its spec's sweep; set only on the runs `expandedNetworks` makes.
    public var sweepPoint: SweepPoint?

    public init(
        name: String, activation: Activation, batchNorm: Bool? = nil, residual: Bool? = nil,
        depth: Int? = nil, width: Int? = nil, batchSize: Int? = nil, epochs: Int? = nil, steps: Int? = nil,
        optimizer: OptimizerSpec? = nil, init: Initialization? = nil, clipNorm: Double? = nil, recordEvery: Int? = nil,
        initGain: Double? = nil, maxRecordedSteps: Int? = nil
    ) {
        self.name = name
        self.activation = activation
        self.batchNorm = batchNorm
        self.residual = residual
        self.depth = depth
        self.width = width
        self.batchSize = batchSize
        self.epochs = epochs
        self.steps = steps
        self.optimizer = optimizer
        self.`init` = `init`
        self.clipNorm = clipNorm
        self.recordEvery = recordEvery
        self.initGain = initGain
        self.maxRecordedSteps = maxRecordedSteps
    }

    /// A recurrent network: a `cell` of `hidden` units; the training fields override the experiment's as for an MLP.
    public static func recurrent(
        name: String, cell: RecurrentCell, hidden: Int, init: RecurrentInitialization? = nil, forgetBias: Double? = nil,
        batchSize: Int? = nil, steps: Int? = nil, optimizer: OptimizerSpec? = nil, clipNorm: Double? = nil,
        recordEvery: Int? = nil, maxRecordedSteps: Int? = nil
    ) -> NetworkSpec {
        var network = NetworkSpec(
            name: name, activation: cell.activation, batchSize: batchSize, steps: steps, optimizer: optimizer,
            clipNorm: clipNorm, recordEvery: recordEvery, maxRecordedSteps: maxRecordedSteps)
        network.cell = cell
        network.hidden = hidden
        network.recurrentInit = `init`
        network.forgetBias = forgetBias
        return network
    }
}

/// What to train: the JSON spec of an experiment (`Reports/zoo.json`).
///
/// Either `epochs` or `steps` sets the length of training; `steps` wins where both are set.
public struct ExperimentSpec: Codable, Sendable, Hashable {
    public var name: String
    public var title: String
    public var dataset: DatasetSpec
    public var depth: Int
    public var width: Int
    public var batchSize: Int
    public var epochs: Int?
    public var steps: Int?
    public var optimizer: OptimizerSpec
    public var `init`: Initialization
    public var clipNorm: Double?
    public var seeds: [Int]
    public var recordEvery: Int
    public var networks: [NetworkSpec]
    /// Multiplies the standard deviation of the initial weights (PyTorch's `gain`); nil: 1.
    public var initGain: Double?
    /// The gradient log (file name) a history was imported from; nil for a trained history.
    ///
    /// An imported history's training settings are unknown: its spec and settings hold placeholders.
    public var importedFrom: String?
    /// At most this many time buckets per layer in a run's history; nil: `defaultMaxRecordedSteps`.
    ///
    /// Longer runs group consecutive recorded steps into buckets (see `RunHistory.stepsPerBucket`).
    public var maxRecordedSteps: Int?

    /// The bound on recorded time buckets per layer when a spec sets none.
    public static let defaultMaxRecordedSteps = 2000
    /// A depth sweep: every network trains once per depth listed here (see `expandedNetworks`).
    public var depths: [Int]?
    /// Train on the first this-many training examples only (after the split), e.g. so that
    /// one epoch at `batchSize` ≥ this is one full batch; nil: all of them.
    public var trainExamples: Int?
    /// The sequence task of a recurrent spec; nil for an MLP spec.
    ///
    /// A recurrent spec's `dataset`, `depth`, `width` and `init` hold placeholders (digits, 1, the
    /// largest `hidden`, xavier-normal) that its JSON never writes.
    public var task: SequenceTask?
    /// A recurrent spec's initialisation for every network that sets none; nil: `pytorch`.
    public var recurrentInit: RecurrentInitialization?
    /// A recurrent spec's LSTM forget-gate bias for every network that sets none; nil: 0.
    public var forgetBias: Double?
    /// At most this many time buckets per recorded step of a recurrent run; nil: `defaultMaxRecordedTimeSteps`.
    public var maxRecordedTimeSteps: Int?

    /// The bound on recorded time buckets when a recurrent spec sets none.
    public static let defaultMaxRecordedTimeSteps = 200
    /// A grid of settings every network trains at (see `ParameterSweep`); nil: each network once.
    public var sweep: ParameterSweep?

    /// True for a spec of recurrent networks (it has a `task`).
    public var isRecurrent: Bool { task != nil }

    /// A recurrent spec: `networks` built with `NetworkSpec.recurrent`; the MLP fields get their placeholders.
    public static func recurrent(
        name: String, title: String, task: SequenceTask, batchSize: Int, steps: Int, optimizer: OptimizerSpec,
        init: RecurrentInitialization? = nil, forgetBias: Double? = nil, clipNorm: Double? = nil, seeds: [Int],
        recordEvery: Int = 1, networks: [NetworkSpec], maxRecordedSteps: Int? = nil, maxRecordedTimeSteps: Int? = nil
    ) -> ExperimentSpec {
        var spec = ExperimentSpec(
            name: name, title: title, dataset: .digits, depth: 1, width: networks.compactMap(\.hidden).max() ?? 1,
            batchSize: batchSize, epochs: nil, steps: steps, optimizer: optimizer, init: .xavierNormal,
            clipNorm: clipNorm, seeds: seeds, recordEvery: recordEvery, networks: networks,
            maxRecordedSteps: maxRecordedSteps)
        spec.task = task
        spec.recurrentInit = `init`
        spec.forgetBias = forgetBias
        spec.maxRecordedTimeSteps = maxRecordedTimeSteps
        return spec
    }

    public init(
        name: String, title: String, dataset: DatasetSpec, depth: Int, width: Int, batchSize: Int,
        epochs: Int?, steps: Int? = nil, optimizer: OptimizerSpec, init: Initialization, clipNorm: Double? = nil,
        seeds: [Int], recordEvery: Int = 1, networks: [NetworkSpec], initGain: Double? = nil, importedFrom: String? = nil,
        maxRecordedSteps: Int? = nil, depths: [Int]? = nil, trainExamples: Int? = nil
    ) {
        self.name = name
        self.title = title
        self.dataset = dataset
        self.depth = depth
        self.width = width
        self.batchSize = batchSize
        self.epochs = epochs
        self.steps = steps
        self.optimizer = optimizer
        self.`init` = `init`
        self.clipNorm = clipNorm
        self.seeds = seeds
        self.recordEvery = recordEvery
        self.networks = networks
        self.initGain = initGain
        self.importedFrom = importedFrom
        self.maxRecordedSteps = maxRecordedSteps
        self.depths = depths
        self.trainExamples = trainExamples
    }
}

/// The fully resolved settings of one run: the experiment's fields with the network's overrides applied.
public struct RunSettings: Codable, Sendable, Hashable {
    public var network: String
    public var activation: Activation
    public var batchNorm: Bool
    public var residual: Bool
    public var depth: Int
    public var width: Int
    public var batchSize: Int
    /// Epochs when the length was given in epochs, else nil.
    public var epochs: Int?
    /// Total number of updates.
    public var steps: Int
    public var optimizer: OptimizerSpec
    public var `init`: Initialization
    public var clipNorm: Double?
    public var recordEvery: Int
    public var seed: Int
    /// Multiplies the standard deviation of the initial weights; nil: 1.
    public var initGain: Double?
    /// The gradient log this run was imported from; nil when vanish trained it.
    ///
    /// An imported run's activation, widths and training settings are placeholders, not facts.
    public var importedFrom: String?
    /// At most this many time buckets per layer; nil (histories written before the key existed):
    /// no bound was applied.
    public var maxRecordedSteps: Int?
    /// The task, cell and hidden size of a recurrent run; nil for an MLP run (then `activation`,
    /// `depth` and `width` are facts; for a recurrent run they are the cell's squashing, 1 and `hidden`).
    public var recurrent: RecurrentSettings?
    /// The run's coordinates in its spec's sweep; nil for a run outside a sweep.
    public var sweepPoint: SweepPoint?
    /// The only steps recorded (a sweep's summary: step 0, the middle and the last), and only
    /// `weightGradNorm` of the statistics; nil: every `recordEvery`-th step, every statistic.
    public var recordedSteps: [Int]?

    public init(
        network: String, activation: Activation, batchNorm: Bool, residual: Bool, depth: Int, width: Int,
        batchSize: Int, epochs: Int?, steps: Int, optimizer: OptimizerSpec, init: Initialization,
        clipNorm: Double?, recordEvery: Int, seed: Int, initGain: Double? = nil, importedFrom: String? = nil,
        maxRecordedSteps: Int? = nil
    ) {
        self.network = network
        self.activation = activation
        self.batchNorm = batchNorm
        self.residual = residual
        self.depth = depth
        self.width = width
        self.batchSize = batchSize
        self.epochs = epochs
        self.steps = steps
        self.optimizer = optimizer
        self.`init` = `init`
        self.clipNorm = clipNorm
        self.recordEvery = recordEvery
        self.seed = seed
        self.initGain = initGain
        self.importedFrom = importedFrom
        self.maxRecordedSteps = maxRecordedSteps
    }
}

extension NetworkSpec {
    /// Reads a network as history.json holds it; a recurrent network (with `cell`) has no `activation`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let cell = try c.decodeIfPresent(RecurrentCell.self, forKey: .cell)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            activation: try cell.map(\.activation) ?? c.decode(Activation.self, forKey: .activation),
            batchNorm: try c.decodeIfPresent(Bool.self, forKey: .batchNorm),
            residual: try c.decodeIfPresent(Bool.self, forKey: .residual),
            depth: try c.decodeIfPresent(Int.self, forKey: .depth), width: try c.decodeIfPresent(Int.self, forKey: .width),
            batchSize: try c.decodeIfPresent(Int.self, forKey: .batchSize),
            epochs: try c.decodeIfPresent(Int.self, forKey: .epochs), steps: try c.decodeIfPresent(Int.self, forKey: .steps),
            optimizer: try c.decodeIfPresent(OptimizerSpec.self, forKey: .optimizer),
            init: cell == nil ? try c.decodeIfPresent(Initialization.self, forKey: .`init`) : nil,
            clipNorm: try c.decodeIfPresent(Double.self, forKey: .clipNorm),
            recordEvery: try c.decodeIfPresent(Int.self, forKey: .recordEvery),
            initGain: try c.decodeIfPresent(Double.self, forKey: .initGain),
            maxRecordedSteps: try c.decodeIfPresent(Int.self, forKey: .maxRecordedSteps))
        self.cell = cell
        hidden = try c.decodeIfPresent(Int.self, forKey: .hidden)
        if cell != nil { recurrentInit = try c.decodeIfPresent(RecurrentInitialization.self, forKey: .`init`) }
        forgetBias = try c.decodeIfPresent(Double.self, forKey: .forgetBias)
        sweepPoint = try c.decodeIfPresent(SweepPoint.self, forKey: .sweepPoint)
    }
}

extension ExperimentSpec {
    /// Reads a spec as history.json holds it; a recurrent spec (with `task`) has no `dataset`, `depth` or `width`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let task = try c.decodeIfPresent(SequenceTask.self, forKey: .task)
        let networks = try c.decode([NetworkSpec].self, forKey: .networks)
        let recurrent = task != nil
        self.init(
            name: try c.decode(String.self, forKey: .name), title: try c.decode(String.self, forKey: .title),
            dataset: recurrent ? .digits : try c.decode(DatasetSpec.self, forKey: .dataset),
            depth: recurrent ? 1 : try c.decode(Int.self, forKey: .depth),
            width: recurrent ? networks.compactMap(\.hidden).max() ?? 1 : try c.decode(Int.self, forKey: .width),
            batchSize: try c.decode(Int.self, forKey: .batchSize),
            epochs: try c.decodeIfPresent(Int.self, forKey: .epochs), steps: try c.decodeIfPresent(Int.self, forKey: .steps),
            optimizer: try c.decode(OptimizerSpec.self, forKey: .optimizer),
            init: recurrent ? .xavierNormal : try c.decode(Initialization.self, forKey: .`init`),
            clipNorm: try c.decodeIfPresent(Double.self, forKey: .clipNorm), seeds: try c.decode([Int].self, forKey: .seeds),
            recordEvery: try c.decode(Int.self, forKey: .recordEvery), networks: networks,
            initGain: try c.decodeIfPresent(Double.self, forKey: .initGain),
            importedFrom: try c.decodeIfPresent(String.self, forKey: .importedFrom),
            maxRecordedSteps: try c.decodeIfPresent(Int.self, forKey: .maxRecordedSteps),
            depths: try c.decodeIfPresent([Int].self, forKey: .depths),
            trainExamples: try c.decodeIfPresent(Int.self, forKey: .trainExamples))
        self.task = task
        if recurrent { recurrentInit = try c.decodeIfPresent(RecurrentInitialization.self, forKey: .`init`) }
        forgetBias = try c.decodeIfPresent(Double.self, forKey: .forgetBias)
        maxRecordedTimeSteps = try c.decodeIfPresent(Int.self, forKey: .maxRecordedTimeSteps)
        sweep = try c.decodeIfPresent(ParameterSweep.self, forKey: .sweep)
    }
}
