import CCairo
import Graphics

/// Fills whose shapes a PDF can state with far fewer numbers, drawn that way on PDF pages.
///
/// Cairo's PDF surface prints every path coordinate with `printf` and spends most of a
/// report's time doing so. A fill made only of ellipses (a column of neurons, a row of
/// markers) takes 26 numbers per ellipse as Bézier arcs; the same ellipses are the round
/// caps of very short lines stroked under a scale of the ellipse's radii, 4 numbers each
/// and one stroke per size. The caps are true ellipses, which the Bézier arcs approximate
/// to 0.03 % of the radius.
enum CompactShapes {
    /// Ellipses of one size: their radii and centres.
    struct Ellipses {
        var rx, ry: Double
        var centers: [Point]
    }

    /// The ellipses of `path` grouped by size (in order of first appearance), when `path` is
    /// nothing but ellipses as `Path.ellipse` builds them (possibly moved and scaled) and
    /// they may be painted size by size: all of one size, or an opaque `color` (painting
    /// an overlap twice then changes nothing). Nil otherwise.
    static func ellipses(_ path: Path, color: Color) -> [Ellipses]? {
        let elements = path.elements
        guard !elements.isEmpty, elements.count % 6 == 0 else { return nil }
        let k = 0.5522847498307936
        var groups: [Ellipses] = []
        for start in stride(from: 0, to: elements.count, by: 6) {
            guard case .move(let p0) = elements[start],
                  case .curve(let p1, let a1, let b1) = elements[start + 1],
                  case .curve(let p2, let a2, let b2) = elements[start + 2],
                  case .curve(let p3, let a3, let b3) = elements[start + 3],
                  case .curve(let p4, let a4, let b4) = elements[start + 4],
                  case .close = elements[start + 5]
            else { return nil }
            let cx = p1.x, cy = p0.y, rx = p0.x - cx, ry = p1.y - cy
            guard abs(rx) >= minimumRadius, abs(ry) >= minimumRadius, rx.isFinite, ry.isFinite else { return nil }
            let tolerance = 1e-6 * max(1, abs(cx), abs(cy))
            func near(_ p: Point, _ dx: Double, _ dy: Double) -> Bool {
                abs(p.x - (cx + dx)) <= tolerance && abs(p.y - (cy + dy)) <= tolerance
            }
            guard near(a1, rx, k * ry), near(b1, k * rx, ry),
                  near(a2, -k * rx, ry), near(b2, -rx, k * ry), near(p2, -rx, 0),
                  near(a3, -rx, -k * ry), near(b3, -k * rx, -ry), near(p3, 0, -ry),
                  near(a4, k * rx, -ry), near(b4, rx, -k * ry), near(p4, rx, 0)
            else { return nil }
            let center = Point(cx, cy)
            // Radii worked out from different centres differ in their last bits.
            if let g = groups.firstIndex(where: { abs($0.rx - abs(rx)) <= 1e-9 * $0.rx && abs($0.ry - abs(ry)) <= 1e-9 * $0.ry }) {
                groups[g].centers.append(center)
            } else {
                guard groups.count < maximumSizes, groups.isEmpty || color.alpha >= 1 else { return nil }
                groups.append(Ellipses(rx: abs(rx), ry: abs(ry), centers: [center]))
            }
        }
        return groups
    }

    /// The centre lines and common width of the bands (`Path.band`) `path` is made of, when it
    /// holds two or more bands that all turn the same way and nothing else; nil otherwise.
    ///
    /// Such bands filled cover their union, as their centre lines stroked together with butt
    /// caps do: 4 numbers per band instead of 8.
    static func bands(_ path: Path) -> (width: Double, lines: [(Point, Point)])? {
        let elements = path.elements
        guard elements.count >= 10, elements.count % 5 == 0 else { return nil }
        var lines: [(Point, Point)] = []
        lines.reserveCapacity(elements.count / 5)
        var width = 0.0, turn = 0.0
        for start in stride(from: 0, to: elements.count, by: 5) {
            guard case .move(let p0) = elements[start], case .line(let p1) = elements[start + 1],
                  case .line(let p2) = elements[start + 2], case .line(let p3) = elements[start + 3],
                  case .close = elements[start + 4]
            else { return nil }
            // p0 → p1 is one long side, p2 → p3 the other; p3 → p0 and p1 → p2 the ends, across.
            let ax = p1.x - p0.x, ay = p1.y - p0.y, nx = p0.x - p3.x, ny = p0.y - p3.y
            let w = (nx * nx + ny * ny).squareRoot(), length = (ax * ax + ay * ay).squareRoot()
            let cross = ax * ny - ay * nx
            let tolerance = 1e-6 * max(1, abs(p0.x), abs(p0.y), abs(p1.x), abs(p1.y))
            if start == 0 {
                width = w
                turn = cross
                guard w > 0, w.isFinite, turn != 0 else { return nil }
            }
            guard length > 0, abs(w - width) <= tolerance, cross * turn > 0,
                  abs(ax * nx + ay * ny) <= tolerance * (length + w),
                  abs(p2.x - p3.x - ax) <= tolerance, abs(p2.y - p3.y - ay) <= tolerance
            else { return nil }
            lines.append((Point((p0.x + p3.x) / 2, (p0.y + p3.y) / 2), Point((p1.x + p2.x) / 2, (p1.y + p2.y) / 2)))
        }
        return (width, lines)
    }

    /// Ellipses smaller than this (points) stay Bézier fills.
    static let minimumRadius = 0.05
    /// A fill of more sizes than this stays one Bézier fill (each size is a stroke of its own).
    static let maximumSizes = 4
}

extension SceneReplay {
    /// Draws `path` filled with `color` as strokes if it is made of bands or ellipses (see
    /// `CompactShapes`); returns false, having drawn nothing, if it is not.
    func fillCompactly(_ path: Path, color: Color) -> Bool {
        let cr = context.pointer
        if let (width, lines) = CompactShapes.bands(path) {
            cairo_set_source_rgba(cr, color.red, color.green, color.blue, color.alpha)
            cairo_new_path(cr)
            for (a, b) in lines {
                cairo_move_to(cr, a.x, a.y)
                cairo_line_to(cr, b.x, b.y)
            }
            cairo_set_line_width(cr, width)
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER)
            cairo_set_dash(cr, nil, 0, 0)
            cairo_stroke(cr)
            return true
        }
        guard let groups = CompactShapes.ellipses(path, color: color) else { return false }
        for group in groups {
            cairo_save(cr)
            cairo_set_source_rgba(cr, color.red, color.green, color.blue, color.alpha)
            // Circles need no scale, which Cairo would write as a matrix of its own.
            let circle = abs(group.rx - group.ry) <= 1e-9 * group.rx
            let sx = circle ? 1 : group.rx, sy = circle ? 1 : group.ry
            if !circle { cairo_scale(cr, sx, sy) }
            cairo_new_path(cr)
            // A short diagonal line rather than a point: the PDF specification draws a
            // round-capped point, but not every viewer does; some viewers snap the width of
            // horizontal and vertical lines to whole pixels. Its ends are 1/256 pt off the
            // centre each way, which Cairo's 1/256 pt grid keeps apart.
            let dx = 1.0 / 256 / sx, dy = 1.0 / 256 / sy
            for c in group.centers {
                cairo_move_to(cr, c.x / sx - dx, c.y / sy - dy)
                cairo_line_to(cr, c.x / sx + dx, c.y / sy + dy)
            }
            let width = circle ? 2 * group.rx : 2
            cairo_set_line_width(cr, width)
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            cairo_set_dash(cr, nil, 0, 0)
            // Cairo bounds every stroke by outlining it with a pen of as many sides as the
            // tolerance asks for (32 for a 5 pt dot at the default 0.1). The PDF holds only the
            // line; a tolerance of twice the pen's radius makes a 4-sided pen, whose corners
            // lie on the ellipse's axes, so the bounds stay exact and cost far less.
            var ux = 1.0, uy = 0.0, vx = 0.0, vy = 1.0
            cairo_user_to_device_distance(cr, &ux, &uy)
            cairo_user_to_device_distance(cr, &vx, &vy)
            let radius = max((ux * ux + uy * uy).squareRoot(), (vx * vx + vy * vy).squareRoot()) * width / 2
            if radius.isFinite, radius > 0 { cairo_set_tolerance(cr, 2 * radius) }
            cairo_stroke(cr)
            cairo_restore(cr)
        }
        return true
    }
}
