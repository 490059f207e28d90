import CairoBackend
@testable import Figures
import Foundation
import Graphics
import Testing

@Suite struct LinePlotTests {
    /// A deterministic noisy series like a raw training loss: a trend, noise and a few spikes.
    static func noisy(_ count: Int) -> [Point] {
        var state: UInt64 = 12345
        return (0..<count).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(state >> 11) / Double(1 << 53) - 0.5
            let spike = i % 97 == 13 ? 60.0 : 0
            return Point(10 + 0.53 * Double(i), 200 - 0.2 * Double(i) + 8 * noise + spike)
        }
    }

    /// The distance from `p` to the polyline through `line`.
    static func distance(_ p: Point, to line: [Point]) -> Double {
        zip(line, line.dropFirst()).map { LinePlot.squaredSegmentDistance(p, $0, $1).squareRoot() }.min() ?? .infinity
    }

    @Test(arguments: [0.05, 0.5, 3])
    func simplifiedLineStaysWithinToleranceAndKeepsEndsAndExtremes(tolerance: Double) {
        let smooth = (0..<690).map { i in Point(10 + 0.53 * Double(i), 100 + 40 * sin(Double(i) / 60)) }
        for points in [Self.noisy(690), smooth] {
            let kept = LinePlot.simplified(points, tolerance: tolerance)
            #expect(kept.count < points.count)
            #expect(kept.first == points.first && kept.last == points.last)
            // Every point left out lies within the tolerance of the line drawn without it.
            let worst = points.map { Self.distance($0, to: kept) }.max() ?? 0
            #expect(worst <= tolerance + 1e-9)
            #expect(kept.map(\.y).min() == points.map(\.y).min())
            #expect(kept.map(\.y).max() == points.map(\.y).max())
            // Kept points are a subsequence of the original, in order.
            var rest = points[...]
            for p in kept {
                guard let i = rest.firstIndex(of: p) else { Issue.record("\(p) not in order"); break }
                rest = rest[(i + 1)...]
            }
        }
    }

    @Test func straightRunsKeepOnlyTheirEnds() {
        let flat = (0..<50).map { Point(Double($0), 7) }
        #expect(LinePlot.simplified(flat, tolerance: 0.05) == [flat[0], flat[49]])
        // Going back along the same line is not straight: the turning point stays.
        let back = [Point(0, 0), Point(10, 0), Point(5, 0)]
        #expect(LinePlot.simplified(back, tolerance: 0.05) == back)
        #expect(LinePlot.simplified(Array(flat.prefix(2)), tolerance: 0.05) == Array(flat.prefix(2)))
    }

    @Test func rawLossIsDrawnWithFastAntialiasingAndItsMeanWithTheBest() throws {
        let run = FigureFixtures.run("sigmoid", depth: 2, steps: 400) { _, _ in 1 }
        let scene = TrainingCurves.scene(FigureRun.all(in: FigureFixtures.history([run])), measurer: EstimatedTextMeasurer())
        func strokes(_ items: [SceneItem]) -> [StrokeStyle] {
            items.flatMap { item -> [StrokeStyle] in
                switch item {
                case .stroke(let path, let style) where path.elements.count > 2: return [style]
                case .group(let inner, _, _): return strokes(inner)
                default: return []
                }
            }
        }
        let lines = strokes(scene.items)
        #expect(lines.contains { $0.color.alpha < 1 && $0.rasterAntialias == .fast })
        #expect(lines.contains { $0.color.alpha == 1 && $0.width > 1 })
        #expect(lines.allSatisfy { ($0.color.alpha < 1) == ($0.rasterAntialias == .fast) })
    }

    @Test func fastAntialiasingChangesOnlyEdgePixelsSlightlyAndNoVectorOutput() throws {
        let renderer = try CairoRenderer()
        func scene(_ antialias: StrokeStyle.RasterAntialias) -> Scene {
            var scene = Scene(width: 300, height: 240)
            let style = StrokeStyle(color: Color(red: 0, green: 0.6, blue: 0.45, alpha: 0.22), width: 1, cap: .round, join: .round,
                                    rasterAntialias: antialias)
            scene.stroke(.polyline(Self.noisy(500).map { Point($0.x * 0.5, $0.y) }), style)
            return scene
        }
        let best = try renderer.image(scene(.best)), fast = try renderer.image(scene(.fast))
        #expect(best.width == fast.width && best.height == fast.height)
        let differences = zip(best.pixels, fast.pixels).map { abs(Int($0) - Int($1)) }
        // Coverage off by at most about half a pixel's, times the line's alpha of 0.22: about 28 levels.
        #expect((differences.max() ?? 0) <= 32)
        #expect(differences.contains { $0 > 0 })
        #expect(try renderer.pdf(pages: [scene(.best)]) == renderer.pdf(pages: [scene(.fast)]))
    }
}
