import Graphics
import GradientData

/// The time heatmap of recurrent runs: x = training step, y = time step (1 = the first input, at
/// the bottom), colour = ‖∂L/∂h_t‖ relative to ‖∂L/∂h_T‖ on one log scale shared by every panel.
///
/// The colour says what share of the gradient at the last step still reaches step t: the fading
/// through time, as the layer heatmap shows the fading through depth.
public enum TimeHeatmap {
    /// ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ per recorded step and time bucket (empty for an MLP run).
    ///
    /// A zero last value makes the row's ratios infinite or NaN, drawn as such.
    public static func relativeValues(_ run: RunHistory) -> [[Float]] {
        guard let time = run.time else { return [] }
        return time.hiddenGradNorm.map { row in
            guard let last = row.last else { return row }
            return row.map { $0 / last }
        }
    }

    /// The one log scale, in whole decades, covering every run's relative gradients.
    public static func sharedScale(_ runs: [RunHistory]) -> LogScale {
        LogScale.covering(rows: runs.flatMap(relativeValues))
    }

    /// The label of time bucket `index` of `run`: its first time step.
    static func timeLabel(_ run: RunHistory) -> @Sendable (Int) -> String {
        let starts = run.time?.timeSteps ?? []
        return { index in index < starts.count ? String(starts[index]) : String(index + 1) }
    }

    static func panel(_ run: RunHistory, title: String?, scale: LogScale, style: FigureStyle) -> HeatmapPanel {
        var panel = HeatmapPanel(run: run, values: relativeValues(run), title: title, aggregation: .logMean,
                                 coloring: .logScale(scale, style.colorMap))
        panel.yTitle = "time step t (1 = first input)"
        panel.rowLabel = timeLabel(run)
        return panel
    }

    static func colorBar(_ scale: LogScale, style: FigureStyle, height: Double) -> ColorBar {
        ColorBar(map: style.colorMap, ticks: ColorBar.decadeTicks(scale, height: height - 120, style: style),
                 title: "‖∂L/∂hₜ‖ / ‖∂L/∂h_T‖", specials: ColorBar.gradientSpecials(style.colorMap))
    }

    /// The time heatmaps of several recurrent runs on one shared scale, with one colour bar.
    public static func smallMultiples(_ runs: [FigureRun], style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let scale = sharedScale(runs.map(\.run))
        let grid = FigureLayout.Grid(count: runs.count, cellWidth: 340, cellHeight: 290)
        let barProbe = colorBar(scale, style: style, height: grid.height - 80)
        let barWidth = barProbe.width(style: style, measurer: measurer)
        var scene = Scene(width: grid.width + 2 * FigureLayout.margin + barWidth + 28, height: 0)
        let top = FigureLayout.title("Gradient reaching each time step, relative to the last step, during training",
                                     in: &scene, style: style, measurer: measurer)
        scene.height = top + grid.height + FigureLayout.margin
        for (i, run) in runs.enumerated() {
            let cell = grid.cell(i, origin: Point(FigureLayout.margin, top))
            scene.append(contentsOf: panel(run.run, title: run.label, scale: scale, style: style)
                .items(in: cell.insetBy(dx: 6, dy: 6), style: style, measurer: measurer))
        }
        let barRect = Rect(x: FigureLayout.margin + grid.width + 20, y: top + 6 + style.panelTitleSize * 1.2 + 8,
                           width: barWidth, height: min(grid.height, 420) - 60)
        scene.append(contentsOf: barProbe.items(in: barRect, style: style))
        return scene
    }

    /// The time heatmap of one run with its colour bar, on `scale` (default: the run's own range),
    /// its x axis spanning `stepAxis` (default: the run's own steps).
    public static func scene(_ run: FigureRun, scale: LogScale? = nil, stepAxis: [Int]? = nil, style: FigureStyle = .standard,
                             measurer: TextMeasurer) -> Scene {
        let scale = scale ?? sharedScale([run.run])
        let size = GradientHeatmap.size
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("Gradient reaching each time step during training: \(run.label)",
                                     in: &scene, style: style, measurer: measurer)
        let bar = colorBar(scale, style: style, height: size.height - top - 60)
        let barWidth = bar.width(style: style, measurer: measurer)
        let area = Rect(x: FigureLayout.margin, y: top, width: size.width - 2 * FigureLayout.margin - barWidth - 24,
                        height: size.height - top - FigureLayout.margin)
        var panel = panel(run.run, title: nil, scale: scale, style: style)
        panel.axisSteps = stepAxis
        scene.append(contentsOf: panel.items(in: area, style: style, measurer: measurer))
        let barRect = Rect(x: area.maxX + 24, y: area.minY, width: barWidth, height: area.height - Axes.bottomMargin(style: style))
        scene.append(contentsOf: bar.items(in: barRect, style: style))
        return scene
    }
}
