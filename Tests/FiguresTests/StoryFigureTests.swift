import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import MLPTraining
import Testing
import TestSupport

/// The depth-sweep and initialisation figures: their goldens (from small fixture histories made by
/// tiny real runs) and the numbers they draw.
@Suite struct StoryFigureTests {
    @Test func sweepHistoryGetsOnlyTheSweepFigureAndItMatchesItsGolden() throws {
        let history = try FigureFixtures.load("sweep-small")
        #expect(DepthSweep.isSweep(history))
        let renderer = try CairoRenderer()
        var style = FigureStyle.standard
        style.pixelsPerPoint = FigureGoldenTests.dpi / 72
        let figures = FigureCatalog.figures(for: history, style: style, measurer: renderer.measurer)
        #expect(figures.map(\.name) == ["depth-sweep"])
        for figure in figures {
            expectMatchesGolden(try renderer.image(figure.scene, dpi: FigureGoldenTests.dpi), named: "sweep-small-\(figure.name)")
        }
    }

    @Test func initComparisonGetsTheDeltaFiguresAndTheyMatchTheirGoldens() throws {
        let history = try FigureFixtures.load("init-small")
        let runs = FigureRun.all(in: history)
        #expect(LayerDeltaBars.comparesInitialisations(runs))
        #expect(LayerDeltaReference.matching(runs) == .nielsenMNIST)
        let renderer = try CairoRenderer()
        var style = FigureStyle.standard
        style.pixelsPerPoint = FigureGoldenTests.dpi / 72
        let figures = FigureCatalog.figures(for: history, kinds: [.deltaBars, .deltaCurves], style: style, measurer: renderer.measurer)
        #expect(figures.map(\.name) == ["delta-bars", "delta-curves"])
        for figure in figures {
            expectMatchesGolden(try renderer.image(figure.scene, dpi: FigureGoldenTests.dpi), named: "init-small-\(figure.name)")
        }
    }

    @Test func zooLikeHistoriesGetNoStoryFigures() throws {
        let history = try FigureFixtures.load("zoo-small")
        #expect(!DepthSweep.isSweep(history))
        #expect(!LayerDeltaBars.comparesInitialisations(FigureRun.all(in: history)))
    }

    @Test func sweepPointsGiveMedianBandAndFittedFactor() {
        let p = DepthSweepPoint(depth: 4, ratios: [3, 1, .nan, 0, 2])
        #expect(p.drawable == [3, 1, 2])
        #expect(p.median == 2 && p.lowest == 1 && p.highest == 3)
        #expect(DepthSweepPoint(depth: 2, ratios: [4, 1]).median == 2, "an even count takes the geometric mean of the middle two")
        // Ratios exactly 0.25^depth (times a seed factor) fit a factor of 0.25 per layer.
        let points = [2, 5, 10, 20].map { d in DepthSweepPoint(depth: d, ratios: [1, 3, 0.5].map { $0 * pow(0.25, Double(d)) }) }
        let settings = FigureFixtures.settings("sigmoid", .sigmoid, depth: 2, steps: 1)
        let series = DepthSweepSeries(network: "sigmoid", colorIndex: 0, settings: settings, points: points)
        #expect(abs((series.factorPerLayer ?? 0) - 0.25) < 1e-9)
        #expect(series.medianRange?.highest == pow(0.25, 2))
        let flat = DepthSweepSeries(network: "flat", colorIndex: 1, settings: settings,
                                    points: [2, 8].map { DepthSweepPoint(depth: $0, ratios: [0.5]) })
        #expect(abs((flat.factorPerLayer ?? 0) - 1) < 1e-12)
        #expect(DepthSweepSeries(network: "one", colorIndex: 0, settings: settings, points: [points[0]]).factorPerLayer == nil)
    }

    @Test func fixtureSweepShowsSigmoidFallingAndResidualHolding() throws {
        let history = try FigureFixtures.load("sweep-small")
        let start = DepthSweep.series(history, atEnd: false)
        #expect(start.map(\.network) == ["sigmoid", "relu", "sigmoid+residual"])
        #expect(start.allSatisfy { $0.points.map(\.depth) == [2, 4, 8, 12] && $0.points.allSatisfy { $0.ratios.count == 3 } })
        let sigmoid = try #require(start.first)
        let medians = sigmoid.points.compactMap(\.median)
        #expect(zip(medians, medians.dropFirst()).allSatisfy { $0 > $1 }, "sigmoid's ratio falls with depth: \(medians)")
        let k = try #require(sigmoid.factorPerLayer)
        #expect(k > 0.1 && k < 0.4, "sigmoid loses about the slope's 0.25 per layer: \(k)")
        let residual = try #require(start.last?.medianRange)
        #expect(residual.lowest > 1e-3, "the residual network keeps its gradient within a few decades")
        #expect(DepthSweep.endStep(history) == 2)
    }

    /// A real sweep, tiny: sigmoid's first-layer share falls with depth at initialisation.
    @Test func tinyRealSweepFallsForSigmoid() throws {
        let spec = ExperimentSpec(
            name: "tiny-sweep", title: "t", dataset: .digits, depth: 1, width: 16, batchSize: 32, epochs: nil, steps: 1,
            optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01), init: .xavierNormal, seeds: [0, 1],
            networks: [NetworkSpec(name: "sigmoid", activation: .sigmoid), NetworkSpec(name: "relu", activation: .relu, init: .heNormal)],
            depths: [2, 6, 10])
        let history = try Experiment.run(spec, threads: 2)
        #expect(history.runs.map(\.network).prefix(2) == ["sigmoid depth 2", "sigmoid depth 2"])
        #expect(history.runs.map(\.settings.depth) == [2, 2, 6, 6, 10, 10, 2, 2, 6, 6, 10, 10])
        let series = DepthSweep.series(history, atEnd: false)
        let sigmoid = series[0].points.compactMap(\.median)
        #expect(sigmoid.count == 3 && sigmoid[0] > 30 * sigmoid[1] && sigmoid[1] > 30 * sigmoid[2], "\(sigmoid)")
        let relu = try #require(series[1].factorPerLayer)
        #expect(relu > 0.7 && relu < 1.4, "He-initialised ReLU keeps its gradient: \(relu)")
    }

    @Test func hiddenDeltasLeaveOutTheOutputLayerAndFactorsCompareNeighbours() throws {
        let history = try FigureFixtures.load("init-small")
        let run = try #require(history.runs.first)
        let deltas = LayerDeltaBars.hiddenDeltas(run)
        #expect(deltas.count == 4)
        #expect(deltas == run.stats.deltaNorm[0].prefix(4).map(Double.init))
        #expect(LayerDeltaBars.factors([0.001, 0.004, 0.02]) == [4, 5])
        #expect(LayerDeltaBars.label(0.00053) == "0.00053" && LayerDeltaBars.label(0.0724) == "0.072" && LayerDeltaBars.label(0.36) == "0.36")
        #expect(LayerDeltaBars.label(0.003) == "0.0030" && LayerDeltaBars.label(0) == "0")
    }

    /// Nielsen's setting on digits: at initialisation ‖δ‖ falls towards the input by several times per layer.
    @Test func nielsenSettingDeltaFallsTowardsTheInput() throws {
        let spec = ExperimentSpec(
            name: "nielsen-step0", title: "t", dataset: .digits, depth: 4, width: 30, batchSize: 1000, epochs: nil, steps: 1,
            optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.5), init: .nielsen, seeds: [0],
            networks: [NetworkSpec(name: "nielsen", activation: .sigmoid)], trainExamples: 1000)
        let history = try Experiment.run(spec, threads: 1)
        let deltas = LayerDeltaBars.hiddenDeltas(try #require(history.runs.first))
        let factors = LayerDeltaBars.factors(deltas)
        #expect(factors.count == 3)
        #expect(factors.allSatisfy { $0 > 3 && $0 < 8 }, "each layer back learns several times more slowly: \(factors)")
    }
}
