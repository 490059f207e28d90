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
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("\(quantity.symbol) per layer during training: \(run.label)",
                                     in: &scene, style: style, measurer: measurer)
        let bar = colorBar(scale, quantity: quantity, style: style, height: size.height - top - 60)
        let barWidth = bar.width(style: style, measurer: measurer)
        let area = Rect(x: FigureLayout.margin, y: top, width: size.width - 2 * FigureLayout.margin - barWidth - 24,
                        height: size.height - top - FigureLayout.margin)
        var panel = panel(run.run, title: nil, scale: scale, quantity: quantity, style: style)
        panel.axisSteps = stepAxis
        scene.append(contentsOf: panel.items(in: area, style: style, measurer: measurer))
        let barRect = Rect(x: area.maxX + 24, y: area.minY, width: barWidth,
                           height: area.height - Axes.bottomMargin(style: style))
        scene.append(contentsOf: bar.items(in: barRect, style: style))
        return scene
    }

    /// Heatmaps of several runs on one shared scale, with one colour bar.
    public static func smallMultiples(
        _ runs: [FigureRun], quantity: GradientQuantity = .weightGradient,
        style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> Scene {
        let scale = sharedScale(runs.map(\.run), quantity: quantity)
        let grid = FigureLayout.Grid(count: runs.count, cellWidth: 340, cellHeight: 270)
        let barProbe = colorBar(scale, quantity: quantity, style: style, height: grid.height - 80)
        let barWidth = barProbe.width(style: style, measurer: measurer)
        var scene = Scene(width: grid.width + 2 * FigureLayout.margin + barWidth + 28, height: 0)
        let top = FigureLayout.title("\(quantity.symbol) per layer during training, one colour scale for all",
                                     in: &scene, style: style, measurer: measurer)
        scene.height = top + grid.height + FigureLayout.margin
        for (i, run) in runs.enumerated() {
            let cell = grid.cell(i, origin: Point(FigureLayout.margin, top))
            scene.append(contentsOf: panel(run.run, title: run.label, scale: scale, quantity: quantity, style: style)
                .items(in: cell.insetBy(dx: 6, dy: 6), style: style, measurer: measurer))
        }
        let bar = colorBar(scale, quantity: quantity, style: style, height: grid.height - 80)
        let barRect = Rect(x: FigureLayout.margin + grid.width + 20, y: top + 6 + style.panelTitleSize * 1.2 + 8,
                           width: barWidth, height: min(grid.height, 420) - 60)
        scene.append(contentsOf: bar.items(in: barRect, style: style))
        return scene
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
