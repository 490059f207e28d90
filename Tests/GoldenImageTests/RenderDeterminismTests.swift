import CairoBackend
import Figures
import Foundation
import GoldenImage
import GradientData
import Graphics
import Testing
import TestSupport

/// Golden images only work if rendering is repeatable: the same figure must give the same bytes.
@Suite("Rendering is repeatable and PNGs decode to the rendered pixels")
struct RenderDeterminismTests {
    static func figures() throws -> [NamedFigure] {
        let history = try GradientHistory.load(
            contentsOf: TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json"))
        let renderer = try CairoRenderer()
        return FigureCatalog.figures(for: history, measurer: renderer.measurer)
    }

    @Test func everyFigureRendersRepeatablyAndDecodesToItsPixels() throws {
        let renderer = try CairoRenderer()
        let figures = try Self.figures()
        #expect(figures.count >= 10)
        for (index, figure) in figures.enumerated() {
            let first = try renderer.png(figure.scene)
            // Equal pixels from two renderings (below) already imply equal PNG bytes; check that too, on a few.
            if index < 3 {
                #expect(try renderer.png(figure.scene) == first, "\(figure.name): PNG bytes differ between two renderings")
            }
            // A second rendering, read back by the backend, equals Cairo's PNG as our decoder reads it.
            let decoded = try PNGCodec.decode(first, path: figure.name)
            let pixels = try renderer.image(figure.scene)
            let result = compare(expected: pixels, actual: decoded)
            #expect(result.outcome == .identical, "\(figure.name): \(result.summary)")
        }
    }

    @Test func aMultiPagePDFIsTheSameBytesTwice() throws {
        let renderer = try CairoRenderer()
        let pages = try Self.figures().map(\.scene)
        let pdf = try renderer.pdf(pages: pages)
        #expect(pdf.starts(with: Data("%PDF".utf8)))
        #expect(try renderer.pdf(pages: pages) == pdf)
    }

    /// Cairo names some SVG elements (`surface2709`, `image2663`) from process-wide counters;
    /// the renderer renumbers them per document, so a figure's SVG does not depend on what the
    /// process drew before it.
    @Test func svgOfTheSameFigureTwiceInOneProcessIsTheSameBytes() throws {
        let renderer = try CairoRenderer()
        let figure = try #require(try Self.figures().first)
        #expect(try renderer.svg(figure.scene) == renderer.svg(figure.scene))
    }

    @Test func anSVGDrawnAfterOtherFiguresOrAlongsideThemEqualsTheFirst() throws {
        let renderer = try CairoRenderer()
        let figures = try Self.figures()
        let fading = try #require(figures.first { $0.name == "fading-sigmoid" })
        let first = try renderer.svg(fading.scene)
        for figure in figures.prefix(6) {
            _ = try renderer.png(figure.scene)
            _ = try renderer.svg(figure.scene)
        }
        _ = try renderer.pdf(pages: figures.prefix(3).map(\.scene))
        #expect(try renderer.svg(fading.scene) == first)
        // Drawn on several threads at once, each figure's SVG is the one drawn alone.
        let alone = try figures.map { try renderer.svg($0.scene) }
        let together = Concurrently.map(figures.count * 2) { i in
            Result { try renderer.svg(figures[i % figures.count].scene) }
        }
        for (i, svg) in together.enumerated() {
            #expect(try svg.get() == alone[i % figures.count], "\(figures[i % figures.count].name)")
        }
    }

    /// Every `xlink:href="#…"` and `url(#…)` names an id of the same document, and the numbered
    /// ids of each kind are 0, 1, 2, … (none kept Cairo's process-wide number).
    @Test(arguments: ["fading-sigmoid", "heatmap-sigmoid", "fading"])
    func everyReferenceInAnSVGNamesAnIDOfIt(figure name: String) throws {
        let renderer = try CairoRenderer()
        let figure = try #require(try Self.figures().first { $0.name == name })
        let svg = String(decoding: try renderer.svg(figure.scene), as: UTF8.self)
        func captures(_ pattern: String) throws -> [String] {
            let regex = try Regex(pattern)
            return svg.matches(of: regex).map { String($0.output[1].substring ?? "") }
        }
        let ids = try captures(#" id="([^"]*)""#)
        let references = try captures(##"(?:href="#|url\(#)([^")]*)"##)
        #expect(Set(ids).count == ids.count, "\(name): an id is defined twice")
        #expect(Set(references).subtracting(ids).isEmpty, "\(name): references without an id")
        // Every kind of reference the figure draws with takes part.
        let drawnWith: Set<String> = name.hasPrefix("fading") ? ["clip", "glyph", "mask", "surface"] : ["glyph", "image", "pattern"]
        let kinds = Set(references.map { String($0.prefix { $0.isLetter }) })
        #expect(kinds.isSuperset(of: drawnWith), "\(name): \(kinds.sorted())")
        var numbers: [String: Set<Int>] = [:]
        for id in ids {
            let kind = String(id.prefix { $0.isLetter })
            guard let number = Int(id.dropFirst(kind.count).prefix { $0.isNumber }) else { continue }
            numbers[kind, default: []].insert(number)
        }
        for (kind, used) in numbers {
            #expect(used == Set(0..<used.count), "\(name): \(kind) ids \(used.sorted())")
        }
    }
}
