/// One drawing instruction of a `Path`.
public enum PathElement: Hashable, Sendable {
    case move(to: Point)
    case line(to: Point)
    case curve(to: Point, control1: Point, control2: Point)
    case close
}

/// A vector path: the one primitive shape a backend must draw.
///
/// Rectangles, circles, markers and polylines are built here from
/// `move`, `line`, `curve` and `close`, so a backend needs nothing else.
public struct Path: Hashable, Sendable {
    public var elements: [PathElement]
    /// How far, in device pixels, a raster backend may let the straight segments it draws a
    /// curve with stray from the curve; nil for the backend's default (Cairo: 0.1 px).
    ///
    /// A small shape may allow more: a few tenths of a pixel change only the antialiasing of
    /// its edge pixels, and a curve flattened into fewer segments is scan-converted faster.
    /// Vector output keeps the curves and ignores this.
    public var rasterTolerance: Double?

    public init(_ elements: [PathElement] = [], rasterTolerance: Double? = nil) {
        self.elements = elements
        self.rasterTolerance = rasterTolerance
    }

    public mutating func move(to p: Point) { elements.append(.move(to: p)) }
    public mutating func line(to p: Point) { elements.append(.line(to: p)) }
    public mutating func curve(to p: Point, control1: Point, control2: Point) {
        elements.append(.curve(to: p, control1: control1, control2: control2))
    }
    public mutating func close() { elements.append(.close) }

    public static func rectangle(_ r: Rect) -> Path {
        Path([
            .move(to: Point(r.minX, r.minY)), .line(to: Point(r.maxX, r.minY)),
            .line(to: Point(r.maxX, r.maxY)), .line(to: Point(r.minX, r.maxY)), .close,
        ])
    }

    /// An open polyline through `points` (empty for no points).
    public static func polyline(_ points: [Point]) -> Path {
        guard let first = points.first else { return Path() }
        var path = Path([.move(to: first)])
        for p in points.dropFirst() { path.line(to: p) }
        return path
    }

    /// A closed polygon through `points`.
    public static func polygon(_ points: [Point]) -> Path {
        var path = polyline(points)
        if !points.isEmpty { path.close() }
        return path
    }

    /// An ellipse inscribed in `r`, from four cubic Bézier arcs.
    public static func ellipse(in r: Rect) -> Path {
        var path = Path()
        path.addEllipse(in: r)
        return path
    }

    /// Appends `ellipse(in: r)`'s elements (several shapes in one path, without a path per shape).
    public mutating func addEllipse(in r: Rect) {
        let k = 0.5522847498307936  // 4/3 (√2 − 1): the quarter-circle Bézier constant
        let cx = r.midX, cy = r.midY, rx = r.width / 2, ry = r.height / 2
        move(to: Point(cx + rx, cy))
        curve(to: Point(cx, cy + ry), control1: Point(cx + rx, cy + k * ry), control2: Point(cx + k * rx, cy + ry))
        curve(to: Point(cx - rx, cy), control1: Point(cx - k * rx, cy + ry), control2: Point(cx - rx, cy + k * ry))
        curve(to: Point(cx, cy - ry), control1: Point(cx - rx, cy - k * ry), control2: Point(cx - k * rx, cy - ry))
        curve(to: Point(cx + rx, cy), control1: Point(cx + k * rx, cy - ry), control2: Point(cx + rx, cy - k * ry))
        close()
    }

    /// The quadrilateral a segment from `a` to `b` covers when stroked `width` wide with butt caps
    /// (empty if the ends coincide). Every band turns the same way, so bands filled together as
    /// one path cover their union, as the segments stroked together would.
    public static func band(from a: Point, to b: Point, width: Double) -> Path {
        var path = Path()
        path.addBand(from: a, to: b, width: width)
        return path
    }

    /// Appends `band(from: a, to: b, width: width)`'s elements.
    public mutating func addBand(from a: Point, to b: Point, width: Double) {
        let dx = b.x - a.x, dy = b.y - a.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return }
        let nx = -dy / length * width / 2, ny = dx / length * width / 2
        move(to: Point(a.x + nx, a.y + ny))
        line(to: Point(b.x + nx, b.y + ny))
        line(to: Point(b.x - nx, b.y - ny))
        line(to: Point(a.x - nx, a.y - ny))
        close()
    }

    public static func circle(center: Point, radius: Double) -> Path {
        ellipse(in: Rect(x: center.x - radius, y: center.y - radius, width: 2 * radius, height: 2 * radius))
    }

    /// The path with every point mapped through `t`.
    public func transformed(by t: AffineTransform) -> Path {
        Path(elements.map { e in
            switch e {
            case .move(let p): return .move(to: t.apply(p))
            case .line(let p): return .line(to: t.apply(p))
            case .curve(let p, let c1, let c2): return .curve(to: t.apply(p), control1: t.apply(c1), control2: t.apply(c2))
            case .close: return .close
            }
        })
    }
}
