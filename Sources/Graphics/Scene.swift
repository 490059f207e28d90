/// How an image is resampled when it is drawn larger or smaller than its pixels.
public enum ImageInterpolation: Hashable, Sendable {
    /// Each pixel becomes a sharp block (heatmaps).
    case nearest
    /// Bilinear filtering (photos, thumbnails).
    case smooth
}

/// The dash pattern, width and caps of a stroked path.
public struct StrokeStyle: Hashable, Sendable {
    public enum LineCap: Hashable, Sendable { case butt, round, square }
    public enum LineJoin: Hashable, Sendable { case miter, round, bevel }

    public var color: Color
    public var width: Double
    /// Alternating on/off lengths in points; empty for a solid line.
    public var dash: [Double]
    public var cap: LineCap
    public var join: LineJoin
    /// How finely a raster backend samples the stroke's edges; vector output ignores it.
    public var rasterAntialias: RasterAntialias

    /// The antialiasing of a stroke on a raster surface.
    public enum RasterAntialias: Hashable, Sendable {
        /// The backend's finest (Cairo: 256 × 15 samples per pixel).
        case best
        /// Coarser (Cairo: 4 × 4 samples per pixel), and 2–3 times faster for a long polyline
        /// that goes steeply up and down: Cairo's cost is the height its edges span times its
        /// samples per pixel row. An edge pixel's coverage may be off by up to about a quarter,
        /// an error scaled by the colour's alpha, so it suits faint lines.
        case fast
    }

    public init(color: Color, width: Double = 1, dash: [Double] = [], cap: LineCap = .butt, join: LineJoin = .miter,
                rasterAntialias: RasterAntialias = .best) {
        self.color = color
        self.width = width
        self.dash = dash
        self.cap = cap
        self.join = join
        self.rasterAntialias = rasterAntialias
    }
}

/// One entry of a scene's display list.
public indirect enum SceneItem: Hashable, Sendable {
    /// Fill a path with a colour (non-zero winding).
    case fill(Path, Color)
    /// Stroke a path.
    case stroke(Path, StrokeStyle)
    /// Draw `image` stretched over `rect`.
    case image(RasterImage, rect: Rect, interpolation: ImageInterpolation)
    /// Draw one line of text at `at`, rotated by `rotation` radians (clockwise, about the anchor).
    case text(String, at: Point, style: TextStyle, rotation: Double)
    /// Draw `items` clipped to `clip` (if any) and composited with `opacity`.
    case group([SceneItem], clip: Rect?, opacity: Double)
}

/// A figure as a value: a page size and a display list, in points.
///
/// Figures are pure functions that return a `Scene`; a backend replays it onto a
/// PNG, PDF or SVG surface. Nothing in a scene depends on the output format.
public struct Scene: Hashable, Sendable {
    public var width: Double
    public var height: Double
    public var background: Color?
    public var items: [SceneItem]
    /// The layout had less room than its content needs to be read (a diagram a few points tall on a
    /// small canvas); whoever asked for the size may lay the figure out larger and scale it down.
    public var crowded = false
    /// How many times larger than this page the figure was laid out before being scaled down onto it
    /// (1: laid out at this size), so its type is this many times smaller than asked.
    public var enlargement = 1.0

    public init(width: Double, height: Double, background: Color? = .white, items: [SceneItem] = []) {
        self.width = width
        self.height = height
        self.background = background
        self.items = items
    }

    public mutating func append(_ item: SceneItem) { items.append(item) }
    public mutating func append(contentsOf other: [SceneItem]) { items.append(contentsOf: other) }

    public mutating func fill(_ path: Path, _ color: Color) { items.append(.fill(path, color)) }
    public mutating func stroke(_ path: Path, _ style: StrokeStyle) { items.append(.stroke(path, style)) }
    public mutating func text(_ string: String, at p: Point, style: TextStyle, rotation: Double = 0) {
        items.append(.text(string, at: p, style: style, rotation: rotation))
    }

    /// Places another scene's items at `origin`, scaled by `scale`, as one group.
    public mutating func place(_ other: Scene, at origin: Point, scale: Double = 1) {
        let t = AffineTransform(a: scale, b: 0, c: 0, d: scale, tx: origin.x, ty: origin.y)
        var inner = other.items.map { $0.transformed(by: t, scale: scale) }
        if let bg = other.background {
            inner.insert(.fill(.rectangle(Rect(x: 0, y: 0, width: other.width, height: other.height)).transformed(by: t), bg), at: 0)
        }
        items.append(.group(inner, clip: Rect(x: origin.x, y: origin.y, width: other.width * scale, height: other.height * scale), opacity: 1))
    }
}

extension SceneItem {
    /// The item moved and uniformly scaled by `t` (whose linear part is `scale` × identity).
    public func transformed(by t: AffineTransform, scale: Double) -> SceneItem {
        func rect(_ r: Rect) -> Rect {
            let o = t.apply(Point(r.x, r.y))
            return Rect(x: o.x, y: o.y, width: r.width * scale, height: r.height * scale)
        }
        switch self {
        case .fill(let p, let c):
            return .fill(p.transformed(by: t), c)
        case .stroke(let p, var s):
            s.width *= scale
            s.dash = s.dash.map { $0 * scale }
            return .stroke(p.transformed(by: t), s)
        case .image(let img, let r, let interp):
            return .image(img, rect: rect(r), interpolation: interp)
        case .text(let str, let at, var style, let rot):
            style.size *= scale
            return .text(str, at: t.apply(at), style: style, rotation: rot)
        case .group(let items, let clip, let opacity):
            return .group(items.map { $0.transformed(by: t, scale: scale) }, clip: clip.map(rect), opacity: opacity)
        }
    }
}
