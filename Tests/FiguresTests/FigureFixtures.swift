import Foundation
import GradientData
import Graphics
import TestSupport

/// Histories the figure tests draw: the fixtures on disk and small synthetic ones.
enum FigureFixtures {
    static func load(_ name: String) throws -> GradientHistory {
        try GradientHistory.load(contentsOf: TestPaths.fixtures.appendingPathComponent("histories/\(name).json"))
    }

    /// The fixture histories that exist (zoo-small arrives with the training engine).
    static func available() throws -> [(name: String, history: GradientHistory)] {
        try ["edge-cases", "zoo-small"].compactMap { name in
            let url = TestPaths.fixtures.appendingPathComponent("histories/\(name).json")
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return (name, try load(name))
        }
    }

    static func settings(_ name: String, _ activation: Activation, depth: Int, steps: Int) -> RunSettings {
        RunSettings(network: name, activation: activation, batchNorm: false, residual: false, depth: depth, width: 64,
                    batchSize: 64, epochs: 1, steps: steps, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01),
                    init: .xavierNormal, clipNorm: nil, recordEvery: 1, seed: 0)
    }

    /// A run whose weight gradient at (step, layer) is `grad(step, layer)`.
    static func run(_ name: String, _ activation: Activation = .sigmoid, depth: Int, steps: Int,
                    grad: (Int, Int) -> Float) -> RunHistory {
        let layers = (1...max(1, depth)).map { "hidden\($0)" } + ["output"]
        let g = (0..<steps).map { s in (0..<layers.count).map { grad(s, $0) } }
        let zeros = g.map { $0.map { _ in Float(0) } }
        return RunHistory(
            network: name, seed: 0, settings: settings(name, activation, depth: depth, steps: steps), layers: layers,
            steps: Array(0..<steps),
            stats: LayerStats(weightGradNorm: g, biasGradNorm: g, deltaNorm: g, activationMean: zeros, activationStd: zeros,
                              saturatedFraction: zeros, deadFraction: zeros, updateRatio: zeros),
            loss: (0..<steps).map { Float(2.3) / Float($0 + 1) }, trainAccuracy: zeros.map { _ in 0.5 },
            testAccuracy: [0.5, 0.7], diverged: nil)
    }

    static func history(_ runs: [RunHistory]) -> GradientHistory {
        let spec = ExperimentSpec(
            name: "synthetic", title: "synthetic", dataset: .digits, depth: 20, width: 64, batchSize: 64, epochs: 1,
            optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01), init: .xavierNormal, seeds: [0],
            networks: runs.map { NetworkSpec(name: $0.network, activation: $0.settings.activation) })
        return GradientHistory(spec: spec, runs: runs)
    }
}
