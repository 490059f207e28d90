import Foundation
import GradientData
import Testing
import TestSupport

/// `GradientHistory.truncated(atStep:)`: the history as it stood at a step, for stills and animation frames.
@Suite struct GradientHistoryTruncationTests {
    static func load(_ name: String) throws -> GradientHistory {
        try GradientHistory.load(contentsOf: TestPaths.fixtures.appendingPathComponent("histories/\(name)"))
    }

    @Test func keepsTheRowsUpToTheStepInEveryTable() throws {
        let history = try Self.load("zoo-small.json")
        let cut = history.truncated(atStep: 10)
        #expect(cut.spec == history.spec)
        #expect(cut.runs.count == history.runs.count)
        for (run, full) in zip(cut.runs, history.runs) {
            #expect(run.steps == Array(0...10))
            for name in LayerStats.names {
                #expect(run.stats[name]?.count == 11, "\(name)")
                #expect(run.stats[name] == Array((full.stats[name] ?? []).prefix(11)), "\(name)")
            }
            #expect(run.loss == Array(full.loss.prefix(11)))
            #expect(run.trainAccuracy.count == 11)
            // 46 steps, 2 epochs: the first epoch ends with step 22's update.
            #expect(run.testAccuracy.isEmpty)
            #expect(full.testAccuracy.count == 2)
        }
        for (run, full) in zip(history.truncated(atStep: 22).runs, history.runs) {
            #expect(run.testAccuracy == Array(full.testAccuracy.prefix(1)))
        }
    }

    @Test func theLastStepKeepsEverythingAndBeforeTheFirstKeepsNothing() throws {
        for name in ["zoo-small.json", "through-time-quick.json", "edge-cases.json"] {
            let history = try Self.load(name)
            let last = history.runs.flatMap(\.steps).max() ?? 0
            // Compared as written bytes: NaN != NaN.
            #expect(history.truncated(atStep: last).jsonData() == history.jsonData(), "\(name)")
            let empty = history.truncated(atStep: -1)
            #expect(empty.runs.allSatisfy { $0.steps.isEmpty && $0.stats.weightGradNorm.isEmpty && $0.loss.isEmpty }, "\(name)")
        }
    }

    @Test func recurrentTablesAndEvaluationsFollowTheStep() throws {
        let history = try Self.load("through-time-quick.json")
        let run = history.runs[0].truncated(atStep: 5)
        let time = try #require(run.time)
        #expect(run.steps == Array(0...5))
        #expect(time.hiddenGradNorm.count == 6)
        #expect(time.evaluationSteps.allSatisfy { $0 <= 5 })
        #expect(time.testMetric.count == time.evaluationSteps.count)
        #expect(time.timeSteps == history.runs[0].time?.timeSteps, "the time axis is not cut")
    }

    @Test func divergenceAfterTheStepIsNotYetKnown() throws {
        var history = try Self.load("zoo-small.json")
        history.runs[0].diverged = 30
        #expect(history.truncated(atStep: 29).runs[0].diverged == nil)
        #expect(history.truncated(atStep: 30).runs[0].diverged == 30)
    }
}
