import Foundation
import GradientData
import MLPTraining
import Testing

/// The exploding preset, trained for real: the gradient grows towards the input, and clipping is what lets it learn.
@Suite struct ExplodingStoryTests {
    static let history: Result<GradientHistory, Error> = Result {
        try Experiment.run(ExperimentSpec.exploding, threads: 2)
    }

    static func run(_ name: String) throws -> RunHistory {
        try #require(try history.get().runs.first { $0.network == name })
    }

    @Test(arguments: ["tanh", "tanh+clipping"])
    func gradientGrowsTowardsTheInputAtInitialisation(name: String) throws {
        let step0 = try Self.run(name).stats.weightGradNorm[0]
        // Every layer's gradient is larger than the one above it, but for noise; overall about 1.2 per layer.
        let ratio = Double(try #require(step0.first) / (try #require(step0.last)))
        #expect(ratio > 10 && ratio < 100)
        let perLayer = pow(ratio, 1 / Double(step0.count - 1))
        #expect(perLayer > 1.1 && perLayer < 1.3)
    }

    @Test func withoutClippingItDoesNotLearnAndWithClippingItDoes() throws {
        let plain = try Self.run("tanh"), clipped = try Self.run("tanh+clipping")
        #expect(try #require(plain.testAccuracy.last) < 0.4)
        #expect(try #require(clipped.testAccuracy.last) > 0.85)
        #expect(plain.settings.clipNorm == nil && clipped.settings.clipNorm == 1)
        #expect(plain.settings.initGain == 2 && clipped.settings.initGain == 2)
    }

    @Test func gainScalesTheInitialWeightsOnly() throws {
        let shape = NetworkShape(inputCount: 64, classCount: 10, depth: 2, width: 32, activation: .tanh,
                                 batchNorm: false, residual: false)
        let one = MLPNetwork(shape: shape, maxBatch: 1), two = MLPNetwork(shape: shape, maxBatch: 1)
        var g1 = SeededGenerator(seed: 3, stream: 0), g2 = SeededGenerator(seed: 3, stream: 0)
        one.initialize(.xavierNormal, generator: &g1)
        two.initialize(.xavierNormal, gain: 2, generator: &g2)
        #expect(zip(one.parameterValues, two.parameterValues).allSatisfy { $0 * 2 == $1 })
        #expect(one.parameterValues.contains { $0 != 0 })
    }
}
