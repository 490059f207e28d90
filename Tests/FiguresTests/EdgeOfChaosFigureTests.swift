import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import MLPTraining
import Testing
import TestSupport

/// The sweep's figures: their goldens (from the quick edge-of-chaos preset's history) and the numbers they draw.
@Suite struct EdgeOfChaosFigureTests {
    @Test func sweepHistoryGetsTheSweepFiguresAndTheyMatchTheirGoldens() throws {
        let history = try FigureFixtures.load("edge-of-chaos-quick")
        #expect(EdgeOfChaos.isSweep(history))
        let renderer = try CairoRenderer()
        var style = FigureStyle.standard
        style.pixelsPerPoint = FigureGoldenTests.dpi / 72
        let figures = FigureCatalog.figures(for: history, style: style, measurer: renderer.measurer)
        #expect(figures.map(\.name) == ["sweep-accuracy", "sweep-gradient-factor", "sweep-fading"], "not one set per run")
        for figure in figures {
            expectMatchesGolden(try renderer.image(figure.scene, dpi: FigureGoldenTests.dpi), named: "edge-of-chaos-quick-\(figure.name)")
        }
    }

    @Test func theQuickHistoryHoldsItsGridAndSummaries() throws {
        let history = try FigureFixtures.load("edge-of-chaos-quick")
        #expect(history.runs.count == 4 * 2 * 2)
        let cells = EdgeOfChaos.cells(history, network: 0)
        #expect(cells.count == 8 && cells.allSatisfy { $0.runs.count == 2 })
        for run in history.runs {
            #expect(run.steps == [0, 15, 29], "a summary: step 0, the middle and the last")
            #expect(run.stats.deltaNorm.isEmpty && run.stats.weightGradNorm.count == 3)
            #expect(run.settings.sweepPoint?[.weightVariance] == run.settings.`init`.variances?.weightVariance)
        }
        let sides = try #require(EdgeOfChaos.sides(history))
        #expect(sides.ordered.settings.`init`.variances?.weightVariance == 1 && sides.chaotic.settings.`init`.variances?.weightVariance == 4)
        #expect(sides.ordered.settings.depth == 16 && sides.chaotic.settings.depth == 16)
    }

    @Test func aGeometricGradientGivesItsFactorBack() {
        let run = FigureFixtures.run("g", .tanh, depth: 30, steps: 1) { _, layer in Float(pow(1.1, Double(30 - layer))) }
        #expect(abs((EdgeOfChaos.measuredFactor(run) ?? 0) - 1.1) < 1e-5)
        let flat = FigureFixtures.run("f", .tanh, depth: 3, steps: 1) { _, _ in 1 }
        #expect(EdgeOfChaos.measuredFactor(flat) == nil, "too few middle layers to fit")
        #expect(EdgeOfChaos.position(1.5, along: [1, 2, 3, 4]) == 1.0 / 4)
        #expect(EdgeOfChaos.position(4, along: [1, 2, 3, 4]) == 3.5 / 4)
    }

    /// Deep wide tanh networks at initialisation: the fitted factor per layer follows √χ₁ on both sides of the edge.
    @Test func measuredFactorFollowsTheTheoryOnBothSides() throws {
        var spec = ExperimentSpec(
            name: "f", title: "f", dataset: .digits, depth: 50, width: 128, batchSize: 256, epochs: nil, steps: 1,
            optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01), init: .variances(InitVariances(weightVariance: 1, biasVariance: 0.05)),
            seeds: [0, 1], recordEvery: 1, networks: [NetworkSpec(name: "tanh", activation: .tanh)])
        spec.sweep = ParameterSweep(axes: [SweepAxis(key: .weightVariance, given: .list([1.2, 2.5, 3.5]))])
        let history = try Experiment.run(spec, threads: 2)
        for point in EdgeOfChaos.factorPoints(history) {
            let theory = try #require(point.theory), measured = try #require(point.median)
            #expect(abs(measured / theory - 1) < 0.03, "σ_w² \(point.weightVariance): measured \(measured), √χ₁ \(theory)")
        }
    }

    /// A sweep of two activations draws each network's measurement and theory, and each activation's own edge.
    @Test func twoNetworksGetOneSeriesAndOneEdgeEach() throws {
        var spec = ExperimentSpec(
            name: "two", title: "two", dataset: .digits, depth: 12, width: 32, batchSize: 64, epochs: nil, steps: 1,
            optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01), init: .variances(InitVariances(weightVariance: 1, biasVariance: 0.05)),
            seeds: [0], recordEvery: 1,
            networks: [NetworkSpec(name: "tanh", activation: .tanh), NetworkSpec(name: "relu", activation: .relu)])
        spec.sweep = ParameterSweep(axes: [SweepAxis(key: .weightVariance, given: .list([1, 2, 4]))])
        let history = try Experiment.run(spec, threads: 2)
        #expect(EdgeOfChaos.factorPoints(history, network: 1).allSatisfy { $0.factors.count == 1 }, "relu runs are found under their sweep names")
        let renderer = try CairoRenderer()
        let scene = EdgeOfChaos.factorScene(history, measurer: renderer.measurer)
        let texts = DeepFigureGoldenTests.texts(scene.items)
        for name in ["tanh", "relu"] {
            #expect(texts.contains("\(name) theory: √χ₁") && texts.contains("\(name) measured (median)"), "legend lacks \(name)")
        }
        #expect(texts.contains { $0.hasPrefix("edge of chaos (tanh), σ_w² = ") } && texts.contains("edge of chaos (relu), σ_w² = 2.00"))
        #expect(!texts.contains("ordered: gradients vanish"), "two edges: no single ordered and chaotic side to name")
        let fading = DeepFigureGoldenTests.texts(EdgeOfChaos.fadingScene(history, measurer: renderer.measurer).items)
        #expect(fading.contains { $0.hasPrefix("tanh, ordered, σ_w² = 1,") } && fading.contains { $0.hasPrefix("tanh, chaotic, σ_w² = 4,") })
        #expect(fading.contains { $0.hasPrefix("relu, ordered, σ_w² = 1,") } && fading.contains { $0.hasPrefix("relu, exploding, σ_w² = 4 ") },
                "relu beyond its edge has no fixed variance to be chaotic about")
    }

    /// A sweep that stays below the edge names both of its fading panels ordered, whatever their order.
    @Test func fadingPanelsAreNamedByTheSideTheoryPutsThemOn() throws {
        var spec = ExperimentSpec(
            name: "low", title: "low", dataset: .digits, depth: 10, width: 16, batchSize: 32, epochs: nil, steps: 1,
            optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01), init: .variances(InitVariances(weightVariance: 1, biasVariance: 0.05)),
            seeds: [0], recordEvery: 1, networks: [NetworkSpec(name: "tanh", activation: .tanh)])
        spec.sweep = ParameterSweep(axes: [SweepAxis(key: .weightVariance, given: .list([1, 1.5]))])
        let history = try Experiment.run(spec, threads: 2)
        let fading = DeepFigureGoldenTests.texts(EdgeOfChaos.fadingScene(history, measurer: try CairoRenderer().measurer).items)
        #expect(fading.contains { $0.hasPrefix("ordered, σ_w² = 1,") } && fading.contains { $0.hasPrefix("ordered, σ_w² = 1.5,") })
        #expect(!fading.contains { $0.contains("chaotic") })
    }
}
