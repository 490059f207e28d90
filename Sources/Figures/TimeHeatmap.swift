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
        return HeatmapPanel.smallMultiples(
            title: "Gradient reaching each time step, relative to the last step, during training",
            panels: runs.map { panel($0.run, title: $0.label, scale: scale, style: style) }, cellHeight: 290,
            colorBar: { colorBar(scale, style: style, height: $0) }, style: style, measurer: measurer)
    }

    /// The time heatmap of one run with its colour bar, on `scale` (default: the run's own range),
    /// its x axis spanning `stepAxis` (default: the run's own steps).
    public static func scene(_ run: FigureRun, scale: LogScale? = nil, stepAxis: [Int]? = nil, style: FigureStyle = .standard,
                             measurer: TextMeasurer) -> Scene {
        let scale = scale ?? sharedScale([run.run])
        let size = FigureLayout.canvas(natural: GradientHeatmap.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("Gradient reaching each time step during training: \(run.label)",
                                     in: &scene, style: style, measurer: measurer)
        var panel = panel(run.run, title: nil, scale: scale, style: style)
        panel.axisSteps = stepAxis
        scene.append(contentsOf: FigureLayout.heatmapWithBar(
            panel, size: size, top: top,
            bar: { colorBar(scale, style: style, height: $0) }, scale: scale, style: style, measurer: measurer))
        return scene
    }
}
