import Foundation
import Graphics
import GradientData

/// One network family's first-to-output gradient ratio at one depth, over the sweep's seeds.
public struct DepthSweepPoint: Hashable, Sendable {
    public var depth: Int
    /// ‖dL/dW₁‖ / ‖dL/dW_out‖ of each seed's run, in seed order (zero and non-finite kept).
    public var ratios: [Double]

    public init(depth: Int, ratios: [Double]) {
        self.depth = depth
        self.ratios = ratios
    }

    /// The finite, positive ratios: the ones a log axis can show.
    public var drawable: [Double] { ratios.filter { $0.isFinite && $0 > 0 } }
    /// The median of the drawable ratios (for an even count the geometric mean of the middle two: the axis is logarithmic).
    public var median: Double? {
        let v = drawable.sorted()
        guard !v.isEmpty else { return nil }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] * v[v.count / 2]).squareRoot()
    }
    public var lowest: Double? { drawable.min() }
    public var highest: Double? { drawable.max() }
}

/// One network of a depth sweep: its ratio at every depth.
public struct DepthSweepSeries: Hashable, Sendable {
    /// The network's name in the spec (`sigmoid`), without the depth.
    public var network: String
    /// The network's index in the spec: its colour, as in the zoo's figures.
    public var colorIndex: Int
    public var settings: RunSettings
    /// One point per swept depth, in the spec's order of depths.
    public var points: [DepthSweepPoint]

    public init(network: String, colorIndex: Int, settings: RunSettings, points: [DepthSweepPoint]) {
        self.network = network
        self.colorIndex = colorIndex
        self.settings = settings
        self.points = points
    }

    /// The factor by which the ratio changes per added layer: 10^slope of a least-squares line
    /// through log10(ratio) against depth, every seed's drawable ratio counted; nil below two depths.
    public var factorPerLayer: Double? {
        var xs: [Double] = [], ys: [Double] = []
        for p in points {
            for r in p.drawable {
                xs.append(Double(p.depth))
                ys.append(log10(r))
            }
        }
        guard Set(xs).count >= 2 else { return nil }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        return pow(10, sxy / sxx)
    }

    /// The lowest and highest median over the depths.
    public var medianRange: (lowest: Double, highest: Double)? {
        let m = points.compactMap(\.median)
        guard let lo = m.min(), let hi = m.max() else { return nil }
        return (lo, hi)
    }
}

/// The depth sweep: how much of the output layer's gradient reaches layer 1, against depth.
///
/// A history is a sweep when its spec lists `depths`; its runs are named `NETWORK depth D`.
/// Per network, a median line over the seeds with the lowest-to-highest seed as a band, on a
/// log axis, at initialisation and at the last recorded step; a dashed 0.25^L guide shows how
/// fast the sigmoid's slope alone would shrink the gradient over L layers.
public enum DepthSweep {
    /// The figure's natural size in points.
    public static let size = (width: 940.0, height: 500.0)

    /// Whether `history` is a depth sweep (its spec lists depths and some run belongs to it).
    public static func isSweep(_ history: GradientHistory) -> Bool {
        history.spec.depths != nil && history.runs.contains { history.spec.sweepPoint(of: $0.network) != nil }
    }

    /// ‖dL/dW₁‖ / ‖dL/dW_out‖ of `run` at recorded row `index`; nil without two layers or that row.
    public static func ratio(_ run: RunHistory, row index: Int) -> Double? {
        let n = max(run.layers.count, run.stats.weightGradNorm.first?.count ?? 0)
        guard n > 1, index >= 0, index < run.recordedCount else { return nil }
        return run.value(run.stats.weightGradNorm, index, 0) / run.value(run.stats.weightGradNorm, index, n - 1)
    }

    /// The series of every swept network at initialisation (`atEnd` false) or at each run's last recorded step.
    public static func series(_ history: GradientHistory, atEnd: Bool) -> [DepthSweepSeries] {
        let spec = history.spec
        guard let depths = spec.depths else { return [] }
        var out: [DepthSweepSeries] = []
        for (n, network) in spec.networks.enumerated() {
            var settings: RunSettings?
            let points = depths.map { depth -> DepthSweepPoint in
                let runs = history.runs.filter { spec.sweepPoint(of: $0.network).map { $0 == (n, depth) } ?? false }
                if settings == nil { settings = runs.first?.settings }
                let ratios = runs.compactMap { ratio($0, row: atEnd ? $0.recordedCount - 1 : 0) }
                return DepthSweepPoint(depth: depth, ratios: ratios)
            }
            guard let settings else { continue }
            out.append(DepthSweepSeries(network: network.name, colorIndex: n, settings: settings, points: points))
        }
        return out
    }

    /// The last recorded step shared by every run, if they share one.
    public static func endStep(_ history: GradientHistory) -> Int? {
        let ends = Set(history.runs.compactMap { $0.recordedCount > 0 ? $0.steps[$0.recordedCount - 1] : nil })
        return ends.count == 1 ? ends.first : nil
    }

    /// The sweep figure of `history`: two panels (start, end) on one log axis, one legend.
    public static func scene(_ history: GradientHistory, style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("How much gradient reaches layer 1, against depth", in: &scene, style: style, measurer: measurer)
        let start = series(history, atEnd: false), end = series(history, atEnd: true)
        let depths = history.spec.depths ?? []
        let maxDepth = Double(depths.max() ?? 1)
        let guide = depths.sorted().map { (x: Double($0), y: pow(GradientProfile.sigmoidFactor, Double($0))) }
        var values = guide.map(\.y)
        for s in start + end { for p in s.points { values += p.drawable } }
        let scale = LogScale.covering(values)

        let seeds = history.spec.seeds.count
        var entries = start.map {
            LegendEntry(mark: .line(style.networkColor($0.colorIndex), dash: style.networkDash($0.colorIndex), marker: true), label: $0.network)
        }
        entries.append(LegendEntry(mark: .line(style.axisColor, dash: [6, 4], marker: false), label: "×0.25 per layer (sigmoid slope limit)"))
        if seeds > 1 {
            entries.append(LegendEntry(mark: .swatch(style.axisColor.withAlpha(0.18), outline: nil),
                                       label: "band: lowest to highest of \(seeds) seeds; line: median"))
        }
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)

        let endName = endStep(history).map { "after \($0) updates (step \($0))" } ?? "at the end of training"
        let panels = [("at initialisation (step 0)", start), (endName, end)]
        let areas = FigureLayout.panelAreas(panels.count, top: top, bottom: legendTop - 12, pageWidth: size.width, style: style)
        for (p, (name, data)) in panels.enumerated() {
            let area = areas[p]
            scene.append(contentsOf: panel(name, data, guide: guide, maxDepth: maxDepth, scale: scale, in: area, style: style, measurer: measurer))
        }
        return scene
    }

    static func panel(
        _ name: String, _ data: [DepthSweepSeries], guide: [(x: Double, y: Double)], maxDepth: Double, scale: LogScale,
        in area: Rect, style: FigureStyle, measurer: TextMeasurer
    ) -> [SceneItem] {
        let panel = LogPanel(name, in: area, scale: scale, rightGap: 12, style: style, measurer: measurer)
        var out = [panel.title]
        let frame = panel.frame, yTicks = panel.yTicks
        let x = PlotScale.linear(0, maxDepth)
        let xTicks = Ticks.linear(from: 0, to: maxDepth, maxCount: max(2, Int(frame.width / 60))) { v, _ in
            NumberFormat.fixed(v, digits: 0)
        }
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: "depth (hidden layers)",
                        yTitle: "‖dL/dW‖: layer 1 / output")
        axes.horizontalGrid = true
        out += axes.items(style: style, measurer: measurer)

        var items: [SceneItem] = []
        let y = PlotScale.log(scale)
        func point(_ depth: Int, _ value: Double) -> Point? {
            guard let fx = x.fraction(Double(depth)), let fy = y.fraction(value) else { return nil }
            return Point(frame.minX + fx * frame.width, frame.maxY - fy * frame.height)
        }
        // Bands first, so every median line is drawn over every band.
        for s in data {
            let upper = s.points.compactMap { p in p.highest.flatMap { point(p.depth, $0) } }
            let lower = s.points.compactMap { p in p.lowest.flatMap { point(p.depth, $0) } }
            if upper.count > 1, upper.count == lower.count {
                items.append(.fill(.polygon(upper + lower.reversed()), style.networkColor(s.colorIndex).withAlpha(0.18)))
            }
        }
        items += LinePlot.line(guide, x: x, y: y, frame: frame, color: style.axisColor, width: 1.8, dash: [6, 4], markers: false)
        for s in data {
            let color = style.networkColor(s.colorIndex)
            let pts = s.points.map { (x: Double($0.depth), y: $0.median ?? .nan) }
            items += LinePlot.line(pts, x: x, y: y, frame: frame, color: color, width: style.lineWidth, dash: style.networkDash(s.colorIndex), markers: true)
            for p in s.points {
                guard let fx = x.fraction(Double(p.depth)) else { continue }
                if p.ratios.contains(where: { !$0.isFinite }) { items += LinePlot.nonFiniteMark(atFraction: fx, frame: frame, color: color) }
                if p.ratios.contains(where: { $0.isFinite && $0 <= 0 }) { items.append(LinePlot.zeroMark(atFraction: fx, frame: frame, color: color)) }
            }
        }
        out.append(.group(items, clip: frame.insetBy(dx: -6, dy: -6), opacity: 1))
        return out
    }
}
