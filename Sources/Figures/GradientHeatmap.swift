import Graphics
import GradientData

/// The gradient heatmap: x = training step, y = layer (input side at the bottom),
/// colour = log10 of a layer's gradient norm, drawn as one nearest-neighbour image.
///
/// When a run has more recorded steps (or layers) than the image has pixels
/// (`plot size × style.pixelsPerPoint`), neighbouring steps share a pixel column whose value
/// is their geometric mean (mean of log10); a NaN/Inf anywhere in a pixel makes the pixel
/// NaN, and a zero makes it zero, so special values are never averaged away
/// (see `HeatmapRaster`).
public enum GradientHeatmap {
    /// The single-run figure's natural size in points.
    public static let size = (width: 680.0, height: 460.0)

    /// The one log scale, in whole decades, covering every finite positive value of `runs`.
    public static func sharedScale(_ runs: [RunHistory], quantity: GradientQuantity = .weightGradient) -> LogScale {
        LogScale.covering(rows: runs.flatMap { quantity.values($0) })
    }

    /// The heatmap image of `run` on `scale`: one column per recorded step, one row per layer
    /// (output layer on the top row), merged down to at most `maxColumns` × `maxRows` pixels.
    public static func image(
        _ run: RunHistory, scale: LogScale, map: ColorMap, quantity: GradientQuantity = .weightGradient,
        maxColumns: Int = .max, maxRows: Int = .max
    ) -> RasterImage {
        let values = quantity.values(run)
        return HeatmapRaster.image(
            values: values, steps: min(run.steps.count, values.count),
            layers: max(run.layers.count, values.first?.count ?? 0),
            maxColumns: maxColumns, maxRows: maxRows, aggregation: .logMean, coloring: .logScale(scale, map))
    }

    /// The heatmap of one run with its colour bar; `scale` defaults to the run's own range, `stepAxis`
    /// (the steps the x axis spans) to the run's own steps.
    public static func scene(
        _ run: FigureRun, scale: LogScale? = nil, quantity: GradientQuantity = .weightGradient,
        stepAxis: [Int]? = nil, style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> Scene {
        let scale = scale ?? sharedScale([run.run], quantity: quantity)
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("\(quantity.symbol) per layer during training: \(run.label)",
                                     in: &scene, style: style, measurer: measurer)
        var panel = panel(run.run, title: nil, scale: scale, quantity: quantity, style: style)
        panel.axisSteps = stepAxis
        scene.append(contentsOf: FigureLayout.heatmapWithBar(
            panel, size: size, top: top,
            bar: { colorBar(scale, quantity: quantity, style: style, height: $0) }, scale: scale, style: style, measurer: measurer))
        return scene
    }

    /// Heatmaps of several runs on one shared scale, with one colour bar.
    public static func smallMultiples(
        _ runs: [FigureRun], quantity: GradientQuantity = .weightGradient,
        style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> Scene {
        let scale = sharedScale(runs.map(\.run), quantity: quantity)
        return HeatmapPanel.smallMultiples(
            title: "\(quantity.symbol) per layer during training, one colour scale for all",
            panels: runs.map { panel($0.run, title: $0.label, scale: scale, quantity: quantity, style: style) }, cellHeight: 270,
            colorBar: { colorBar(scale, quantity: quantity, style: style, height: $0) }, style: style, measurer: measurer)
    }

    static func panel(_ run: RunHistory, title: String?, scale: LogScale, quantity: GradientQuantity, style: FigureStyle) -> HeatmapPanel {
        HeatmapPanel(run: run, values: quantity.values(run), title: title, aggregation: .logMean,
                     coloring: .logScale(scale, style.colorMap))
    }

    static func colorBar(_ scale: LogScale, quantity: GradientQuantity, style: FigureStyle, height: Double) -> ColorBar {
        ColorBar(map: style.colorMap, ticks: ColorBar.decadeTicks(scale, height: height - 120, style: style),
                 title: quantity.symbol, specials: ColorBar.gradientSpecials(style.colorMap))
    }
}
