@testable import CairoBackend
import CCairo
import Foundation
import Graphics
import Testing

/// Fills of many equal ellipses on image surfaces are blended from stamps (`EllipseStamps`);
/// the pixels must be Cairo's, but for the rounding of each centre to 1/8 pixel.
@Suite struct EllipseStampTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    static let rim = Color(rgb8: 0x3B, 0x52, 0x8B)
    static let core = Color(rgb8: 0xF0, 0xE4, 0x42)

    /// A column of `count` ellipses, 9 × 11 pt, centred at (x, y + 30 · j).
    static func column(x: Double, y: Double, count: Int, inset: Double = 0) -> Path {
        var path = Path(rasterTolerance: 0.25)
        for j in 0..<count {
            path.elements += Path.ellipse(in: Rect(x: x - 4.5 + inset, y: y + 30 * Double(j) - 5.5 + inset,
                                                   width: 9 - 2 * inset, height: 11 - 2 * inset)).elements
        }
        return path
    }

    /// The same ellipses as one fill each: fewer than `EllipseStamps.minimumCount`, so Cairo fills them.
    static func oneByOne(_ path: Path, _ color: Color) -> [SceneItem] {
        stride(from: 0, to: path.elements.count, by: 6).map {
            .fill(Path(Array(path.elements[$0..<$0 + 6]), rasterTolerance: path.rasterTolerance), color)
        }
    }

    /// Rims and cores on a translucent plane, in a faded group, as the fading diagrams draw them.
    func scene(x: Double, y: Double, stamped: Bool) -> Scene {
        let rims = Self.column(x: x, y: y, count: 6), cores = Self.column(x: x, y: y, count: 6, inset: 0.9)
        let plane = SceneItem.fill(.rectangle(Rect(x: 5, y: 5, width: 40, height: 190)), Self.core.withAlpha(0.45))
        let members: [SceneItem] = stamped
            ? [plane, .fill(rims, Self.rim), .fill(cores, Self.core)]
            : [plane] + Self.oneByOne(rims, Self.rim) + Self.oneByOne(cores, Self.core)
        return Scene(width: 60, height: 200, background: .white, items: [.group(members, clip: nil, opacity: 0.6)])
    }

    static func largestDifference(_ a: RasterImage, _ b: RasterImage) -> (largest: Int, count: Int) {
        var largest = 0, count = 0
        for (p, q) in zip(a.pixels, b.pixels) where p != q {
            largest = max(largest, abs(Int(p) - Int(q)))
            count += 1
        }
        return (largest, count)
    }

    @Test(arguments: [72.0, 144.0])
    func centresOnTheEighthPixelGridGiveCairosPixels(dpi: Double) throws {
        // At 72 and 144 dpi, centres at multiples of 1/8 pt lie on the 1/8-pixel grid.
        for (x, y) in [(20.0, 15.0), (20.625, 15.375), (25.875, 17.125)] {
            let stamped = try renderer.image(scene(x: x, y: y, stamped: true), dpi: dpi)
            let cairo = try renderer.image(scene(x: x, y: y, stamped: false), dpi: dpi)
            #expect(stamped == cairo, "centre (\(x), \(y)) at \(dpi) dpi")
        }
    }

    @Test func centresOffTheGridMoveOnlyEdgePixelsByAFewLevels() throws {
        for (x, y) in [(20.03, 15.11), (21.3, 16.72), (24.71, 15.49)] {
            let stamped = try renderer.image(scene(x: x, y: y, stamped: true), dpi: 144)
            let cairo = try renderer.image(scene(x: x, y: y, stamped: false), dpi: 144)
            let d = Self.largestDifference(stamped, cairo)
            // An edge moves by at most 1/16 pixel: its pixels' coverage by at most 16 levels.
            #expect(d.largest <= 16, "centre (\(x), \(y))")
            #expect(d.count > 0, "centre (\(x), \(y)): rounding should show somewhere")
        }
    }

    @Test func stampsAreUsedOnlyWhereTheyPaintTheSame() throws {
        let surface = try CairoSurface.image(width: 100, height: 200)
        guard let cr = cairo_create(surface.pointer) else { Issue.record("no context"); return }
        defer { cairo_destroy(cr) }
        cairo_rectangle(cr, 0, 0, 100, 200)
        cairo_clip(cr)
        let column = Self.column(x: 20, y: 15, count: 6)
        #expect(try EllipseStamps.fill(column, color: Self.rim, tolerance: 0.25, on: cr))
        // Translucent: left to Cairo (its blend differs from the opaque one).
        #expect(try !EllipseStamps.fill(column, color: Self.rim.withAlpha(0.5), tolerance: 0.25, on: cr))
        // Too few ellipses.
        #expect(try !EllipseStamps.fill(Self.column(x: 20, y: 15, count: 3), color: Self.rim, tolerance: 0.25, on: cr))
        // Overlapping ellipses would blend their shared pixels twice.
        var overlapping = column
        overlapping.elements += Path.ellipse(in: Rect(x: 18, y: 12, width: 9, height: 11)).elements
        #expect(try !EllipseStamps.fill(overlapping, color: Self.rim, tolerance: 0.25, on: cr))
        // Reaching past the clip.
        #expect(try !EllipseStamps.fill(Self.column(x: 3, y: 15, count: 6), color: Self.rim, tolerance: 0.25, on: cr))
        // A rotated transform.
        cairo_save(cr)
        cairo_rotate(cr, 0.1)
        #expect(try !EllipseStamps.fill(column, color: Self.rim, tolerance: 0.25, on: cr))
        cairo_restore(cr)
        // Without a clip, the surface's edge bounds the stamps.
        cairo_reset_clip(cr)
        #expect(try EllipseStamps.fill(column, color: Self.rim, tolerance: 0.25, on: cr))
        #expect(try !EllipseStamps.fill(Self.column(x: 97, y: 15, count: 6), color: Self.rim, tolerance: 0.25, on: cr))
    }

    @Test func vectorOutputKeepsTheEllipses() throws {
        // PDF and SVG never stamp: the fill stays one path of Bézier ellipses.
        let svg = String(decoding: try renderer.svg(scene(x: 20, y: 15, stamped: true)), as: UTF8.self)
        #expect(svg.contains(" C "))
        #expect(!svg.contains("<image"))
    }
}
