import GradientData

/// The architecture of one network: what DESIGN.md's definition needs, nothing about training.
public struct NetworkShape: Sendable, Hashable {
    public var inputCount: Int
    public var classCount: Int
    /// Number of hidden layers.
    public var depth: Int
    public var width: Int
    public var activation: Activation
    public var batchNorm: Bool
    /// `h = h + z` for hidden layers 2…depth.
    public var residual: Bool

    public init(inputCount: Int, classCount: Int, depth: Int, width: Int, activation: Activation,
                batchNorm: Bool = false, residual: Bool = false) {
        self.inputCount = inputCount
        self.classCount = classCount
        self.depth = depth
        self.width = width
        self.activation = activation
        self.batchNorm = batchNorm
        self.residual = residual
    }

    /// The shape a run's settings describe, on data with `inputCount` features and `classCount` classes.
    public init(settings: RunSettings, inputCount: Int, classCount: Int) {
        self.init(inputCount: inputCount, classCount: classCount, depth: settings.depth, width: settings.width,
                  activation: settings.activation, batchNorm: settings.batchNorm, residual: settings.residual)
    }

    /// Weight layers: `depth` hidden ones and the output layer.
    public var weightLayerCount: Int { depth + 1 }

    /// `hidden1` … `hiddenL`, `output`: the names history files use.
    public var layerNames: [String] { (0..<depth).map { "hidden\($0 + 1)" } + ["output"] }
}

/// Where each tensor of a network lives in its flat parameter vector.
///
/// Per weight layer in order (hidden 1 … L, output): weights (`outputs × inputs`, row-major),
/// biases, then for batch-normalised hidden layers gamma and beta. One flat vector makes the
/// optimiser and gradient clipping single loops over all parameters.
public struct ParameterLayout: Sendable, Hashable {
    public struct Layer: Sendable, Hashable {
        public var inputs: Int
        public var outputs: Int
        public var weight: Int
        public var bias: Int
        /// Offsets of gamma and beta; nil without batch norm (and for the output layer).
        public var gamma: Int?
        public var beta: Int?
        public var weightCount: Int { inputs * outputs }
    }

    public var layers: [Layer]
    public var count: Int

    public init(_ shape: NetworkShape) {
        var layers: [Layer] = []
        var offset = 0
        for index in 0...shape.depth {
            let isOutput = index == shape.depth
            let inputs = index == 0 ? shape.inputCount : shape.width
            let outputs = isOutput ? shape.classCount : shape.width
            var layer = Layer(inputs: inputs, outputs: outputs, weight: offset, bias: offset + inputs * outputs)
            offset += inputs * outputs + outputs
            if shape.batchNorm && !isOutput {
                layer.gamma = offset
                layer.beta = offset + outputs
                offset += 2 * outputs
            }
            layers.append(layer)
        }
        self.layers = layers
        self.count = offset
    }
}
