import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Testing
import TestSupport

/// The figures of a recurrent history (`fixtures/histories/through-time-quick.json`, trained by
/// the `through-time-quick` preset): goldens, and the numbers they draw.
@Suite struct RecurrentFigureTests {
    static func history() throws -> GradientHistory { try FigureFixtures.load("through-time-quick") }

    @Test func everyRecurrentFigureMatchesItsGolden() throws {
        let history = try Self.history()
        let renderer = try CairoRenderer()
        let figures = FigureCatalog.figures(for: history, measurer: renderer.measurer)
        #expect(figures.map(\.name) == ["time-heatmaps", "time-profile", "memory"] + history.runs.map { "time-heatmap-\($0.network)" })
        for figure in figures {
            expectMatchesGolden(try renderer.image(figure.scene, dpi: 72), named: "through-time-quick-\(figure.name)")
        }
    }

    @Test func theHeatmapShowsEachTimeStepRelativeToTheLast() throws {
        let history = try Self.history()
        for run in history.runs {
            let values = TimeHeatmap.relativeValues(run)
            #expect(values.count == run.steps.count)
            #expect(values.allSatisfy { $0.count == 12 && $0.last == 1 })
        }
        // The tanh RNN's first step receives less than the last at initialisation; the scale covers it.
        let rnn = try #require(history.runs.first)
        let share = try #require(TimeHeatmap.relativeValues(rnn).first?.first)
        #expect(share > 0 && share < 0.01)
        let scale = TimeHeatmap.sharedScale(history.runs)
        #expect(scale.upperExponent == 0 && Double(scale.lowerExponent) <= log10(Double(share)))
    }

    @Test func theLagProfilePutsTheLastStepAtLagZeroAndBoundsOnlyElmanCells() throws {
        let history = try Self.history()
        let points = TimeProfile.points(history.runs[0], index: 0)
        #expect(points.map(\.x) == (0..<12).map { Double(11 - $0) })
        #expect(points.last?.y == 1)
        let sigma = try #require(history.runs[0].time?.recurrentSpectralNorm.first)
        #expect(TimeProfile.bound(history.runs[0], which: 0) == Double(sigma))
        #expect(TimeProfile.bound(history.runs[2], which: 0) == nil, "the LSTM has no Elman bound")
    }

    @Test func memoryGatesAreDrawnForGatedCellsOnly() throws {
        let history = try Self.history()
        #expect(MemoryAndLearning.gatePoints(history.runs[0]).isEmpty)
        let lstm = MemoryAndLearning.gatePoints(history.runs[2])
        #expect(lstm.count == history.runs[2].steps.count)
        #expect(lstm.allSatisfy { (0...1).contains($0.y) })
        #expect(MemoryAndLearning.metricPoints(history.runs[3]).first?.x == 0)
        #expect(MemoryAndLearning.metricPoints(history.runs[3]).last?.x == 30)
    }
}
