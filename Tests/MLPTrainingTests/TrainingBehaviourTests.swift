import Foundation
import GradientData
import MLPTraining
import Testing

@Suite struct TrainingBehaviourTests {
    static func spec(_ networks: [NetworkSpec], dataset: DatasetSpec = .digits, depth: Int = 3, width: Int = 16,
                     steps: Int? = nil, epochs: Int? = 1, optimizer: OptimizerSpec = .init(kind: .sgd, learningRate: 0.01),
                     seeds: [Int] = [0], recordEvery: Int = 1) -> ExperimentSpec {
        ExperimentSpec(name: "t", title: "t", dataset: dataset, depth: depth, width: width, batchSize: 64,
                       epochs: epochs, steps: steps, optimizer: optimizer, init: .xavierNormal, seeds: seeds,
                       recordEvery: recordEvery, networks: networks)
    }

    @Test func sameHistoryForAnyThreadCount() throws {
        var spec = ExperimentSpec.quick
        spec.seeds = [0, 1]
        let one = try Experiment.run(spec, threads: 1).jsonData()
        let two = try Experiment.run(spec, threads: 2).jsonData()
        let five = try Experiment.run(spec, threads: 5).jsonData()
        #expect(one == two)
        #expect(one == five)
    }

    @Test func seedsChangeTheRunsAndNetworksGetTheirOwnWeights() throws {
        var spec = Self.spec([NetworkSpec(name: "a", activation: .tanh), NetworkSpec(name: "b", activation: .tanh)],
                             steps: 1, epochs: nil, seeds: [0, 1])
        spec.recordEvery = 1
        let runs = try Experiment.run(spec, threads: 2).runs
        #expect(runs.map(\.network) == ["a", "a", "b", "b"] && runs.map(\.seed) == [0, 1, 0, 1])
        let norms = runs.map { $0.stats.weightGradNorm[0] }
        #expect(norms[0] != norms[1] && norms[0] != norms[2])
    }

    @Test func recordEveryAndStepsSetTheRows() throws {
        let spec = Self.spec([NetworkSpec(name: "r", activation: .relu, init: .heNormal)], steps: 30, epochs: nil,
                             recordEvery: 7)
        let run = try #require(try Experiment.run(spec, threads: 1).runs.first)
        #expect(run.steps == [0, 7, 14, 21, 28])
        #expect(run.stats.weightGradNorm.count == 5 && run.loss.count == 5)
        // 30 updates at 23 per epoch: one whole epoch and a partial one.
        #expect(run.testAccuracy.count == 2)
        #expect(run.settings.steps == 30 && run.settings.epochs == nil)
    }

    @Test func divergenceStopsTheRunAndIsRecorded() throws {
        let spec = Self.spec([NetworkSpec(name: "boom", activation: .relu, init: .heNormal)], steps: 200, epochs: nil,
                             optimizer: .init(kind: .sgd, learningRate: 1e4), recordEvery: 50)
        let run = try #require(try Experiment.run(spec, threads: 1).runs.first)
        let step = try #require(run.diverged)
        #expect(step < 200)
        #expect(run.steps.last == step)
        let lastLoss = try #require(run.loss.last)
        let lastGradients = try #require(run.stats.weightGradNorm.last)
        #expect(!lastLoss.isFinite || lastGradients.contains { !$0.isFinite })
        #expect(run.stats.updateRatio.last?.allSatisfy { $0.isNaN } == true)
        // The history still writes and reads back.
        let back = try GradientHistory.decode(try Experiment.run(spec, threads: 1).jsonData(), source: "t")
        #expect(back.runs[0].diverged == step)
    }

    @Test func clippingScalesEveryLayersUpdateAlike() throws {
        let plain = Self.spec([NetworkSpec(name: "n", activation: .tanh)], steps: 1, epochs: nil)
        var clipped = plain
        clipped.clipNorm = 0.05
        let free = try #require(try Experiment.run(plain, threads: 1).runs.first)
        let held = try #require(try Experiment.run(clipped, threads: 1).runs.first)
        #expect(free.stats.weightGradNorm == held.stats.weightGradNorm)
        let weight = free.stats.weightGradNorm[0]
        let bias = free.stats.biasGradNorm[0]
        let total = zip(weight, bias).reduce(0.0) { $0 + Double($1.0 * $1.0 + $1.1 * $1.1) }.squareRoot()
        #expect(total > 0.05)
        let expected = 0.05 / (total + 1e-6)
        for (a, b) in zip(held.stats.updateRatio[0], free.stats.updateRatio[0]) {
            #expect(abs(Double(a / b) / expected - 1) < 1e-3)
        }
    }

    @Test func adamLearnsTheSpirals() throws {
        let spec = Self.spec([NetworkSpec(name: "s", activation: .tanh)], dataset: .spirals, depth: 3, width: 32,
                             epochs: 150, optimizer: .init(kind: .adam, learningRate: 0.01), recordEvery: 50)
        let run = try #require(try Experiment.run(spec, threads: 1).runs.first)
        #expect(try #require(run.testAccuracy.last) > 0.9)
        #expect(run.diverged == nil)
    }
}
