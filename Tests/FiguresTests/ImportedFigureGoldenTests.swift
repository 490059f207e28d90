import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Testing
import TestSupport

/// Figures of a real PyTorch gradient log (`fixtures/import/pytorch-mlp.csv`: layers inp, hidden.0 … hidden.4, out; loss only).
@Suite struct ImportedFigureGoldenTests {
    @Test func pytorchLogFiguresMatchTheirGoldens() throws {
        let history = try GradientLogImport.load(contentsOf: TestPaths.fixtures.appendingPathComponent("import/pytorch-mlp.csv"))
        let renderer = try CairoRenderer()
        let figures = FigureCatalog.figures(for: history, measurer: renderer.measurer)
        // The loss-only curves (no accuracy panel), the heatmaps, the profile, the summary without accuracy columns; saturation and ‖δ‖ are not in the log.
        #expect(!figures.map(\.name).contains("saturation") && !figures.map(\.name).contains("profile-delta"))
        for name in ["curves", "heatmaps", "profile", "summary"] {
            let figure = try #require(figures.first { $0.name == name })
            expectMatchesGolden(try renderer.image(figure.scene, dpi: 72), named: "pytorch-mlp-\(name)")
        }
    }
}
