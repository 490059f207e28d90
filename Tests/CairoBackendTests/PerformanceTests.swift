import CairoBackend
import Foundation
import Graphics
import Testing

@Suite struct PerformanceTests {
    /// A heatmap-like figure: a 690-step × 21-layer image drawn nearest-neighbour, with axes and labels.
    static func heatmapScene() -> Scene {
        let steps = 690, layers = 21
        var image = RasterImage(width: steps, height: layers)
        // Like a real run: each layer has its own level (smaller towards the input), noisy from step to step.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for x in 0..<steps {
            for y in 0..<layers {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = Double(state >> 40) / Double(1 << 24)
                let t = min(1, max(0, Double(layers - y) / Double(layers) * 0.8 + 0.15 * noise + 0.05 * Double(x) / Double(steps)))
                image[x, y] = Color(red: 0.27 + 0.7 * t, green: 0.1 + 0.8 * t, blue: 0.33 + 0.2 * (1 - t))
            }
        }
        var scene = Scene(width: 640, height: 400)
        let plot = Rect(x: 60, y: 40, width: 480, height: 300)
        scene.append(.image(image, rect: plot, interpolation: .nearest))
        scene.stroke(.rectangle(plot), StrokeStyle(color: .black, width: 0.8))
        let tick = TextStyle(size: 9, anchor: .end, baseline: .middle)
        for layer in stride(from: 1, through: layers, by: 2) {
            let y = plot.maxY - (Double(layer) - 0.5) / Double(layers) * plot.height
            scene.stroke(.polyline([Point(plot.minX - 4, y), Point(plot.minX, y)]), StrokeStyle(color: .black, width: 0.8))
            scene.text("\(layer)", at: Point(plot.minX - 6, y), style: tick)
        }
        for step in stride(from: 0, through: steps, by: 100) {
            let x = plot.minX + Double(step) / Double(steps) * plot.width
            scene.stroke(.polyline([Point(x, plot.maxY), Point(x, plot.maxY + 4)]), StrokeStyle(color: .black, width: 0.8))
            scene.text("\(step)", at: Point(x, plot.maxY + 6), style: TextStyle(size: 9, anchor: .middle, baseline: .top))
        }
        scene.text("step", at: Point(plot.midX, 385), style: TextStyle(size: 11, anchor: .middle))
        scene.text("layer", at: Point(20, plot.midY), style: TextStyle(size: 11, anchor: .middle), rotation: -Double.pi / 2)
        scene.text("log₁₀ ‖dL/dW‖: 10⁻¹² … 10⁰", at: Point(plot.minX, 28), style: TextStyle(size: 12, weight: .bold))
        return scene
    }

    @Test func heatmapPNGRendersWellUnderFiftyMilliseconds() throws {
        let renderer = try CairoRenderer()
        let scene = Self.heatmapScene()
        _ = try renderer.png(scene, dpi: 144)  // warm the glyph caches
        var best = Double.infinity, bestCPU = Double.infinity
        var bytes = 0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = Self.threadCPUMilliseconds()
            bytes = try renderer.png(scene, dpi: 144).count
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            bestCPU = min(bestCPU, Self.threadCPUMilliseconds() - cpuStart)
        }
        print("heatmap 21 × 690 + axes -> PNG at 144 dpi (1280 × 800 px, \(bytes) bytes): best of 5: "
            + "\(String(format: "%.1f", best)) ms wall, \(String(format: "%.1f", bestCPU)) ms CPU")
        if let out = ProcessInfo.processInfo.environment["VANISH_SAMPLE_OUT"] {
            try renderer.png(scene, dpi: 144).write(to: URL(fileURLWithPath: out + "-heatmap.png"))
        }
        // The machine is shared, so wall time varies; CPU time is the stable measure.
    }

    static func threadCPUMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }
}
