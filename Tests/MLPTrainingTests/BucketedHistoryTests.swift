import Foundation
import GradientData
import MLPTraining
import Testing

/// Long runs keep at most `maxRecordedSteps` rows per layer; buckets keep what the steps said.
@Suite struct BucketedHistoryTests {
    static func spec(depth: Int = 2, width: Int = 4, activation: Activation = .tanh, steps: Int,
                     learningRate: Double = 0.05, maxRecordedSteps: Int?, recordEvery: Int = 1) -> ExperimentSpec {
        ExperimentSpec(name: "b", title: "b", dataset: .spirals, depth: depth, width: width, batchSize: 16,
                       epochs: nil, steps: steps, optimizer: .init(kind: .sgd, learningRate: learningRate, momentum: 0.9),
                       init: .xavierNormal, seeds: [3], recordEvery: recordEvery,
                       networks: [NetworkSpec(name: "n", activation: activation)], maxRecordedSteps: maxRecordedSteps)
    }

    static func run(_ spec: ExperimentSpec) throws -> RunHistory {
        try #require(try Experiment.run(spec, threads: 1).runs.first)
    }

    @Test func longRunStaysWithinTheBoundAndBucketsAreMeansOfTheSteps() throws {
        let bucketed = try Self.run(Self.spec(steps: 5000, maxRecordedSteps: 100))
        let every = try Self.run(Self.spec(steps: 5000, maxRecordedSteps: 5000))
        #expect(every.stepsPerBucket == 1 && every.steps.count == 5000 && every.stats.weightGradNormMin.isEmpty)
        // Step 0 has a row of its own; steps 1…4999 fill the other 99 rows, 51 to a bucket (the last holds one).
        #expect(bucketed.stepsPerBucket == 51)
        #expect(bucketed.steps == [0] + Array(stride(from: 1, to: 5000, by: 51)))
        #expect(bucketed.settings.maxRecordedSteps == 100)
        let layers = bucketed.layers.count
        for name in LayerStats.names {
            let table = try #require(bucketed.stats[name])
            #expect(table.count == 100 && table.allSatisfy { $0.count == layers })
        }
        #expect(bucketed.stats.weightGradNormMin.count == 100 && bucketed.stats.weightGradNormMax.count == 100)
        #expect(bucketed.loss.count == 100 && bucketed.trainAccuracy.count == 100)
        // Training is the same; only the recording differs.
        #expect(bucketed.testAccuracy == every.testAccuracy)
        for bucket in [0, 1, 2, 57, 98, 99] {
            let start = bucket == 0 ? 0 : 1 + (bucket - 1) * 51
            let rows = start..<(bucket == 0 ? 1 : min(start + 51, 5000))
            let count = Double(rows.count)
            for layer in 0..<layers {
                let values = rows.map { Double(every.stats.weightGradNorm[$0][layer]) }
                let geometric = exp(values.map { log($0) }.reduce(0, +) / count)
                let value = Double(bucketed.stats.weightGradNorm[bucket][layer])
                #expect(abs(value / geometric - 1) < 1e-5, "bucket \(bucket) layer \(layer)")
                #expect(bucketed.stats.weightGradNormMin[bucket][layer] == Float(values.min() ?? .nan))
                #expect(bucketed.stats.weightGradNormMax[bucket][layer] == Float(values.max() ?? .nan))
                let saturated = rows.map { Double(every.stats.saturatedFraction[$0][layer]) }.reduce(0, +) / count
                #expect(abs(Double(bucketed.stats.saturatedFraction[bucket][layer]) - saturated) < 1e-6)
            }
            let loss = rows.map { Double(every.loss[$0]) }.reduce(0, +) / count
            #expect(abs(Double(bucketed.loss[bucket]) / loss - 1) < 1e-6)
        }
    }

    @Test func stepZeroIsItsOwnRowBitForBitInALongRun() throws {
        // 2000 steps recorded every 7th: 286 recorded steps (+1 spare) kept in at most 30 rows.
        let bucketed = try Self.run(Self.spec(steps: 2000, maxRecordedSteps: 30, recordEvery: 7))
        let every = try Self.run(Self.spec(steps: 2000, maxRecordedSteps: 2000, recordEvery: 7))
        #expect(every.stepsPerBucket == 1 && bucketed.stepsPerBucket == 10)
        #expect(bucketed.steps.count <= 30 && bucketed.steps.prefix(3) == [0, 7, 77])
        for name in LayerStats.names {
            let exact = try #require(every.stats[name]?.first)
            let kept = try #require(bucketed.stats[name]?.first)
            #expect(kept.map(\.bitPattern) == exact.map(\.bitPattern), "\(name)")
        }
        #expect(bucketed.stats.weightGradNormMin.first == every.stats.weightGradNorm.first)
        #expect(bucketed.stats.weightGradNormMax.first == every.stats.weightGradNorm.first)
        #expect(bucketed.loss.first?.bitPattern == every.loss.first?.bitPattern)
        #expect(bucketed.trainAccuracy.first == every.trainAccuracy.first)
        // The second row is a true bucket: steps 7…70, not step 0 again.
        let second = (1...10).map { Double(every.loss[$0]) }.reduce(0, +) / 10
        #expect(abs(Double(bucketed.loss[1]) / second - 1) < 1e-6)
    }

    @Test func shortRunsAreNotBucketedAndBitForBitTheSame() throws {
        let bounded = try Self.run(Self.spec(steps: 300, maxRecordedSteps: 300))
        let loose = try Self.run(Self.spec(steps: 300, maxRecordedSteps: nil))
        #expect(bounded.stepsPerBucket == 1 && loose.stepsPerBucket == 1)
        #expect(loose.settings.maxRecordedSteps == ExperimentSpec.defaultMaxRecordedSteps)
        #expect(bounded.stats == loose.stats && bounded.loss.map(\.bitPattern) == loose.loss.map(\.bitPattern))
    }

    @Test func partialLastBucketAndRecordEvery() throws {
        // 1000 steps, every 3rd recorded: 334 rows (+1 room for a divergence); step 0 alone, the
        // other 333 in buckets of 4 → 1 + 84 rows, the last holding step 999 alone.
        let run = try Self.run(Self.spec(steps: 1000, maxRecordedSteps: 100, recordEvery: 3))
        #expect(run.stepsPerBucket == 4)
        #expect(run.steps.count == 85 && run.steps.count <= 100)
        #expect(run.steps.first == 0 && run.steps[1] == 3 && run.steps[2] == 15 && run.steps.last == 999)
        #expect(run.stats.deltaNorm.count == 85 && run.stats.weightGradNormMax.count == 85)
    }

    @Test func underflowStaysZero() throws {
        // 80 sigmoid layers of width 2: the first layer's gradient underflows to exactly 0.
        let run = try Self.run(Self.spec(depth: 80, width: 2, activation: .sigmoid, steps: 200, maxRecordedSteps: 10))
        #expect(run.stepsPerBucket == 23)
        #expect(run.stats.weightGradNorm.allSatisfy { $0[0] == 0 })
        // Layers whose gradients pass through the subnormal range have tiny norms, never NaN.
        #expect(run.stats.weightGradNorm.allSatisfy { $0.allSatisfy { $0.isFinite && $0 >= 0 } })
        #expect(run.stats.weightGradNorm.contains { $0.contains { $0 > 0 && $0 < 1e-38 } })
        #expect(run.stats.weightGradNormMax.allSatisfy { $0[0] == 0 })
        // The output layer's gradient is not 0, and its bucket lies between the bucket's extremes.
        for (row, value) in run.stats.weightGradNorm.enumerated() {
            let last = run.layers.count - 1
            #expect(value[last] > 0)
            #expect(run.stats.weightGradNormMin[row][last] <= value[last] * (1 + 1e-6))
            #expect(value[last] <= run.stats.weightGradNormMax[row][last] * (1 + 1e-6))
        }
    }

    @Test func divergenceInABucketIsNaN() throws {
        let spec = ExperimentSpec(
            name: "boom", title: "boom", dataset: .digits, depth: 3, width: 16, batchSize: 64, epochs: nil, steps: 400,
            optimizer: .init(kind: .sgd, learningRate: 1e4), init: .heNormal, seeds: [0],
            networks: [NetworkSpec(name: "boom", activation: .relu)], maxRecordedSteps: 20)
        let run = try Self.run(spec)
        let step = try #require(run.diverged)
        #expect(run.stepsPerBucket == 21)
        let last = try #require(run.stats.updateRatio.last)
        // The diverged step has no update: its NaN ratio wins over the bucket's finite ones.
        #expect(last.allSatisfy { $0.isNaN })
        #expect(run.steps.last.map { $0 <= step && step < $0 + 21 } == true)
        let lastLoss = try #require(run.loss.last)
        let lastGradients = try #require(run.stats.weightGradNorm.last)
        #expect(!lastLoss.isFinite || lastGradients.contains { !$0.isFinite })
    }

    @Test func bucketedHistoryWritesAndReadsBack() throws {
        let history = try Experiment.run(Self.spec(steps: 500, maxRecordedSteps: 40), threads: 1)
        #expect(history.schema == GradientHistory.currentSchema)
        let text = String(decoding: history.jsonData(), as: UTF8.self)
        #expect(text.contains("\"stepsPerBucket\": 13") && text.contains("\"weightGradNormMax\""))
        #expect(text.contains("\"maxRecordedSteps\": 40"))
        let back = try GradientHistory.decode(history.jsonData(), source: "h.json")
        #expect(back == history)
        let csv = String(decoding: history.csvData(), as: UTF8.self).split(separator: "\n")
        #expect(csv[0].hasSuffix(",updateRatio,weightGradNormMin,weightGradNormMax"))
        // Step 0 alone, then steps 1…499 in 39 buckets of 13: 40 rows of 3 layers.
        #expect(csv.count == 1 + 40 * 3)
    }
}
