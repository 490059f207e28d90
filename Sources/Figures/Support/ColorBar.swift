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
