import Foundation
import Testing
import Figures
import Graphics
import GradientData
import CairoBackend

@Suite struct AllFiguresTests {
    /// The backend's own measurer, so the checks see text exactly as it is drawn.
    let measurer: TextMeasurer

    init() throws {
        measurer = try CairoTextMeasurer()
    }

    @Test func everyFigureRendersFromEveryFixtureWithTextOnThePage() throws {
        let fixtures = try FigureFixtures.available()
        #expect(!fixtures.isEmpty)
        for (name, history) in fixtures {
            let figures = FigureCatalog.figures(for: history, measurer: measurer)
            let runs = history.runs.count
            #expect(figures.count == 7 + 3 * runs, "\(name)")
            #expect(Set(figures.map(\.name)).count == figures.count, "\(name): figure names are unique")
            for figure in figures {
                let scene = figure.scene
                #expect(scene.width > 100 && scene.height > 100, "\(name)/\(figure.name)")
                #expect(!scene.items.isEmpty, "\(name)/\(figure.name) is blank")
                for text in scene.placedTexts(measurer: measurer) {
                    #expect(scene.bounds.contains(text.bounds, tolerance: 0.5),
                            "\(name)/\(figure.name): '\(text.string)' at \(text.bounds) leaves the page \(scene.width)×\(scene.height)")
                }
            }
        }
    }

    @Test func noTwoLabelsOverlap() throws {
        for (name, history) in try FigureFixtures.available() {
            for figure in FigureCatalog.figures(for: history, measurer: measurer) {
                let boxes = figure.scene.placedTexts(measurer: measurer).filter { !$0.string.isEmpty }
                for i in boxes.indices {
                    for j in boxes.indices where j > i {
                        // Shrink slightly: glyph boxes include line gaps that may touch.
                        let a = boxes[i].bounds.insetBy(dx: 0.5, dy: 1.5), b = boxes[j].bounds.insetBy(dx: 0.5, dy: 1.5)
                        #expect(!a.intersects(b), "\(name)/\(figure.name): '\(boxes[i].string)' overlaps '\(boxes[j].string)'")
                    }
                }
            }
        }
    }

    @Test func degenerateHistoriesStillDrawEveryFigure() {
        var empty = FigureFixtures.run("nothing recorded", depth: 3, steps: 0) { _, _ in 1 }
        empty.testAccuracy = []
        let histories = [FigureFixtures.history([]), FigureFixtures.history([empty])]
        for history in histories {
            let figures = FigureCatalog.figures(for: history, measurer: measurer)
            #expect(figures.count == 7 + 3 * history.runs.count)
            for figure in figures {
                #expect(figure.scene.width > 100 && figure.scene.height > 100, "\(figure.name)")
                for text in figure.scene.placedTexts(measurer: measurer) {
                    #expect(figure.scene.bounds.contains(text.bounds, tolerance: 0.5), "\(figure.name): '\(text.string)'")
                }
            }
        }
    }
}
