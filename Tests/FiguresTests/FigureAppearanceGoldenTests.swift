import CairoBackend
import Figures
import Foundation
import Graphics
import Testing
import TestSupport

/// Figures at a slide's, a paper column's and a square post's size, in each theme, against
/// `fixtures/golden/appearance/`. Rendered at 72 dpi (one pixel per point), as the other figure goldens.
@Suite struct FigureAppearanceGoldenTests {
    static let cases: [(history: String, figure: String, size: String, theme: FigureTheme)] = [
        ("zoo-small", "fading-sigmoid", "16:9", .dark),
        ("zoo-small", "heatmap-sigmoid", "8.5cmx6.5cm", .light),
        ("zoo-small", "heatmaps", "1080x1080", .transparent),
        ("zoo-small", "curves", "4:3", .print),
        ("zoo-small", "heatmap-sigmoid", "16:9", .print),
        ("zoo-small", "filmstrip-sigmoid", "1920x1080", .dark),
        ("through-time-quick", "time-heatmap-lstm", "8.5cmx6.5cm", .dark),
    ]

    @Test func eachSizeAndThemeMatchesItsGolden() throws {
        let renderer = try CairoRenderer()
        for c in Self.cases {
            var style = FigureAppearance(size: try FigureSize.parse(c.size), theme: c.theme).style()
            style.pixelsPerPoint = 1
            let history = try FigureFixtures.load(c.history)
            let jobs = FigureCatalog.jobs(for: history, style: style, measurer: renderer.measurer)
            guard let job = jobs.first(where: { $0.name == c.figure }) else {
                Issue.record("\(c.history) has no figure \(c.figure)")
                continue
            }
            let scene = job.scene()
            let size = c.size.replacingOccurrences(of: ":", with: "x")
            expectMatchesGolden(try renderer.image(scene, dpi: 72), named: "appearance/\(c.history)-\(c.figure)-\(size)-\(c.theme.rawValue)")
        }
    }

    @Test func transparentFiguresHaveAlphaAndTheOthersAreOpaque() throws {
        let renderer = try CairoRenderer()
        let history = try FigureFixtures.load("zoo-small")
        for theme in FigureTheme.allCases {
            let style = FigureAppearance(size: .aspect(width: 16, height: 9), theme: theme).style()
            guard let job = FigureCatalog.jobs(for: history, style: style, measurer: renderer.measurer).first(where: { $0.name == "summary" }) else {
                Issue.record("no summary")
                continue
            }
            let image = try renderer.image(job.scene(), dpi: 36)
            // The top-left corner lies in the margin: the page's own colour.
            let alpha = image.pixels[3]
            #expect(theme == .transparent ? alpha == 0 : alpha == 0xFF, "\(theme)")
        }
    }

    @Test func theSameRequestGivesTheSameBytes() throws {
        let renderer = try CairoRenderer()
        let history = try FigureFixtures.load("zoo-small")
        let style = FigureAppearance(size: try FigureSize.parse("8.5cmx6.5cm"), theme: .print).style()
        let a = FigureCatalog.figures(for: history, style: style, measurer: renderer.measurer)
        let b = FigureCatalog.figures(for: history, style: style, measurer: renderer.measurer)
        #expect(a == b)
        #expect(try renderer.png(a[0].scene, dpi: 300) == renderer.png(b[0].scene, dpi: 300))
        #expect(try renderer.pdf(pages: [a[1].scene]) == renderer.pdf(pages: [b[1].scene]))
    }
}
