import Graphics
import GradientData

/// One layer × step heatmap with its axes, drawn into an area: shared by the gradient
/// heatmaps and the saturation strips.
struct HeatmapPanel {
    var run: RunHistory
    /// `values[step][layer]`.
    var values: [[Float]]
    var title: String?
    var aggregation: CellAggregation
    var coloring: HeatmapColoring
    var xTitle: String? = "training step"
    var yTitle: String? = "layer (1 = input side)"
    /// The label of row i when rows are not layers (time buckets); nil: the run's layer labels.
    var rowLabel: (@Sendable (Int) -> String)? = nil
    /// The recorded steps the x axis spans; nil: the run's own. A frame of an animation passes its
    /// whole run's, so the axis holds still while the data grows along it.
    var axisSteps: [Int]? = nil

    var stepCount: Int { min(run.steps.count, values.count) }
    var layerCount: Int { max(run.layers.count, values.first?.count ?? 0) }

    /// The x-axis ticks (fractions of the plot width) for the recorded steps.
    static func stepTicks(_ steps: [Int], count: Int, width: Double, style: FigureStyle, measurer: TextMeasurer) -> [Tick] {
        guard count > 0 else { return [] }
        if count == 1 { return [Tick(fraction: 0.5, label: String(steps[0]))] }
        let first = Double(steps[0]), last = Double(steps[count - 1])
        let spacing = max(1, (last - first) / Double(count - 1))
        let end = last + spacing
        let labelWidth = measurer.measure(String(Int(end)), style: style.text(style.tickSize)).width
        let maxCount = max(2, Int(width / (labelWidth + 28)))
        let ticks = Ticks.linear(from: first, to: end, maxCount: maxCount) { v, _ in NumberFormat.fixed(v, digits: 0) }
        // Steps are whole numbers: a tick between two (1.5 of a 3-step run) would repeat a label.
        return ticks.filter { tick in
            let step = first + tick.fraction * (end - first)
            return tick.fraction <= 1 + 1e-9 && abs(step - step.rounded()) < 1e-6
        }
    }

    /// The y-axis ticks at layer-row centres, thinned to what `height` holds (and never more than 31).
    static func layerTicks(_ run: RunHistory, count: Int, height: Double, style: FigureStyle) -> [Tick] {
        let maxLabels = min(31, Int(height / (style.tickSize * 1.2)))
        return Ticks.layerIndices(count: count, maxLabels: maxLabels).map {
            Tick(fraction: (Double($0) + 0.5) / Double(count), label: $0 < run.layers.count ? run.layerLabel($0) : String($0 + 1))
        }
    }

    func items(in area: Rect, style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        var out: [SceneItem] = []
        var top = area.minY
        if let title {
            let s = style.text(style.panelTitleSize, weight: .bold, anchor: .start, baseline: .top)
            out.append(.text(TextWrap.truncated(title, width: area.width, style: s, measurer: measurer),
                             at: Point(area.minX, top), style: s, rotation: 0))
            top += style.panelTitleSize * 1.2 + 8
        }
        let bottom = area.maxY - Axes.bottomMargin(style: style, hasTitle: xTitle != nil)
        let height = max(10, bottom - top)
        var yTicks = Self.layerTicks(run, count: layerCount, height: height, style: style)
        if let rowLabel {
            yTicks = Ticks.layerIndices(count: layerCount, maxLabels: min(11, Int(height / (style.tickSize * 2.4)))).map {
                Tick(fraction: (Double($0) + 0.5) / Double(layerCount), label: rowLabel($0))
            }
        }
        let left = area.minX + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer, hasTitle: yTitle != nil)
        // Leave room for half of the last step label, which is centred on the right edge.
        let axis = axisSteps ?? Array(run.steps.prefix(stepCount))
        let lastLabel = String((axisSteps ?? run.steps).last ?? 0) + "0"
        let right = area.maxX - measurer.measure(lastLabel, style: style.text(style.tickSize)).width / 2
        let frame = Rect(x: left, y: top, width: max(10, right - left), height: height)
        let xTicks = Self.stepTicks(axis, count: axis.count, width: frame.width, style: style, measurer: measurer)
        // The recorded columns fill their share of the axis, from the left.
        let shown = axis.count > stepCount && axis.count > 0 ? Double(stepCount) / Double(axis.count) : 1
        let imageFrame = Rect(x: frame.minX, y: frame.minY, width: frame.width * shown, height: frame.height)

        if stepCount > 0 && layerCount > 0 {
            let image = HeatmapRaster.image(
                values: values, steps: stepCount, layers: layerCount,
                maxColumns: max(1, Int(imageFrame.width * style.pixelsPerPoint)),
                maxRows: max(1, Int(frame.height * style.pixelsPerPoint)),
                aggregation: aggregation, coloring: coloring)
            out.append(.image(image, rect: imageFrame, interpolation: .nearest))
        } else {
            out.append(.text("nothing recorded", at: Point(frame.midX, frame.midY),
                             style: style.text(style.labelSize, anchor: .middle, baseline: .middle, color: style.mutedTextColor),
                             rotation: 0))
        }
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: xTitle, yTitle: yTitle)
        axes.box = true
        out += axes.items(style: style, measurer: measurer)
        return out
    }
}

extension HeatmapPanel {
    /// Heatmap panels of several runs in a grid under `title`, with one colour bar on the right:
    /// the layout of every small-multiples heatmap (layers or time steps against training step).
    ///
    /// `colorBar` makes the bar for a given height, so the bar's ticks fit the grid it stands beside.
    static func smallMultiples(
        title: String, panels: [HeatmapPanel], cellHeight: Double, colorBar: (Double) -> ColorBar,
        style: FigureStyle, measurer: TextMeasurer
    ) -> Scene {
        let naturalGrid = FigureLayout.Grid(count: panels.count, cellWidth: 340, cellHeight: cellHeight)
        let barWidth = colorBar(naturalGrid.height - 80).width(style: style, measurer: measurer)
        let layout = FigureLayout.titledGrid(
            title, count: panels.count, naturalCell: (340, cellHeight),
            besideGrid: 2 * FigureLayout.margin + barWidth + 28, style: style, measurer: measurer)
        var scene = layout.scene
        let top = layout.top, grid = layout.grid
        let bar = colorBar(grid.height - 80)
        for (i, panel) in panels.enumerated() {
            let cell = grid.cell(i, origin: Point(FigureLayout.margin, top))
            scene.append(contentsOf: panel.items(in: cell.insetBy(dx: 6, dy: 6), style: style, measurer: measurer))
        }
        let barRect = Rect(x: FigureLayout.margin + grid.width + 20, y: top + 6 + style.panelTitleSize * 1.2 + 8,
                           width: barWidth, height: min(grid.height, 420) - 60)
        scene.append(contentsOf: bar.items(in: barRect, style: style))
        scene.crowded = crowded(cellHeight: grid.cellHeight, style: style)
        return scene
    }

    /// Whether a grid cell `cellHeight` tall leaves a panel's heatmap, under its title and above its
    /// ticks and axis title, too thin to read.
    static func crowded(cellHeight: Double, style: FigureStyle) -> Bool {
        cellHeight - 12 < style.panelTitleSize * 1.2 + Axes.bottomMargin(style: style) + style.tickSize * 6
    }
}
