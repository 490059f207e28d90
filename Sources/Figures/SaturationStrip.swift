import Graphics
import GradientData

/// The saturation strip: per network, a small layer × step heatmap of the share of units
/// that are saturated (sigmoid, tanh) or dead (relu), on one linear 0–100 % scale.
///
/// Cells merged into one pixel show their arithmetic mean; NaN anywhere makes the pixel NaN.
public enum SaturationStrip {
    /// Which fraction a run's panel shows: dead units for relu, saturated units otherwise.
    /// An imported run's activation is unknown: it shows whichever of the two its log has, saturation first.
    public static func statistic(_ run: RunHistory) -> (name: String, values: [[Float]]) {
        if run.settings.importedFrom != nil {
            return run.stats.saturatedFraction.isEmpty && !run.stats.deadFraction.isEmpty
                ? ("dead units", run.stats.deadFraction) : ("saturated units", run.stats.saturatedFraction)
        }
        return run.settings.activation == .relu ? ("dead units", run.stats.deadFraction) : ("saturated units", run.stats.saturatedFraction)
    }

    /// One small heatmap per run on a shared 0–100 % scale, with one colour bar.
    public static func scene(_ runs: [FigureRun], style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let map = style.fractionMap
        let bar = ColorBar(map: map, ticks: Ticks.linear(from: 0, to: 1, maxCount: 4) { v, _ in NumberFormat.percent(v, digits: 0) },
                           title: "share of units", specials: [(map.nonFiniteColor, "NaN")])
        let barWidth = bar.width(style: style, measurer: measurer)
        let layout = FigureLayout.titledGrid(
            "Saturated (sigmoid, tanh) or dead (relu) units per layer during training", count: runs.count,
            naturalCell: (330, 240), besideGrid: 2 * FigureLayout.margin + barWidth + 28, style: style, measurer: measurer)
        var scene = layout.scene
        let top = layout.top, grid = layout.grid
        for (i, run) in runs.enumerated() {
            let stat = statistic(run.run)
            let panel = HeatmapPanel(run: run.run, values: stat.values, title: "\(run.label) · \(stat.name)", aggregation: .mean,
                                     coloring: .fraction(map))
            scene.append(contentsOf: panel.items(in: grid.cell(i, origin: Point(FigureLayout.margin, top)).insetBy(dx: 6, dy: 6),
                                                 style: style, measurer: measurer))
        }
        let barRect = Rect(x: FigureLayout.margin + grid.width + 20, y: top + 6 + style.panelTitleSize * 1.2 + 8,
                           width: barWidth, height: min(grid.height, 300) - 70)
        scene.append(contentsOf: bar.items(in: barRect, style: style))
        scene.crowded = HeatmapPanel.crowded(cellHeight: grid.cellHeight, style: style)
        return scene
    }
}
