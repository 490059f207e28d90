import Graphics

/// A vertical colour bar with labelled ticks, optionally followed by special-value swatches.
struct ColorBar {
    var map: ColorMap
    /// Ticks along the bar, 0 = bottom.
    var ticks: [Tick]
    var title: String
    /// Swatches drawn under the bar for values the map cannot show.
    var specials: [(color: Color, label: String)]

    /// The zero/underflow and NaN/Inf swatches of `map`.
    static func gradientSpecials(_ map: ColorMap) -> [(color: Color, label: String)] {
        [(map.underflowColor, "0 / underflow"), (map.nonFiniteColor, "NaN / Inf")]
    }

    static let barWidth = 16.0

    /// The width the bar, its labels and swatches take.
    func width(style: FigureStyle, measurer: TextMeasurer) -> Double {
        let tickStyle = style.text(style.tickSize)
        var labels = ticks.map(\.label)
        labels += specials.map(\.label)
        let w = labels.map { measurer.measure($0, style: tickStyle).width }.max() ?? 0
        let titleW = measurer.measure(title, style: style.text(style.tickSize)).width
        return max(Self.barWidth + 6 + w, titleW)
    }

    /// The height taken below the bar by the swatches.
    func specialHeight(style: FigureStyle) -> Double {
        specials.isEmpty ? 0 : 18 + Double(specials.count) * style.tickSize * 1.6
    }

    /// The height taken above the bar by its title.
    func titleHeight(style: FigureStyle) -> Double { style.tickSize * 1.2 + 16 }

    /// The bar's items in `rect` (the whole column: title, bar, swatches).
    func items(in rect: Rect, style: FigureStyle) -> [SceneItem] {
        var out: [SceneItem] = []
        let barTop = rect.minY + titleHeight(style: style)
        let barBottom = rect.maxY - specialHeight(style: style)
        let bar = Rect(x: rect.minX, y: barTop, width: Self.barWidth, height: max(1, barBottom - barTop))
        // The map's entries top to bottom: the high end on top.
        let count = map.colors.count, words = map.pixelWords
        let strip = RasterImage(width: 1, height: count) { pixels in
            for i in 0..<count { pixels.store(words[count - 1 - i], at: i) }
        }
        out.append(.image(strip, rect: bar, interpolation: .nearest))
        out.append(.stroke(.rectangle(bar), StrokeStyle(color: style.axisColor, width: 0.8)))
        out.append(.text(title, at: Point(rect.minX, rect.minY), style: style.text(style.tickSize, baseline: .top), rotation: 0))
        let tickStyle = style.text(style.tickSize, baseline: .middle)
        for t in ticks {
            let y = bar.maxY - t.fraction * bar.height
            out.append(.stroke(.polyline([Point(bar.maxX - 4, y), Point(bar.maxX + 3, y)]),
                               StrokeStyle(color: style.axisColor, width: 1)))
            out.append(.text(t.label, at: Point(bar.maxX + 6, y), style: tickStyle, rotation: 0))
        }
        do {
            let side = style.tickSize * 1.1
            for (k, (color, label)) in specials.enumerated() {
                let y = bar.maxY + 18 + Double(k) * style.tickSize * 1.6
                let sq = Rect(x: rect.minX + (Self.barWidth - side) / 2, y: y, width: side, height: side)
                out.append(.fill(.rectangle(sq), color))
                out.append(.stroke(.rectangle(sq), StrokeStyle(color: style.axisColor, width: 0.8)))
                out.append(.text(label, at: Point(bar.maxX + 6, sq.midY), style: tickStyle, rotation: 0))
            }
        }
        return out
    }

    /// Decade ticks for `scale`, as many as fit in `height` points.
    static func decadeTicks(_ scale: LogScale, height: Double, style: FigureStyle) -> [Tick] {
        let maxCount = max(2, Int(height / (style.tickSize * 1.8)))
        return Ticks.decades(lower: scale.lowerExponent, upper: scale.upperExponent, maxCount: maxCount)
    }
}

extension ColorBar {
    /// The height of the bar laid along the bottom of a narrow figure: title and bar, tick labels, a row of swatches.
    func horizontalHeight(style: FigureStyle) -> Double {
        let bar = style.tickSize * 1.4 + 3 + style.tickSize * 1.3
        return specials.isEmpty ? bar : bar + 4 + style.tickSize * 1.3
    }

    /// The bar laid horizontally in `rect` (for a page too narrow for a bar beside the data): its title at
    /// the left, the bar across the rest with tick labels under it, the special swatches in a row below.
    ///
    /// `ticks` are recomputed for the bar's length by `ticksForLength` so their labels never collide.
    func horizontalItems(in rect: Rect, style: FigureStyle, measurer: TextMeasurer,
                         ticksForLength: (Double) -> [Tick]) -> [SceneItem] {
        var out: [SceneItem] = []
        let titleStyle = style.text(style.tickSize, baseline: .middle)
        let titleWidth = measurer.measure(title, style: titleStyle).width
        let barHeight = style.tickSize * 1.1
        let firstTick = measurer.measure(ticks.first?.label ?? "", style: titleStyle).width
        let lastTick = measurer.measure(ticks.last?.label ?? "", style: titleStyle).width
        let x0 = rect.minX + titleWidth + 8 + firstTick / 2
        let bar = Rect(x: x0, y: rect.minY + 1, width: max(1, rect.maxX - lastTick / 2 - 2 - x0), height: barHeight)
        out.append(.text(title, at: Point(rect.minX, bar.midY), style: titleStyle, rotation: 0))
        let count = map.colors.count, words = map.pixelWords
        let strip = RasterImage(width: count, height: 1) { pixels in
            for i in 0..<count { pixels.store(words[i], at: i) }
        }
        out.append(.image(strip, rect: bar, interpolation: .nearest))
        out.append(.stroke(.rectangle(bar), StrokeStyle(color: style.axisColor, width: 0.8)))
        let tickStyle = style.text(style.tickSize, anchor: .middle, baseline: .top)
        for t in ticksForLength(bar.width) {
            let x = bar.minX + t.fraction * bar.width
            out.append(.stroke(.polyline([Point(x, bar.maxY - 3), Point(x, bar.maxY + 3)]), StrokeStyle(color: style.axisColor, width: 1)))
            out.append(.text(t.label, at: Point(x, bar.maxY + 3), style: tickStyle, rotation: 0))
        }
        let side = style.tickSize * 1.0
        let labelStyle = style.text(style.tickSize, baseline: .middle)
        let widths = specials.map { side + 4 + measurer.measure($0.label, style: labelStyle).width }
        var x = rect.minX + max(0, (rect.width - widths.reduce(0, +) - Double(max(0, widths.count - 1)) * 12) / 2)
        let y = bar.maxY + 3 + style.tickSize * 1.3 + 4 + style.tickSize * 0.65
        for (k, (color, label)) in specials.enumerated() {
            let sq = Rect(x: x, y: y - side / 2, width: side, height: side)
            out.append(.fill(.rectangle(sq), color))
            out.append(.stroke(.rectangle(sq), StrokeStyle(color: style.axisColor, width: 0.8)))
            out.append(.text(label, at: Point(sq.maxX + 4, y), style: labelStyle, rotation: 0))
            x += widths[k] + 12
        }
        return out
    }
}

extension FigureLayout {
    /// Pages narrower than this get their colour bar along the bottom instead of beside the data.
    static let narrowPage = 480.0

    /// A heatmap panel with its colour bar filling `size` below `top`: the bar beside the panel on a page of
    /// natural width, along the bottom on a narrow one (a paper column), where beside it would leave no room.
    static func heatmapWithBar(_ panel: HeatmapPanel, size: (width: Double, height: Double), top: Double,
                               bar: (Double) -> ColorBar, scale: LogScale, style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        var out: [SceneItem] = []
        if size.width < narrowPage {
            let probe = bar(size.height)
            let barHeight = probe.horizontalHeight(style: style)
            let area = Rect(x: margin, y: top, width: size.width - 2 * margin, height: size.height - top - margin - barHeight - 6)
            out += panel.items(in: area, style: style, measurer: measurer)
            let barRect = Rect(x: margin, y: size.height - margin - barHeight, width: size.width - 2 * margin, height: barHeight)
            let labelWidth = measurer.measure("10⁻²⁰", style: style.text(style.tickSize)).width
            out += probe.horizontalItems(in: barRect, style: style, measurer: measurer) { length in
                Ticks.decades(lower: scale.lowerExponent, upper: scale.upperExponent, maxCount: max(2, Int(length / (labelWidth + 8))))
            }
            return out
        }
        let column = bar(size.height - top - 60)
        let barWidth = column.width(style: style, measurer: measurer)
        let area = Rect(x: margin, y: top, width: size.width - 2 * margin - barWidth - 24, height: size.height - top - margin)
        out += panel.items(in: area, style: style, measurer: measurer)
        let barRect = Rect(x: area.maxX + 24, y: area.minY, width: barWidth, height: area.height - Axes.bottomMargin(style: style))
        out += column.items(in: barRect, style: style)
        return out
    }
}
