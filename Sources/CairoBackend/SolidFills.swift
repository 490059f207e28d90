import CCairo
import CPNG
import Foundation
import Graphics

/// Solid fills of straight-edged paths on image surfaces, rasterised by vanish
/// (`vanish_fill_edges`) instead of Cairo: the planes and wires of fading diagrams and film strips.
///
/// Cairo scan-converts a slanted edge by sampling 15 sub-rows of every pixel row it crosses,
/// emitting a span per pixel, and composites a translucent fill with one pixman call per row;
/// thin slanted bands cost it several times their area. Here each pixel's coverage is the exact
/// area of it inside the path (integer arithmetic from Cairo's own fixed-point coordinates), and
/// the colour is blended with Cairo's arithmetic for opaque colours and pixman's for translucent
/// ones. Cairo's 15 sub-rows round coverage to about 1/30 of a pixel, so edge pixels differ from
/// Cairo's by a few levels; pixels away from edges are the same. Where edges of two overlapping
/// parts of a path cross one pixel (wires crossing), their overlap in that pixel counts twice,
/// which darkens the crossing's edge pixels a little.
enum SolidFills {
    /// Fills `path` (user space; the non-zero winding rule) with `color` onto `cr`'s current target
    /// under its matrix, as `cairo_fill` would, and returns true; returns false, having drawn
    /// nothing, when Cairo must draw it: a path with curves or with only horizontal and vertical
    /// edges (Cairo's box filler is exact and fast), an operator other than OVER, antialiasing
    /// other than the default, a target that is not an ARGB32 image at a whole-pixel offset, a
    /// clip that is not one rectangle of whole pixels, or points beyond a million pixels.
    static func fill(_ path: Path, color: Color, on cr: OpaquePointer) throws -> Bool {
        guard !path.elements.contains(where: { if case .curve = $0 { true } else { false } }),
              cairo_get_operator(cr) == CAIRO_OPERATOR_OVER, cairo_get_antialias(cr) == CAIRO_ANTIALIAS_DEFAULT,
              let target = ImageTarget(cr)
        else { return false }
        var matrix = cairo_matrix_t()
        cairo_get_matrix(cr, &matrix)
        guard let polygon = Polygon(path, matrix: matrix, offsetX: target.offsetX, offsetY: target.offsetY),
              !polygon.isRectilinear
        else { return false }
        // The clip, in pixels of the surface.
        guard let clips = ImageTarget.clipRectangles(cr), clips.count == 1 else { return false }
        let clipLeft = max(0, Int(clips[0].x) + target.offsetX), clipTop = max(0, Int(clips[0].y) + target.offsetY)
        let clipRight = min(target.width, Int(clips[0].x + clips[0].width) + target.offsetX)
        let clipBottom = min(target.height, Int(clips[0].y + clips[0].height) + target.offsetY)
        let pixel = premultipliedPixel(color)
        // The pixels the path can touch.
        let left = max(clipLeft, Int(polygon.minX >> 8)), top = max(clipTop, Int(polygon.minY >> 8))
        let right = min(clipRight, Int((polygon.maxX + 255) >> 8)), bottom = min(clipBottom, Int((polygon.maxY + 255) >> 8))
        // Nothing to draw: Cairo would draw nothing either.
        guard pixel != 0, left < right, top < bottom else { return true }

        let width = right - left, height = bottom - top
        let scratchBytes = vanish_fill_scratch_bytes(Int32(width), Int32(height))
        let scratch = scratchMemory.take(scratchBytes)
        defer { scratchMemory.give(scratch) }
        guard let (data, stride) = target.pixels() else { return false }
        polygon.edges.withUnsafeBufferPointer { edges in
            vanish_fill_edges(data, stride, Int32(left), Int32(top), Int32(width), Int32(height),
                              edges.baseAddress, edges.count, pixel, scratch.pointer, scratchBytes, FadedGroups.simd)
        }
        // In device space, as Cairo takes it; Cairo also no longer takes the surface for clear.
        cairo_surface_mark_dirty_rectangle(target.surface, Int32(left - target.offsetX), Int32(top - target.offsetY),
                                           Int32(width), Int32(height))
        return true
    }

    /// Cells for the coverage, kept from fill to fill: zero when taken, zero when given back.
    static let scratchMemory = PixelMemory(zeroed: true)

    /// The colour as Cairo stores it in an ARGB32 pixel: each channel clamped to 0…1, times
    /// alpha, to 16 bits rounded, then the high byte.
    static func premultipliedPixel(_ color: Color) -> UInt32 {
        func clamped(_ v: Double) -> Double { min(max(v, 0), 1) }
        let alpha = clamped(color.alpha)
        func byte(_ v: Double) -> UInt32 { UInt32(UInt16(v * 65535 + 0.5) >> 8) }
        return byte(alpha) << 24 | byte(clamped(color.red) * alpha) << 16 | byte(clamped(color.green) * alpha) << 8
            | byte(clamped(color.blue) * alpha)
    }

    /// A path's edges in the surface's pixels, in 1/256 pixel, as Cairo's path would hold them.
    struct Polygon {
        var edges: [vanish_fill_edge] = []
        var minX = Int32.max, minY = Int32.max, maxX = Int32.min, maxY = Int32.min
        /// Whether every edge is horizontal or vertical.
        var isRectilinear = true

        /// `path` (straight segments only) through `matrix` and the surface's offset, as
        /// `cairo_move_to` and `cairo_line_to` place points (user to device, then to the surface,
        /// rounded to 1/256 pixel); nil if a point is not finite or lies a million pixels away.
        init?(_ path: Path, matrix m: cairo_matrix_t, offsetX: Int, offsetY: Int) {
            edges.reserveCapacity(path.elements.count)
            let ox = Double(offsetX), oy = Double(offsetY)
            func fixed(_ p: Point) -> (Int32, Int32)? {
                // cairo_matrix_transform_point: the distance, then the translation; then the
                // surface's device transform (a whole-pixel offset).
                let x = (m.xx * p.x + m.xy * p.y) + m.x0 + ox, y = (m.yx * p.x + m.yy * p.y) + m.y0 + oy
                guard abs(x) < 1e6, abs(y) < 1e6 else { return nil }
                return (Int32((x * 256).rounded(.toNearestOrEven)), Int32((y * 256).rounded(.toNearestOrEven)))
            }
            var start: (Int32, Int32)?, current: (Int32, Int32)?
            func edge(to p: (Int32, Int32)) {
                guard let c = current else { return }
                if c.0 != p.0 && c.1 != p.1 { isRectilinear = false }
                if c.1 != p.1 { edges.append(vanish_fill_edge(x0: c.0, y0: c.1, x1: p.0, y1: p.1)) }
                minX = min(minX, c.0, p.0)
                maxX = max(maxX, c.0, p.0)
                minY = min(minY, c.1, p.1)
                maxY = max(maxY, c.1, p.1)
            }
            for element in path.elements {
                switch element {
                case .move(let p):
                    guard let q = fixed(p) else { return nil }
                    if let s = start { edge(to: s) }  // a fill closes every sub-path
                    start = q
                    current = q
                case .line(let p):
                    guard let q = fixed(p) else { return nil }
                    if current == nil {  // a line without a current point starts a sub-path
                        start = q
                        current = q
                    }
                    edge(to: q)
                    current = q
                case .close:
                    if let s = start {
                        edge(to: s)
                        current = s
                    }
                case .curve:
                    return nil
                }
            }
            if let s = start { edge(to: s) }
        }
    }
}
