import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Testing
import TestSupport

/// A 1000-layer network stays readable: the heatmap thins its layer labels to a few integers,
/// the fading diagram draws a sample of the layers and says so, and gradients that underflow
/// to 0 are drawn in the underflow colour. Goldens at 72 dpi, like the other figure goldens.
@Suite struct DeepFigureGoldenTests {
    /// 1000 hidden layers and 12 steps; each layer gets 0.8 times the gradient of the one above,
    /// so below about layer 540 the Float value underflows to exactly 0.
    static func history() -> GradientHistory {
        let run = FigureFixtures.run("sigmoid-1000", depth: 1000, steps: 12) { s, l in
            Float(pow(0.8, Double(1000 - l)) * (1 + 0.05 * Double(s % 3)))
        }
        return FigureFixtures.history([run])
    }

    static func texts(_ items: [SceneItem]) -> [String] {
        items.flatMap { item -> [String] in
            switch item {
            case .text(let string, _, _, _): return [string]
            case .group(let inner, _, _): return texts(inner)
            default: return []
            }
        }
    }

    @Test func heatmapAndFadingDiagramOfAThousandLayers() throws {
        let history = Self.history()
        #expect(history.runs[0].stats.weightGradNorm[0][0] == 0, "the input side underflows")
        let renderer = try CairoRenderer()
        var style = FigureStyle.standard
        style.pixelsPerPoint = 1
        let figures = FigureCatalog.figures(for: history, kinds: [.heatmap, .fadingRun], style: style, measurer: renderer.measurer)
        #expect(figures.map(\.name) == ["heatmap-sigmoid-1000", "fading-sigmoid-1000"])
        for figure in figures {
            expectMatchesGolden(try renderer.image(figure.scene, dpi: 72), named: "deep-1000-\(figure.name)")
        }

        // Layer labels: a few round integers, not a thousand.
        let heatmapLabels = Self.texts(figures[0].scene.items).compactMap { Int($0) }.filter { $0 >= 1 && $0 <= 1000 && $0 % 50 == 0 }
        #expect((5...25).contains(heatmapLabels.count), "\(heatmapLabels)")
        let fadingTexts = Self.texts(figures[1].scene.items)
        let note = try #require(fadingTexts.first { $0.hasPrefix("showing ") })
        #expect(note.hasSuffix(" of 1001 layers, evenly spaced"))
        let fadingLabels = fadingTexts.compactMap { Int($0) }.filter { $0 >= 1 }  // the legend has a "0"
        #expect(fadingLabels.first == 1 && fadingLabels.count <= 20 && fadingLabels == fadingLabels.sorted(), "\(fadingLabels)")
    }
}
