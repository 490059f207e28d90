import CairoBackend
import Figures
import Foundation
import Graphics
import Testing
import TestSupport

/// Every figure of both fixture histories against `fixtures/golden/<history>-<figure>.png`.
///
/// Rendered at 72 dpi (one pixel per point) to keep the baselines small; record new ones with
/// `VANISH_RECORD_GOLDENS=1` and look at each before committing it.
@Suite struct FigureGoldenTests {
    static let dpi = 72.0

    @Test(arguments: ["edge-cases", "zoo-small"])
    func everyFigureMatchesItsGolden(history name: String) throws {
        let history = try FigureFixtures.load(name)
        let renderer = try CairoRenderer()
        var style = FigureStyle.standard
        style.pixelsPerPoint = Self.dpi / 72
        let figures = FigureCatalog.figures(for: history, style: style, measurer: renderer.measurer)
        #expect(figures.count == 7 + 3 * history.runs.count)
        for figure in figures {
            expectMatchesGolden(try renderer.image(figure.scene, dpi: Self.dpi), named: "\(name)-\(figure.name)")
        }
    }

    @Test(arguments: ["edge-cases", "zoo-small"])
    func everyFigureWritesSVGAndPDF(history name: String) throws {
        let history = try FigureFixtures.load(name)
        let renderer = try CairoRenderer()
        for figure in FigureCatalog.figures(for: history, measurer: renderer.measurer) {
            let pdf = try renderer.pdf(pages: [figure.scene])
            let svg = try renderer.svg(figure.scene)
            #expect(pdf.starts(with: Data("%PDF".utf8)), "\(name)/\(figure.name).pdf")
            #expect(String(decoding: svg.prefix(200), as: UTF8.self).contains("<svg"), "\(name)/\(figure.name).svg")
        }
    }

    /// 20 networks × 2 seeds: comparisons draw the first seed of the first 12 networks and say so under the figure.
    @Test func manyRunsAreCappedAndSaySo() throws {
        let history = try FigureFixtures.load("many-runs")
        #expect(history.runs.count == 40)
        let renderer = try CairoRenderer()
        var style = FigureStyle.standard
        style.pixelsPerPoint = Self.dpi / 72
        let figures = FigureCatalog.figures(for: history, style: style, measurer: renderer.measurer)
        #expect(figures.count == 7 + 3 * RunSelection.limit)
        #expect(figures.last?.name == "filmstrip-net11-seed0")
        let note = "showing the first seed of each network, the first 12 of 20 networks: 12 of 40 runs"
        for figure in figures where !figure.name.contains("-net") {
            let texts = figure.scene.items.compactMap { item -> String? in
                if case .text(let string, _, _, _) = item { return string }
                return nil
            }
            #expect(texts.last == note, "\(figure.name)")
        }
        for figure in figures where ["heatmaps", "summary", "curves"].contains(figure.name) {
            expectMatchesGolden(try renderer.image(figure.scene, dpi: Self.dpi), named: "many-runs-\(figure.name)")
        }
        // Every run is drawn while they fit: no note below the cap.
        let few = RunSelection(FigureRun.all(in: try FigureFixtures.load("zoo-small")))
        #expect(few.note == nil && few.leftOut == 0 && few.shown.count == 5)
        // One seed each but too many networks: the first ones, and the count.
        let single = RunSelection(Array(FigureRun.all(in: history).prefix(40)), limit: 3)
        #expect(single.shownIndices == [0, 2, 4])
        #expect(single.note == "showing the first seed of each network, the first 3 of 20 networks: 3 of 40 runs")
    }

    @Test func renderingTwiceGivesTheSameBytes() throws {
        let history = try FigureFixtures.load("zoo-small")
        let renderer = try CairoRenderer()
        let runs = FigureRun.all(in: history)
        let a = GradientHeatmap.smallMultiples(runs, measurer: renderer.measurer)
        let b = GradientHeatmap.smallMultiples(runs, measurer: renderer.measurer)
        #expect(a == b)
        #expect(try renderer.png(a) == renderer.png(b))
        let fading = FadingLayerDiagram.filmStrip(runs[0], measurer: renderer.measurer)
        #expect(try renderer.pdf(pages: [fading]) == renderer.pdf(pages: [fading]))
    }
}
