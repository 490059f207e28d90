import Foundation
import GradientData
import MLPTraining
import Testing

/// Runs make their seed's data when they start; the history is the one of data loaded up front.
@Suite struct SeedDataTests {
    @Test func dataMadePerRunGivesTheHistoryOfDataLoadedUpFront() throws {
        let spec = ExperimentSpec(
            name: "s", title: "s", dataset: .digits, depth: 2, width: 4, batchSize: 32, epochs: nil, steps: 3,
            optimizer: .init(kind: .sgd, learningRate: 0.05, momentum: 0.9), init: .xavierNormal, seeds: [0, 5, 9],
            recordEvery: 1, networks: [NetworkSpec(name: "a", activation: .tanh), NetworkSpec(name: "b", activation: .relu)])
        let loaded = try spec.loadAllData(relativeTo: nil)
        let upFront = try Experiment.run(spec, threads: 2, data: loaded)
        let perRun = try Experiment.run(spec, threads: 2)
        #expect(perRun == upFront)
        #expect(perRun.runs.count == 6)
        // Seeds split the digits differently: the runs did not all get the first seed's data.
        let source = try ExperimentSpec.SeedData(spec, relativeTo: nil)
        #expect(try source.split(seed: 0).train.labels != source.split(seed: 5).train.labels)
        #expect(try source.split(seed: 5).train.labels == loaded[1].train.labels)
    }
}
