import Foundation
import GradientData
import MLPTraining
import Testing

/// Initialisation by variances: W ~ N(0, σ_w²/fan_in), b ~ N(0, σ_b²), drawn from the run's seed.
@Suite struct VarianceInitTests {
    static let shape = NetworkShape(inputCount: 64, classCount: 10, depth: 3, width: 256, activation: .tanh,
                                    batchNorm: false, residual: false)

    static func initialised(_ variances: InitVariances, seed: Int = 5) -> MLPNetwork {
        let network = MLPNetwork(shape: shape, maxBatch: 1)
        var generator = SeededGenerator(seed: seed, stream: 0)
        network.initialize(.variances(variances), generator: &generator)
        return network
    }

    /// Sample variance of `values` about 0.
    static func variance(_ values: ArraySlice<Float>) -> Double {
        values.reduce(0) { $0 + Double($1) * Double($1) } / Double(values.count)
    }

    @Test func weightsAndBiasesHaveTheirVariances() {
        let network = Self.initialised(InitVariances(weightVariance: 2.5, biasVariance: 0.3))
        let p = network.parameterValues
        for layer in network.layout.layers {
            let weights = p[layer.weight..<(layer.weight + layer.weightCount)]
            let expected = 2.5 / Double(layer.inputs)
            // 64·256 or more samples: the sample variance is within about 3 % of the true one.
            if layer.weightCount >= 2560 {
                #expect(abs(Self.variance(weights) / expected - 1) < 0.05, "layer with fan-in \(layer.inputs)")
            }
            let biases = p[layer.bias..<(layer.bias + layer.outputs)]
            if layer.outputs == 256 { #expect(abs(Self.variance(biases) / 0.3 - 1) < 0.3) }
        }
    }

    @Test func zeroBiasVarianceGivesZeroBiasesAndTheSeedDecides() {
        let a = Self.initialised(InitVariances(weightVariance: 1, biasVariance: 0))
        let p = a.parameterValues
        #expect(a.layout.layers.allSatisfy { layer in p[layer.bias..<(layer.bias + layer.outputs)].allSatisfy { $0 == 0 } })
        let again = Self.initialised(InitVariances(weightVariance: 1, biasVariance: 0))
        #expect(again.parameterValues == p)
        #expect(Self.initialised(InitVariances(weightVariance: 1, biasVariance: 0), seed: 6).parameterValues != p)
        // σ_w² = 1 draws the weights Nielsen's N(0, 1/fan_in) draws, from the same generator state.
        let nielsen = MLPNetwork(shape: Self.shape, maxBatch: 1)
        var generator = SeededGenerator(seed: 5, stream: 0)
        nielsen.initialize(.nielsen, generator: &generator)
        let first = a.layout.layers[0]
        #expect(nielsen.parameterValues[first.weight..<(first.weight + first.weightCount)]
                == p[first.weight..<(first.weight + first.weightCount)])
    }
}
