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
    static func line(_ points: [(x: Double, y: Double)], x: PlotScale, y: PlotScale, frame: Rect,
                     color: Color, width: Double, dash: [Double] = [], markers: Bool) -> [SceneItem] {
        var out: [SceneItem] = []
        var path = Path()
        var run: [Point] = []
        var singles: [Point] = []
        func flush() {
            if run.count == 1 { singles.append(run[0]) }
            if run.count > 1 {
                path.move(to: run[0])
                for p in run.dropFirst() { path.line(to: p) }
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
            out.append(.stroke(path, StrokeStyle(color: color, width: width, dash: dash, cap: .round, join: .round)))
        }
        // A lone point has no line; it always gets a marker so it is not lost.
        let dots = markers ? all : singles
        for p in dots { out.append(.fill(.circle(center: p, radius: width * 1.5), color)) }
        return out
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
