import CCairo
import CPNG
import Foundation
import Graphics

/// Opaque fills of many equal ellipses on image surfaces (a column of neurons), drawn as
/// stamps: the coverage of one ellipse is rendered once by Cairo into a small A8 mask, and
/// each ellipse's pixels are blended from it at a whole-pixel offset.
///
/// Cairo scan-converts a small ellipse at about the cost of a large shape per pixel row (it
/// samples 15 sub-rows of every row that a slanted edge crosses), tens of thousands of
/// instructions per ellipse; blending a stamp costs a few thousand. A stamp's coverage depends
/// only on the ellipse's size, Cairo's tolerance and where its centre falls within a pixel;
/// that position is rounded to 1/`phases` pixel, so one stamp serves every ellipse whose centre
/// rounds to the same place. The rounding moves an edge by at most 1/(2 · `phases`) pixel,
/// which changes the antialiasing of edge pixels by a few levels and nothing else.
///
/// The blend is Cairo's own for an opaque solid fill (`lerp8x4` of its image compositor, as
/// `vanish_fill_blend_row` does it for `SolidFills`): an
/// ellipse whose centre lies on the 1/`phases` grid comes out byte for byte as Cairo fills it.
/// Stamps are kept for the whole process (they depend on nothing else), so the figures of a
/// report share them.
enum EllipseStamps {
    /// Sub-pixel positions per pixel, in each direction, that a stamp is made for.
    static let phases = 8
    /// Fills with fewer ellipses than this are left to Cairo.
    static let minimumCount = 4
    /// Radii (device pixels) above this are left to Cairo: large stamps gain little.
    static let maximumRadius = 64.0

    struct Key: Hashable {
        var rx, ry, tolerance: Double
        var phaseX, phaseY: Int
    }

    /// One ellipse's coverage (0–255), `width` × `height`, its centre at
    /// (`originX` + phaseX / `phases`, `originY` + phaseY / `phases`).
    struct Stamp: Sendable {
        let width, height, originX, originY: Int
        let coverage: [UInt8]
        /// Per row, the columns of non-zero coverage (an ellipse's row is one run).
        let rows: [Row]

        struct Row: Sendable {
            var start = 0, end = 0
        }
    }

    /// Draws `path` filled with the opaque `color` as stamps onto `cr`'s current target if
    /// it is made of `minimumCount` or more ellipses of one size whose pixels do not touch,
    /// under a transform without rotation, inside a rectangular clip; returns false, having
    /// drawn nothing, otherwise.
    static func fill(_ path: Path, color: Color, tolerance: Double, on cr: OpaquePointer) throws -> Bool {
        guard color.alpha >= 1, path.elements.count >= 6 * minimumCount,
              let groups = CompactShapes.ellipses(path, color: color), groups.count == 1,
              groups[0].centers.count >= minimumCount,
              cairo_get_operator(cr) == CAIRO_OPERATOR_OVER, cairo_get_antialias(cr) == CAIRO_ANTIALIAS_DEFAULT
        else { return false }
        var m = cairo_matrix_t()
        cairo_get_matrix(cr, &m)
        guard m.xy == 0, m.yx == 0, m.xx > 0, m.yy > 0 else { return false }
        let group = groups[0]
        let rx = group.rx * m.xx, ry = group.ry * m.yy
        guard rx.isFinite, ry.isFinite, rx <= maximumRadius, ry <= maximumRadius else { return false }

        // The surface drawn on: an ARGB32 image (the page, or the layer of the group being drawn).
        guard let target = ImageTarget(cr) else { return false }

        // Each ellipse's centre in device pixels, as whole pixels and a phase.
        let q = Double(phases)
        let reachX = Int(rx.rounded(.up)) + 2, reachY = Int(ry.rounded(.up)) + 2
        var placed: [(x: Int, y: Int, phaseX: Int, phaseY: Int)] = []
        placed.reserveCapacity(group.centers.count)
        for c in group.centers {
            let x = ((c.x * m.xx + m.x0) * q).rounded(), y = ((c.y * m.yy + m.y0) * q).rounded()
            guard abs(x) < 1e9, abs(y) < 1e9 else { return false }
            let ix = Int((x / q).rounded(.down)), iy = Int((y / q).rounded(.down))
            placed.append((ix, iy, Int(x) - ix * phases, Int(y) - iy * phases))
        }
        // Blended one by one, ellipses that shared a pixel would each blend it.
        for i in placed.indices {
            for j in placed.indices where j > i {
                if abs(placed[i].x - placed[j].x) < 2 * reachX && abs(placed[i].y - placed[j].y) < 2 * reachY { return false }
            }
        }
        // Every ellipse's pixels must lie inside the clip (device space) and on the surface.
        guard let clips = ImageTarget.clipRectangles(cr) else { return false }
        let offsetX = Double(target.offsetX), offsetY = Double(target.offsetY)
        for p in placed {
            let x0 = Double(p.x - reachX), x1 = Double(p.x + reachX), y0 = Double(p.y - reachY), y1 = Double(p.y + reachY)
            guard clips.contains(where: { $0.x <= x0 && $0.y <= y0 && $0.x + $0.width >= x1 && $0.y + $0.height >= y1 }),
                  x0 + offsetX >= 0, y0 + offsetY >= 0, x1 + offsetX <= Double(target.width), y1 + offsetY <= Double(target.height)
            else { return false }
        }

        var stamps: [Stamp] = []
        stamps.reserveCapacity(placed.count)
        for p in placed {
            stamps.append(try stamp(Key(rx: rx, ry: ry, tolerance: tolerance, phaseX: p.phaseX, phaseY: p.phaseY)))
        }
        let pixel = SolidFills.premultipliedPixel(color)
        guard let (data, stride) = target.pixels() else { return false }
        for (p, stamp) in zip(placed, stamps) {
            let left = p.x - stamp.originX + target.offsetX, top = p.y - stamp.originY + target.offsetY
            stamp.coverage.withUnsafeBufferPointer { coverage in
                stamp.rows.withUnsafeBufferPointer { rows in
                    for (y, row) in rows.enumerated() where row.start < row.end {
                        let line = UnsafeMutableRawPointer(data + (top + y) * stride).assumingMemoryBound(to: UInt32.self) + left
                        vanish_fill_blend_row(line + row.start, Int32(row.end - row.start), pixel,
                                              coverage.baseAddress! + y * stamp.width + row.start, FadedGroups.simd)
                    }
                }
            }
        }
        let minX = placed.map(\.x).min()! - reachX, maxX = placed.map(\.x).max()! + reachX
        let minY = placed.map(\.y).min()! - reachY, maxY = placed.map(\.y).max()! + reachY
        cairo_surface_mark_dirty_rectangle(target.surface, Int32(minX + target.offsetX), Int32(minY + target.offsetY),
                                           Int32(maxX - minX), Int32(maxY - minY))
        return true
    }

    // MARK: - The stamps

    /// Stamps made so far (about 2 KB each for a fading diagram's neurons).
    private static let cache = SharedCache<Key, Stamp>(limit: 1024)

    /// The stamp for `key`: Cairo's coverage of the ellipse, rendered on first use.
    static func stamp(_ key: Key) throws -> Stamp {
        try cache.value(key) { try render(key) }
    }

    private static func render(_ key: Key) throws -> Stamp {
        let originX = Int(key.rx.rounded(.up)) + 1, originY = Int(key.ry.rounded(.up)) + 1
        let width = 2 * originX + 1, height = 2 * originY + 1
        let surface = try CairoSurface(
            owning: cairo_image_surface_create(CAIRO_FORMAT_A8, Int32(width), Int32(height)),
            call: "cairo_image_surface_create(A8 stamp)")
        guard let cr = cairo_create(surface.pointer) else { throw CairoError.cairo(call: "cairo_create", status: "returned no context") }
        defer { cairo_destroy(cr) }
        let cx = Double(originX) + Double(key.phaseX) / Double(phases)
        let cy = Double(originY) + Double(key.phaseY) / Double(phases)
        cairo_set_tolerance(cr, key.tolerance)
        SceneReplay.addPath(Path.ellipse(in: Rect(x: cx - key.rx, y: cy - key.ry, width: 2 * key.rx, height: 2 * key.ry)), to: cr)
        cairo_fill(cr)
        try CairoError.check(cairo_status(cr), "drawing an ellipse stamp")
        cairo_surface_flush(surface.pointer)
        guard let data = cairo_image_surface_get_data(surface.pointer) else {
            throw CairoError.cairo(call: "cairo_image_surface_get_data", status: "returned no data")
        }
        let stride = Int(cairo_image_surface_get_stride(surface.pointer))
        var coverage = [UInt8](repeating: 0, count: width * height)
        var rows = [Stamp.Row](repeating: Stamp.Row(), count: height)
        coverage.withUnsafeMutableBufferPointer { coverage in
            for y in 0..<height {
                let source = data + y * stride, row = coverage.baseAddress! + y * width
                row.update(from: source, count: width)
                guard let start = (0..<width).first(where: { row[$0] != 0 }) else { continue }
                let end = (start..<width).last(where: { row[$0] != 0 })! + 1
                rows[y] = Stamp.Row(start: start, end: end)
            }
        }
        return Stamp(width: width, height: height, originX: originX, originY: originY, coverage: coverage, rows: rows)
    }
}
