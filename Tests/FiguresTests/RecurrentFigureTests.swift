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
        #expect(figures.map(\.name) == ["time-heatmaps", "fading-time", "time-profile", "memory", "curves"]
            + history.runs.flatMap { ["time-heatmap-\($0.network)", "fading-time-\($0.network)", "filmstrip-time-\($0.network)"] })
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

    @Test func theChainIsAsSolidAsTheGradientReachingEachTimeStep() throws {
        let history = try Self.history()
        let map = FigureStyle.standard.colorMap
        for run in history.runs {
            let row = try #require(run.time?.hiddenGradNorm.first)
            let cells = FadingTimeDiagram.appearances(run, index: 0, map: map)
            #expect(cells.count == 12)
            #expect(cells.map(\.label) == (1...12).map(String.init))
            // The last step is the reference: fully solid, in the map's top colour.
            #expect(cells.last?.ratio == 1 && cells.last?.opacity == 1)
            for (cell, value) in zip(cells, row) {
                #expect(abs(cell.ratio - Double(value) / Double(row[11])) < 1e-12)
                #expect(cell.opacity == FadingLayerDiagram.opacity(ratio: cell.ratio))
            }
        }
        // The tanh RNN's first step is fainter than its last at initialisation; an MLP run has no chain.
        let rnn = FadingTimeDiagram.appearances(history.runs[0], index: 0, map: map)
        #expect(rnn[0].opacity < rnn[11].opacity)
        let mlp = try FigureFixtures.load("zoo-small").runs[0]
        #expect(FadingTimeDiagram.appearances(mlp, index: 0, map: map).isEmpty)
    }

    @Test func longSequencesAreThinnedToARegularStrideAndSaySo() throws {
        #expect(FadingTimeDiagram.drawnBuckets(count: 12, maxCount: 28) == Array(0..<12))
        let hundred = FadingTimeDiagram.drawnBuckets(count: 100, maxCount: 26)
        #expect(hundred.first == 0 && hundred.last == 99 && hundred.count <= 26)
        #expect(Set(zip(hundred.dropLast(), hundred.dropFirst().dropLast()).map { $1 - $0 }) == [4])
        // A stride that lands right beside the last bucket drops that one, so the two do not crowd.
        let crowded = FadingTimeDiagram.drawnBuckets(count: 11, maxCount: 6)
        #expect(crowded == [0, 2, 4, 6, 8, 10])
        #expect(FadingTimeDiagram.drawnBuckets(count: 12, maxCount: 4) == [0, 4, 8, 11])

        let history = try Self.history()
        #expect(FadingTimeDiagram.drawnStepsNote(history.runs[0], drawn: Array(0..<12)) == "all 12 time steps drawn")
        #expect(FadingTimeDiagram.drawnStepsNote(history.runs[0], drawn: [0, 4, 8, 11]) == "4 of 12 time steps drawn: t = 1, 5, 9, 12")
        // Bucketed time steps say how wide a bucket is.
        var run = history.runs[0]
        let time = try #require(run.time)
        run.time?.timeSteps = stride(from: 1, through: 1000, by: 5).map { $0 }
        run.time?.timeStepsPerBucket = 5
        run.time?.hiddenGradNorm = time.hiddenGradNorm.map { _ in Array(repeating: 1, count: 200) }
        run.settings.recurrent?.task.length = 1000
        #expect(FadingTimeDiagram.drawnStepsNote(run, drawn: FadingTimeDiagram.drawnBuckets(count: 200, maxCount: 20))
            == "19 of 200 buckets of 5 time steps (T = 1000), each cell its bucket's geometric mean: t = 1, 56, 111, …, 996")
    }

    @Test func theFilmStripStartsAtStepZeroAndEndsAtTheLastRecordedStep() throws {
        let history = try Self.history()
        let renderer = try CairoRenderer()
        let run = FigureRun.all(in: history)[0]
        let strip = FadingTimeDiagram.filmStrip(run, measurer: renderer.measurer)
        let titles = strip.items.compactMap { item -> String? in
            if case .text(let string, _, _, _) = item, string.contains("· step") { return string }
            return nil
        }
        #expect(titles.first == "initialisation · step 0")
        #expect(titles.last == "end · step \(run.run.steps.last ?? -1)")
        #expect(titles.count == 5)
    }

    @Test func theElmanBoundStaysInsideALabelledAxis() throws {
        // A scale whose ticks stop below its top is raised to the next labelled decade.
        let ticks: (LogScale) -> [Tick] = { scale in
            Ticks.decades(lower: scale.lowerExponent, upper: scale.upperExponent, maxCount: 6)
        }
        let raised = TimeProfile.labelledAtTop(LogScale(lowerExponent: -23, upperExponent: 3), probe: ticks)
        #expect(raised.lowerExponent == -23 && raised.upperExponent == 5)
        #expect(ticks(raised).last?.fraction == 1)
        let plain = LogScale(lowerExponent: -2, upperExponent: 0)
        #expect(TimeProfile.labelledAtTop(plain, probe: ticks) == plain)
    }
}
