import Foundation
import GradientData
import MLPTraining
import Testing
import TestSupport

/// The shipped zoo spec, trained for real: the story DESIGN.md promises must come out.
@Suite struct ZooStoryTests {
    static let history: Result<GradientHistory, Error> = Result {
        try Experiment.run(try ExperimentSpec.load(contentsOf: TestPaths.packageRoot
            .appendingPathComponent("Reports/zoo.json")), threads: 2)
    }

    static func run(_ name: String) throws -> RunHistory {
        try #require(try history.get().runs.first { $0.network == name })
    }

    @Test func sigmoidDoesNotLearnAndItsFirstLayerGetsNoGradient() throws {
        let sigmoid = try Self.run("sigmoid")
        let accuracy = try #require(sigmoid.testAccuracy.last)
        #expect(accuracy <= 0.2)
        let step0 = sigmoid.stats.weightGradNorm[0]
        let ratio = try #require(step0.first) / (try #require(step0.last))
        #expect(ratio < 1e-8 && ratio > 0)
    }

    @Test(arguments: ["tanh", "relu", "sigmoid+batchnorm", "sigmoid+residual"])
    func theOtherFourLearn(name: String) throws {
        let run = try Self.run(name)
        #expect(try #require(run.testAccuracy.last) >= 0.9)
        #expect(run.diverged == nil)
    }

    @Test func everyStepAndLayerIsRecorded() throws {
        let history = try Self.history.get()
        #expect(history.runs.map(\.network) == ExperimentSpec.zoo.networks.map(\.name))
        for run in history.runs {
            #expect(run.steps == Array(0..<690))
            #expect(run.layers == (1...20).map { "hidden\($0)" } + ["output"])
            #expect(run.testAccuracy.count == 30 && run.loss.count == 690 && run.trainAccuracy.count == 690)
            for name in LayerStats.names {
                let table = try #require(run.stats[name])
                #expect(table.count == 690 && table.allSatisfy { $0.count == 21 })
                #expect(table.allSatisfy { row in row.allSatisfy { $0.isFinite } }, "\(run.network) \(name)")
            }
            // The last epoch's mean loss is below the first step's, by far for every network but sigmoid.
            let lastEpoch = run.loss.suffix(23).reduce(0, +) / 23
            #expect(lastEpoch < run.loss[0] * (run.network == "sigmoid" ? 1 : 0.1), "\(run.network)")
        }
    }

    @Test func recordedStatisticsMeanWhatTheySay() throws {
        let relu = try Self.run("relu")
        let sigmoid = try Self.run("sigmoid")
        let batchnorm = try Self.run("sigmoid+batchnorm")
        // relu: nothing saturates; sigmoid: outputs are in (0, 1) and nothing is "dead".
        #expect(relu.stats.saturatedFraction.allSatisfy { $0.allSatisfy { $0 == 0 } })
        #expect(sigmoid.stats.deadFraction.allSatisfy { $0.allSatisfy { $0 == 0 } })
        #expect(sigmoid.stats.activationMean.allSatisfy { $0.dropLast().allSatisfy { $0 > 0 && $0 < 1 } })
        // Without batch norm, the batch mean of dL/dz is dL/db.
        for (delta, bias) in zip(sigmoid.stats.deltaNorm, sigmoid.stats.biasGradNorm) {
            for (d, b) in zip(delta, bias) { #expect(abs(d - b) <= 1e-5 * b) }
        }
        // With batch norm, a hidden bias cannot change the loss: its gradient is rounding noise.
        let hiddenBias = batchnorm.stats.biasGradNorm[0].dropLast().max() ?? 1
        let hiddenWeight = batchnorm.stats.weightGradNorm[0].dropLast().min() ?? 0
        #expect(hiddenBias < 1e-4 * hiddenWeight)
        // SGD's first update is lr · g (the momentum buffer starts empty), a small share of W.
        #expect(relu.stats.updateRatio[0].allSatisfy { $0 > 0 && $0 < 0.05 })
    }
}
