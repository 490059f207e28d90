import Foundation
import Graphics

/// The mapping of data values to 0…1 along one axis of a line plot.
enum PlotScale {
    case linear(Double, Double)
    /// Decades `10^lower … 10^upper`.
    case log(LogScale)

    /// The position 0…1 of `v` (may fall outside for values beyond the axis); nil if `v` cannot be shown.
    func fraction(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        switch self {
        case .linear(let lo, let hi):
            return hi > lo ? (v - lo) / (hi - lo) : 0.5
        case .log(let s):
            guard v > 0 else { return nil }
            return (log10(v) - Double(s.lowerExponent)) / Double(s.decades)
        }
    }
}

/// Polylines, markers and out-of-range marks drawn into a plot frame.
enum LinePlot {
    /// A line through `points` (x, y), broken wherever a y cannot be shown (NaN, ±∞, ≤ 0 on a log axis).
    ///
    /// Points that lie within `simplificationTolerance` of the line without them are left out
    /// (`simplified`): the line moves by less than Cairo's own flattening of curves, and Cairo
    /// and a PDF have fewer points to stroke and print. `rasterAntialias` is the stroke's.
    static func line(_ points: [(x: Double, y: Double)], x: PlotScale, y: PlotScale, frame: Rect,
                     color: Color, width: Double, dash: [Double] = [], markers: Bool,
                     rasterAntialias: StrokeStyle.RasterAntialias = .best) -> [SceneItem] {
        var out: [SceneItem] = []
        var path = Path()
        var run: [Point] = []
        var singles: [Point] = []
        func flush() {
            if run.count == 1 { singles.append(run[0]) }
            if run.count > 1 {
                let kept = simplified(run, tolerance: simplificationTolerance)
                path.move(to: kept[0])
                for p in kept.dropFirst() { path.line(to: p) }
            }
            run = []
        }
        var all: [Point] = []
        for p in points {
            guard let fx = x.fraction(p.x), let fy = y.fraction(p.y) else { flush(); continue }
            let pt = Point(frame.minX + fx * frame.width, frame.maxY - fy * frame.height)
            run.append(pt)
            all.append(pt)
        }
        flush()
        if !path.elements.isEmpty {
            out.append(.stroke(path, StrokeStyle(color: color, width: width, dash: dash, cap: .round, join: .round,
                                                 rasterAntialias: rasterAntialias)))
        }
        // A lone point has no line; it always gets a marker so it is not lost.
        let dots = markers ? all : singles
        for p in dots { out.append(.fill(.circle(center: p, radius: width * 1.5), color)) }
        return out
    }

    /// How far (points) a polyline may move when points are left out: 0.1 pixel at 144 dpi,
    /// the tolerance to which Cairo flattens curves.
    static let simplificationTolerance = 0.05

    /// The points of the polyline through `points` that it needs to stay within `tolerance`
    /// of every point: the first and last, the highest and lowest (the extremes a reader
    /// looks for), and, between two kept points, the farthest from the segment joining them
    /// whenever that is farther than `tolerance` (Douglas–Peucker). In their original order.
    static func simplified(_ points: [Point], tolerance: Double) -> [Point] {
        guard points.count > 2 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        var low = 0, high = 0
        for i in points.indices {
            if points[i].y < points[low].y { low = i }
            if points[i].y > points[high].y { high = i }
        }
        let marks = Set([0, low, high, points.count - 1]).sorted()
        var spans: [(Int, Int)] = []
        spans.reserveCapacity(64)
        for (a, b) in zip(marks, marks.dropFirst()) { spans.append((a, b)) }
        for i in marks { keep[i] = true }
        while let (a, b) = spans.popLast() {
            var farthest = a, distance = tolerance * tolerance
            for i in a + 1..<b {
                let d = squaredSegmentDistance(points[i], points[a], points[b])
                if d > distance { farthest = i; distance = d }
            }
            guard farthest != a else { continue }
            keep[farthest] = true
            if farthest - a > 1 { spans.append((a, farthest)) }
            if b - farthest > 1 { spans.append((farthest, b)) }
        }
        var out: [Point] = []
        out.reserveCapacity(points.count)
        for i in points.indices where keep[i] { out.append(points[i]) }
        return out
    }

    /// The square of the distance from `p` to the segment from `a` to `b`.
    static func squaredSegmentDistance(_ p: Point, _ a: Point, _ b: Point) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y, squared = dx * dx + dy * dy
        let t = squared > 0 ? min(1, max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / squared)) : 0
        let ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy)
        return ex * ex + ey * ey
    }

    /// A downward triangle at the bottom edge of `frame` at fraction `fx` (a value of 0 on a log axis).
    static func zeroMark(atFraction fx: Double, frame: Rect, color: Color) -> SceneItem {
        let x = frame.minX + fx * frame.width, y = frame.maxY - 2
        return .stroke(.polygon([Point(x - 5, y - 9), Point(x + 5, y - 9), Point(x, y)]),
                       StrokeStyle(color: color, width: 1.6, join: .round))
    }

    /// A cross at the top edge of `frame` at fraction `fx` (a NaN or infinite value).
    static func nonFiniteMark(atFraction fx: Double, frame: Rect, color: Color) -> [SceneItem] {
        Legend.crossMark(center: Point(frame.minX + fx * frame.width, frame.minY + 7), size: 9, color: color, width: 2)
    }
}
