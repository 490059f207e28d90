/// The cell of a recurrent network, with PyTorch's parameterisation (`torch.nn.RNN`, `LSTM`, `GRU`).
public enum RecurrentCell: String, Codable, Sendable, CaseIterable {
    /// Elman: `h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)`.
    case tanh
    /// Elman with relu in place of tanh (with `identity` init: the IRNN).
    case relu
    /// Gates i, f, g, o; `c_t = f ⊙ c_{t−1} + i ⊙ g`, `h_t = o ⊙ tanh(c_t)`.
    case lstm
    /// Gates r, z, n; `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}`.
    case gru

    /// How many blocks of `hidden` rows `W_ih` and `W_hh` stack (one per gate).
    public var gateCount: Int {
        switch self {
        case .tanh, .relu: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }

    /// The nonlinearity an MLP field reports for this cell (the squashing the state goes through).
    public var activation: Activation { self == .relu ? .relu : .tanh }
}

/// How a recurrent network's weights are drawn at initialisation.
public enum RecurrentInitialization: String, Codable, Sendable, CaseIterable {
    /// Every weight and bias U(−1/√hidden, 1/√hidden), as `torch.nn.RNN/LSTM/GRU`; the readout as `torch.nn.Linear`.
    case pytorch
    /// As `pytorch`, but each hidden-to-hidden block of `W_hh` a random orthogonal matrix.
    case orthogonal
    /// As `pytorch`, but each hidden-to-hidden block of `W_hh` the identity and `b_hh` zero (the IRNN with relu).
    case identity
}

/// A sequence task a recurrent network learns, generated from the run's seed or shipped.
public struct SequenceTask: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Two marked values among `length` steps of (value ~ U(0, 1), marker); the target is their sum (MSE).
        case adding
        /// The 8 × 8 digits read one pixel per step (64 steps, value / 16); 10-class softmax.
        case digitsSequence = "digits-sequence"
    }

    public var kind: Kind
    /// Time steps per sequence (digits-sequence: 64).
    public var length: Int

    public init(kind: Kind, length: Int) {
        self.kind = kind
        self.length = length
    }

    /// Inputs per time step: value and marker (adding), one pixel (digits-sequence).
    public var inputCount: Int { kind == .adding ? 2 : 1 }
    /// Outputs of the readout: the sum (adding), ten class scores (digits-sequence).
    public var outputCount: Int { kind == .adding ? 1 : 10 }
    /// What the test metric is: "MSE" (adding, lower is better) or "accuracy".
    public var metricName: String { kind == .adding ? "MSE" : "accuracy" }
    /// The number of adding sequences in the fixed test set drawn from the seed.
    public static let addingTestCount = 1000
    /// The number of adding sequences that make one epoch of training (fresh sequences are drawn every step).
    public static let addingTrainCount = 10_000
}

/// The recurrent part of a run's settings (nil for an MLP run).
public struct RecurrentSettings: Codable, Sendable, Hashable {
    public var task: SequenceTask
    public var cell: RecurrentCell
    public var hidden: Int
    public var `init`: RecurrentInitialization
    /// Added to the forget-gate part of `b_ih` (LSTM only); nil: 0.
    public var forgetBias: Double?
    /// At most this many time buckets per recorded step; past it, consecutive time steps are grouped.
    public var maxRecordedTimeSteps: Int

    public init(task: SequenceTask, cell: RecurrentCell, hidden: Int, init: RecurrentInitialization,
                forgetBias: Double?, maxRecordedTimeSteps: Int) {
        self.task = task
        self.cell = cell
        self.hidden = hidden
        self.`init` = `init`
        self.forgetBias = forgetBias
        self.maxRecordedTimeSteps = maxRecordedTimeSteps
    }
}
