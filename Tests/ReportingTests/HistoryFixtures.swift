import Foundation
import GradientData

/// Small hand-made histories whose ratios and accuracies are known exactly.
enum HistoryFixtures {
    struct RunShape {
        var name: String
        var activation: Activation
        var batchNorm = false
        var residual = false
        /// ‖dL/dW₁‖ / ‖dL/dW_out‖ at the last step (and at step 0 times `startFactor`).
        var ratio: Double
        var startFactor: Double = 10
        var accuracy: Float
        var saturated: Float = 0
        var dead: Float = 0
        var diverged: Int?
    }

    static func spec(_ shapes: [RunShape], depth: Int) -> ExperimentSpec {
        ExperimentSpec(
            name: "fixture", title: "Why deep sigmoid networks stop learning", dataset: .digits, depth: depth, width: 16,
            batchSize: 32, epochs: 2, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01, momentum: 0.9),
            init: .xavierNormal, seeds: [0], recordEvery: 1,
            networks: shapes.map { NetworkSpec(name: $0.name, activation: $0.activation, batchNorm: $0.batchNorm, residual: $0.residual) })
    }

    /// A history whose layer gradients fall geometrically from the output layer (1.0) to layer 1 (`ratio`).
    static func history(_ shapes: [RunShape], depth: Int = 6, steps: Int = 5) -> GradientHistory {
        let layers = (1...depth).map { "hidden\($0)" } + ["output"]
        let runs = shapes.map { s -> RunHistory in
            func row(_ ratio: Double) -> [Float] {
                (0...depth).map { l in Float(pow(ratio, Double(depth - l) / Double(depth))) }
            }
            let grads = (0..<steps).map { i in row(i == 0 ? s.ratio * s.startFactor : s.ratio) }
            let flat = { (v: Float) in (0..<steps).map { _ in [Float](repeating: v, count: depth + 1) } }
            let settings = RunSettings(
                network: s.name, activation: s.activation, batchNorm: s.batchNorm, residual: s.residual, depth: depth,
                width: 16, batchSize: 32, epochs: 2, steps: steps - 1,
                optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01, momentum: 0.9),
                init: s.activation == .relu ? .heNormal : .xavierNormal, clipNorm: nil, recordEvery: 1, seed: 0)
            return RunHistory(
                network: s.name, seed: 0, settings: settings, layers: layers, steps: Array(0..<steps),
                stats: LayerStats(weightGradNorm: grads, biasGradNorm: grads, deltaNorm: grads, activationMean: flat(0.5),
                                  activationStd: flat(0.2), saturatedFraction: flat(s.saturated), deadFraction: flat(s.dead),
                                  updateRatio: flat(0.001)),
                loss: (0..<steps).map { 2.3 - Float($0) * 0.1 }, trainAccuracy: (0..<steps).map { _ in s.accuracy },
                testAccuracy: [s.accuracy * 0.9, s.accuracy], diverged: s.diverged)
        }
        return GradientHistory(spec: spec(shapes, depth: depth), runs: runs)
    }

    /// The zoo's story in miniature: sigmoid vanishes and does not learn; the rest keep their gradient.
    static let zooLike = history([
        RunShape(name: "sigmoid", activation: .sigmoid, ratio: 1e-12, accuracy: 0.08, saturated: 0.4),
        RunShape(name: "tanh", activation: .tanh, ratio: 0.003, accuracy: 0.95, saturated: 0.1),
        RunShape(name: "relu", activation: .relu, ratio: 0.5, accuracy: 0.97, dead: 0.05),
        RunShape(name: "sigmoid+batchnorm", activation: .sigmoid, batchNorm: true, ratio: 0.2, accuracy: 0.96),
        RunShape(name: "sigmoid+residual", activation: .sigmoid, residual: true, ratio: 0.8, accuracy: 0.98),
    ])
}
