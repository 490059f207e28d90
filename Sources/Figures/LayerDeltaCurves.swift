import Foundation
import Graphics
import GradientData

/// ‖δ‖ of every hidden layer over training, one panel per run on one shared log axis: Nielsen's
/// "speed of learning" plot, for comparing initialisations side by side.
///
/// Layers take colours from the gradient colour map, dark for layer 1 (input side) to light for the last.
public enum LayerDeltaCurves {
    /// The figure's natural size in points.
    public static let size = (width: 940.0, height: 420.0)

    /// The colour of hidden layer `index` (0-based) of `count`: evenly spaced along the map's darker 85 %.
    public static func layerColor(_ index: Int, of count: Int, style: FigureStyle) -> Color {
        style.colorMap.color(at: count > 1 ? 0.85 * Double(index) / Double(count - 1) : 0)
    }

    /// The figure of `runs` (up to three panels a row), lines for their hidden layers only.
    public static func scene(_ runs: [FigureRun], style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let grid = FigureLayout.Grid(count: runs.count, cellWidth: (size.width - 2 * FigureLayout.margin) / Double(min(3, max(1, runs.count))),
                                     cellHeight: 0)
        let rowHeight = 300.0
        var scene = Scene(width: size.width, height: size.height - 300 + rowHeight * Double(grid.rows))
        let top = FigureLayout.title("‖δ‖ of each hidden layer over training", in: &scene, style: style, measurer: measurer)
        let hidden = runs.map { run -> Int in
            let n = run.run.stats.deltaNorm.first?.count ?? run.run.layers.count
            return run.run.layers.last == "output" ? max(0, n - 1) : n
        }
        let layers = hidden.max() ?? 0
        var entries = (0..<layers).map {
            LegendEntry(mark: .line(layerColor($0, of: layers, style: style), dash: [], marker: false), label: "hidden layer \($0 + 1)")
        }
        if runs.contains(where: { $0.run.diverged != nil }) {
            entries.append(LegendEntry(mark: .cross(style.mutedTextColor), label: "diverged"))
        }
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)
        let scale = LogScale.covering(rows: runs.flatMap { r in r.run.stats.deltaNorm.map { Array($0.prefix(layers)) } })
        let steps = runs.flatMap(\.run.steps)
        let lo = Double(steps.min() ?? 0), hi = Double(max(steps.max() ?? 1, (steps.min() ?? 0) + 1))
        let height = (legendTop - 12 - top) / Double(grid.rows)
        for (i, run) in runs.enumerated() {
            let area = Rect(x: FigureLayout.margin + Double(i % grid.columns) * grid.cellWidth, y: top + Double(i / grid.columns) * height,
                            width: grid.cellWidth - 12, height: height)
            scene.append(contentsOf: panel(run, layers: hidden[i], of: layers, x: (lo, hi), scale: scale, in: area, style: style, measurer: measurer))
        }
        return FigureLayout.fitted(scene, style: style)
    }

    static func panel(
        _ run: FigureRun, layers: Int, of total: Int, x range: (Double, Double), scale: LogScale, in area: Rect,
        style: FigureStyle, measurer: TextMeasurer
    ) -> [SceneItem] {
        let panel = LogPanel(run.label, in: area, scale: scale, rightGap: 10, style: style, measurer: measurer)
        var out = [panel.title]
        let frame = panel.frame, yTicks = panel.yTicks
        let x = PlotScale.linear(range.0, range.1)
        let labelWidth = measurer.measure(String(Int(range.1)), style: style.text(style.tickSize)).width
        let xTicks = Ticks.linear(from: range.0, to: range.1, maxCount: max(2, Int(frame.width / (labelWidth + 30)))) { v, _ in
            NumberFormat.fixed(v, digits: 0)
        }
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: "training step", yTitle: "‖δ‖")
        axes.horizontalGrid = true
        out += axes.items(style: style, measurer: measurer)
        var items: [SceneItem] = []
        let rows = run.run.stats.deltaNorm
        for layer in 0..<layers {
            let pts = zip(run.run.steps, rows).map { (x: Double($0), y: layer < $1.count ? Double($1[layer]) : .nan) }
            items += LinePlot.line(pts, x: x, y: .log(scale), frame: frame, color: layerColor(layer, of: total, style: style),
                                   width: style.lineWidth * 0.8, markers: false)
        }
        if let d = run.run.diverged, let fx = x.fraction(Double(d)) {
            items += LinePlot.nonFiniteMark(atFraction: fx, frame: frame, color: style.mutedTextColor)
        }
        out.append(.group(items, clip: frame.insetBy(dx: -6, dy: -6), opacity: 1))
        return out
    }
}
