import Foundation
import GradientData
import Testing
import TestSupport

/// A history cut at a training step: what a figure "at step N" is drawn from.
@Suite struct TruncationTests {
    static func zoo() throws -> GradientHistory {
        try GradientHistory.load(contentsOf: TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json"))
    }

    @Test func rowsAfterTheStepAreDroppedAndTestsAfterItForgotten() throws {
        let history = try Self.zoo()
        let cut = history.truncated(atStep: 30)
        for (run, whole) in zip(cut.runs, history.runs) {
            #expect(run.steps == Array(0...30))
            #expect(run.stats.weightGradNorm == Array(whole.stats.weightGradNorm.prefix(31)))
            #expect(run.stats.saturatedFraction.count == 31 && run.loss.count == 31 && run.trainAccuracy.count == 31)
            // 46 updates in 2 epochs: the first epoch's test ends at update 23, the second's after the last.
            #expect(run.testAccuracy == Array(whole.testAccuracy.prefix(1)))
            #expect(run.settings == whole.settings)
        }
        #expect(history.truncated(atStep: 10).runs[0].testAccuracy.isEmpty)
        #expect(history.truncated(atStep: 0).runs[0].steps == [0])
    }

    @Test func theLastRecordedStepIsTheWholeRun() throws {
        let history = try Self.zoo()
        #expect(history.truncated(atStep: 45) == history)
        #expect(history.truncated(atStep: 1000) == history)
    }

    @Test func aDivergenceAfterTheStepIsForgotten() throws {
        var history = try Self.zoo()
        history.runs[0].diverged = 40
        #expect(history.truncated(atStep: 39).runs[0].diverged == nil)
        #expect(history.truncated(atStep: 40).runs[0].diverged == 40)
    }

    @Test func recurrentRecordsAreCutAlongTraining() throws {
        let history = try GradientHistory.load(
            contentsOf: TestPaths.fixtures.appendingPathComponent("histories/through-time-quick.json"))
        let cut = history.truncated(atStep: 10)
        for (run, whole) in zip(cut.runs, history.runs) {
            let rows = run.steps.count
            #expect(rows > 0 && rows < whole.steps.count)
            #expect(run.time?.hiddenGradNorm.count == rows)
            #expect(run.time?.evaluationSteps.allSatisfy { $0 <= 10 } == true)
            #expect(run.time?.testMetric.count == run.time?.evaluationSteps.count)
            #expect((run.time?.recurrentSpectralNorm.count ?? 0) <= 1)
        }
    }
}
