import Graphics

/// The layout of one line-plot panel with a log y axis: a bold title at the top left of its area,
/// decade ticks of a shared scale, and the plot frame with room for tick labels and axis titles.
struct LogPanel {
    /// The panel title (truncated to the area's width).
    var title: SceneItem
    /// Where the data goes.
    var frame: Rect
    var yTicks: [Tick]

    /// The panel in `area` on `scale`, leaving `rightGap` points right of the frame.
    init(_ title: String, in area: Rect, scale: LogScale, rightGap: Double, style: FigureStyle, measurer: TextMeasurer) {
        let titleStyle = style.text(style.panelTitleSize, weight: .bold, baseline: .top)
        self.title = .text(TextWrap.truncated(title, width: area.width, style: titleStyle, measurer: measurer),
                           at: Point(area.minX, area.minY), style: titleStyle, rotation: 0)
        let top = area.minY + style.panelTitleSize * 1.2 + 10
        let bottom = area.maxY - Axes.bottomMargin(style: style)
        yTicks = Ticks.logarithmic(lower: scale.lowerExponent, upper: scale.upperExponent,
                                   maxCount: max(2, Int((bottom - top) / (style.tickSize * 2.2))))
        let left = area.minX + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
        frame = Rect(x: left, y: top, width: area.maxX - left - rightGap, height: bottom - top)
    }
}
