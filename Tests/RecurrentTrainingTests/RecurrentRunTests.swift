import Foundation
import GradientData
import RecurrentTraining
import Testing

/// Training recurrent runs end to end: determinism, bounded recording, history files.
@Suite struct RecurrentRunTests {
    static var spec: ExperimentSpec { ExperimentSpec.throughTimeQuick }

    @Test func theHistoryIsTheSameBytesForAnyThreadCount() throws {
        let one = try RecurrentExperiment.run(Self.spec, threads: 1).jsonData()
        let three = try RecurrentExperiment.run(Self.spec, threads: 3).jsonData()
        #expect(one == three)
    }

    @Test func aHistoryReadsBackToTheSameBytesAndWritesOneCSVRowPerTimeStep() throws {
        let history = try RecurrentExperiment.run(Self.spec, threads: 2)
        #expect(history.schema == 3)
        let back = try GradientHistory.decode(history.jsonData(), source: "history.json")
        #expect(back == history)
        let csv = String(decoding: history.csvData(), as: UTF8.self).split(separator: "\n")
        #expect(csv.first == "network,seed,step,timeStep,hiddenGradNorm,cellGradNorm,gateMean,saturatedFraction")
        #expect(csv.count == 1 + 4 * 30 * 12)
        #expect(csv[1].hasPrefix("rnn,0,0,1,"))
        let lstm = try #require(history.runs.first { $0.network == "lstm" })
        #expect(lstm.time?.cellGradNorm.count == 30 && lstm.time?.gateMean.first?.count == 12)
        #expect(history.runs[0].time?.cellGradNorm.isEmpty == true)
        #expect(lstm.layers == ["input", "recurrent", "readout"])
        #expect(lstm.time?.evaluationSteps == [0] + (1..<30).map { $0 } + [30])
    }

    @Test func stepZeroIsItsOwnBucketAndTimeStepsAreBucketedToTheBound() throws {
        var spec = Self.spec
        spec.networks = [spec.networks[2]]
        spec.maxRecordedSteps = 4
        spec.maxRecordedTimeSteps = 5
        let run = try #require(try RecurrentExperiment.run(spec, threads: 1).runs.first)
        // 30 recorded steps: step 0 alone, then 29 in buckets of 10.
        #expect(run.steps == [0, 1, 11, 21])
        #expect(run.stepsPerBucket == 10)
        #expect(run.time?.timeSteps == [1, 4, 7, 10])
        #expect(run.time?.timeStepsPerBucket == 3)
        #expect(run.time?.hiddenGradNorm.count == 4)
        // Step 0's row is the exact step-0 value: the same as an unbucketed run's first row.
        var exact = Self.spec
        exact.networks = [exact.networks[2]]
        exact.maxRecordedTimeSteps = 5
        let unbucketed = try #require(try RecurrentExperiment.run(exact, threads: 1).runs.first)
        #expect(run.time?.hiddenGradNorm.first == unbucketed.time?.hiddenGradNorm.first)
        #expect(run.loss.first == unbucketed.loss.first)
    }

    @Test func theGatedCellsSolveAShortAddingTaskThatTheMeanDoesNot() throws {
        var spec = ExperimentSpec.recurrent(
            name: "short", title: "short", task: SequenceTask(kind: .adding, length: 10), batchSize: 32, steps: 400,
            optimizer: OptimizerSpec(kind: .adam, learningRate: 0.01), forgetBias: 1, clipNorm: 1, seeds: [1],
            networks: [.recurrent(name: "gru", cell: .gru, hidden: 16)])
        spec.maxRecordedSteps = 50
        let run = try #require(try RecurrentExperiment.run(spec, threads: 1).runs.first)
        let metric = try #require(run.time?.testMetric)
        #expect(metric.first ?? 0 > 0.3)
        #expect(metric.last ?? 1 < 0.05)
    }
}
