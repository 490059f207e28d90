import CairoBackend
import Figures
import Foundation
import Graphics
import Testing

/// The speed the issue asks for: a 21-layer × 690-step heatmap to PNG well under 50 ms.
@Suite struct HeatmapSpeedTests {
    @Test func heatmapOf21LayersBy690StepsRendersToPNGQuickly() throws {
        let run = FigureFixtures.run("sigmoid", depth: 20, steps: 690) { s, l in
            Float(pow(10, -0.6 * Double(20 - l))) * (1 + 0.1 * Float(s % 7))
        }
        let figureRun = FigureRun.all(in: FigureFixtures.history([run]))[0]
        let renderer = try CairoRenderer()
        let measurer = renderer.measurer
        let clock = ContinuousClock()
        var best = Duration.seconds(60)
        var sceneOnly = Duration.seconds(60)
        var bytes = 0
        for _ in 0..<5 {
            var scene = Scene(width: 1, height: 1)
            sceneOnly = min(sceneOnly, clock.measure { scene = GradientHeatmap.scene(figureRun, measurer: measurer) })
            let total = try clock.measure {
                let s = GradientHeatmap.scene(figureRun, measurer: measurer)
                bytes = try renderer.png(s, dpi: CairoRenderer.defaultDPI).count
            }
            best = min(best, total)
            #expect(scene.width == GradientHeatmap.size.width)
        }
        let ms = { (d: Duration) in Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        print("heatmap 21 × 690 at 144 dpi: scene \(NumberFormat.fixed(ms(sceneOnly), digits: 2)) ms, "
              + "scene + PNG \(NumberFormat.fixed(ms(best), digits: 1)) ms (best of 5), \(bytes) bytes")
        #expect(bytes > 10_000)
    }
}
