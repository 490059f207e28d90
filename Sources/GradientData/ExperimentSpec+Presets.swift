extension ExperimentSpec {
    /// The five networks of the zoo story, each differing from plain sigmoid in one idea.
    static let zooNetworks = [
        NetworkSpec(name: "sigmoid", activation: .sigmoid),
        NetworkSpec(name: "tanh", activation: .tanh),
        NetworkSpec(name: "relu", activation: .relu, init: .heNormal),
        NetworkSpec(name: "sigmoid+batchnorm", activation: .sigmoid, batchNorm: true),
        NetworkSpec(name: "sigmoid+residual", activation: .sigmoid, residual: true),
    ]

    /// Why deep sigmoid networks stop learning: depth 20, width 64, 30 epochs of SGD with momentum.
    ///
    /// The same spec ships as `Reports/zoo.json`.
    public static let zoo = ExperimentSpec(
        name: "zoo", title: "Why deep sigmoid networks stop learning", dataset: .digits,
        depth: 20, width: 64, batchSize: 64, epochs: 30,
        optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01, momentum: 0.9),
        init: .xavierNormal, seeds: [0], recordEvery: 1, networks: zooNetworks)

    /// The zoo's five networks, small and short (depth 8, width 32, 3 epochs): for demos and tests.
    ///
    /// The same spec ships as `Reports/quick.json`.
    public static let quick = ExperimentSpec(
        name: "quick", title: "The zoo in miniature", dataset: .digits,
        depth: 8, width: 32, batchSize: 64, epochs: 3,
        optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01, momentum: 0.9),
        init: .xavierNormal, seeds: [0], recordEvery: 1, networks: zooNetworks)

    /// Exploding gradients: a tanh network with weights twice Xavier's size, without and with clipping by norm.
    ///
    /// Each layer multiplies the gradient by about 1.2 on its way back, so the first layer's is about
    /// 25 times the output layer's; the first large updates throw the network into saturation.
    /// The same spec ships as `Reports/exploding.json`.
    public static let exploding = ExperimentSpec(
        name: "exploding", title: "Exploding gradients, and what clipping changes", dataset: .digits,
        depth: 20, width: 64, batchSize: 64, epochs: 20,
        optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.05, momentum: 0.9),
        init: .xavierNormal, seeds: [0], recordEvery: 1,
        networks: [
            NetworkSpec(name: "tanh", activation: .tanh),
            NetworkSpec(name: "tanh+clipping", activation: .tanh, clipNorm: 1),
        ],
        initGain: 2)

    /// How the gradient reaching layer 1 fades with depth: the zoo's five networks at depths 2 to 40,
    /// five seeds each, at initialisation and after 50 updates.
    ///
    /// The same spec ships as `Reports/depth-sweep.json`.
    public static let depthSweep = ExperimentSpec(
        name: "depth-sweep", title: "How the gradient fades with depth", dataset: .digits,
        depth: 40, width: 64, batchSize: 64, epochs: nil, steps: 51,
        optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01, momentum: 0.9),
        init: .xavierNormal, seeds: [0, 1, 2, 3, 4], recordEvery: 50, networks: zooNetworks,
        depths: [2, 4, 6, 8, 10, 15, 20, 25, 30, 40])

    /// Nielsen's setting (Neural Networks and Deep Learning, ch. 5): a sigmoid network with four hidden
    /// layers of 30 units, trained by full-batch gradient descent on 1000 examples for 500 epochs,
    /// with his initialisation, Xavier's and He's.
    ///
    /// The same spec ships as `Reports/init.json`.
    public static let initStory = ExperimentSpec(
        name: "init", title: "Four hidden layers, three initialisations", dataset: .digits,
        depth: 4, width: 30, batchSize: 1000, epochs: 500,
        optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.5),
        init: .nielsen, seeds: [0], recordEvery: 1,
        networks: [
            NetworkSpec(name: "nielsen", activation: .sigmoid),
            NetworkSpec(name: "xavier-normal", activation: .sigmoid, init: .xavierNormal),
            NetworkSpec(name: "he-normal", activation: .sigmoid, init: .heNormal),
        ],
        trainExamples: 1000)

    /// The gradient through time: a tanh RNN, an LSTM and a GRU on the adding task with 100 steps.
    /// The RNN stays at MSE ≈ 0.17 (predicting the mean); the LSTM and the GRU solve it (test MSE ≤ 0.01).
    public static let throughTime = ExperimentSpec.recurrent(
        name: "through-time", title: "Through time: tanh RNN, LSTM and GRU on the adding task",
        task: SequenceTask(kind: .adding, length: 100), batchSize: 64, steps: 2000,
        optimizer: OptimizerSpec(kind: .adam, learningRate: 0.003), forgetBias: 1, clipNorm: 1, seeds: [0],
        networks: [
            .recurrent(name: "rnn", cell: .tanh, hidden: 64),
            .recurrent(name: "lstm", cell: .lstm, hidden: 64),
            .recurrent(name: "gru", cell: .gru, hidden: 64),
        ])

    /// A small recurrent spec for tests: every cell on a short adding task, a few steps.
    public static let throughTimeQuick = ExperimentSpec.recurrent(
        name: "through-time-quick", title: "Through time, quick", task: SequenceTask(kind: .adding, length: 12),
        batchSize: 16, steps: 30, optimizer: OptimizerSpec(kind: .adam, learningRate: 0.01), forgetBias: 1, clipNorm: 1,
        seeds: [0],
        networks: [
            .recurrent(name: "rnn", cell: .tanh, hidden: 8),
            .recurrent(name: "irnn", cell: .relu, hidden: 8, init: .identity),
            .recurrent(name: "lstm", cell: .lstm, hidden: 8),
            .recurrent(name: "gru", cell: .gru, hidden: 8, init: .orthogonal),
        ])

    /// The edge of chaos (Schoenholz et al. 2017): tanh networks of width 64 initialised by variances,
    /// σ_b² = 0.05, over a grid of σ_w² from 1 to 4 and depths 10 to 100, each trained for 600 steps
    /// of SGD (learning rate 0.003, momentum 0.9).
    /// Below the critical σ_w² ≈ 1.76 gradients vanish, above it they explode; near it deep networks train.
    ///
    /// The same spec ships as `Reports/edge-of-chaos.json`.
    public static let edgeOfChaos = edgeOfChaosSpec(
        name: "edge-of-chaos", title: "The edge of chaos: where deep tanh networks train", width: 64,
        weightVariance: .range(from: 1, to: 4, count: 13), depths: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
        steps: 600, learningRate: 0.003, seeds: [0])

    /// The edge of chaos in miniature, for tests: 4 σ_w², depths 10 and 16, width 32, 30 steps, 2 seeds.
    public static let edgeOfChaosQuick = edgeOfChaosSpec(
        name: "edge-of-chaos-quick", title: "The edge of chaos, quick", width: 32,
        weightVariance: .list([1, 1.75, 2.5, 4]), depths: [10, 16], steps: 30, learningRate: 0.01, seeds: [0, 1])

    static func edgeOfChaosSpec(
        name: String, title: String, width: Int, weightVariance: SweepAxis.Values, depths: [Int], steps: Int,
        learningRate: Double, seeds: [Int]
    ) -> ExperimentSpec {
        var spec = ExperimentSpec(
            name: name, title: title, dataset: .digits, depth: depths.max() ?? 1, width: width, batchSize: 64,
            epochs: nil, steps: steps, optimizer: OptimizerSpec(kind: .sgd, learningRate: learningRate, momentum: 0.9),
            init: .variances(InitVariances(weightVariance: 1, biasVariance: 0.05)), seeds: seeds, recordEvery: 1,
            networks: [NetworkSpec(name: "tanh", activation: .tanh)])
        spec.sweep = ParameterSweep(axes: [
            SweepAxis(key: .weightVariance, given: weightVariance),
            SweepAxis(key: .depth, given: .list(depths.map(Double.init))),
        ])
        return spec
    }

    /// The specs built into the binary, so `vanish train zoo` works from any folder.
    public static let presets: [ExperimentSpec] = [
        quick, zoo, exploding, depthSweep, initStory, throughTime, throughTimeQuick, edgeOfChaos, edgeOfChaosQuick,
    ]

    /// The built-in spec called `name`, if there is one.
    public static func preset(named name: String) -> ExperimentSpec? {
        presets.first { $0.name == name }
    }
}
