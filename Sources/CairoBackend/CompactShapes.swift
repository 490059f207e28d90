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
            if let g = groups.firstIndex(where: { $0.rx == abs(rx) && $0.ry == abs(ry) }) {
                groups[g].centers.append(center)
            } else {
                guard groups.count < maximumSizes, groups.isEmpty || color.alpha >= 1 else { return nil }
                groups.append(Ellipses(rx: abs(rx), ry: abs(ry), centers: [center]))
            }
        }
        return groups
    }

    /// Ellipses smaller than this (points) stay Bézier fills.
    static let minimumRadius = 0.05
    /// A fill of more sizes than this stays one Bézier fill (each size is a stroke of its own).
    static let maximumSizes = 4
}

extension SceneReplay {
    /// Draws `path` filled with `color` as round-capped strokes if it is made of ellipses (see
    /// `CompactShapes`); returns false, having drawn nothing, if it is not.
    func fillCompactly(_ path: Path, color: Color) -> Bool {
        guard let groups = CompactShapes.ellipses(path, color: color) else { return false }
        let cr = context.pointer
        for group in groups {
            cairo_save(cr)
            cairo_set_source_rgba(cr, color.red, color.green, color.blue, color.alpha)
            cairo_scale(cr, group.rx, group.ry)
            cairo_new_path(cr)
            // A short diagonal line rather than a point: the PDF specification draws a
            // round-capped point, but not every viewer does; some viewers snap the width of
            // horizontal and vertical lines to whole pixels. Its ends are 1/256 pt off the
            // centre each way, which Cairo's 1/256 pt grid keeps apart.
            let dx = 1.0 / 256 / group.rx, dy = 1.0 / 256 / group.ry
            for c in group.centers {
                cairo_move_to(cr, c.x / group.rx - dx, c.y / group.ry - dy)
                cairo_line_to(cr, c.x / group.rx + dx, c.y / group.ry + dy)
            }
            cairo_set_line_width(cr, 2)
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            cairo_set_dash(cr, nil, 0, 0)
            cairo_stroke(cr)
            cairo_restore(cr)
        }
        return true
    }
}
