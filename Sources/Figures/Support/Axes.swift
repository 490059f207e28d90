import Graphics

/// A rectangular plot with ticks, tick labels and axis titles on the left and bottom.
///
/// Figures compute where the data goes; `Axes` only draws the frame around it, so the same
/// code serves heatmaps (ticks at cell centres), log plots and linear plots.
struct Axes {
    var frame: Rect
    var xTicks: [Tick]
    var yTicks: [Tick]
    var xTitle: String?
    var yTitle: String?
    /// Grid lines at the y ticks (line plots); off for images.
    var horizontalGrid = false
    var verticalGrid = false
    /// A box around the frame (images) instead of only the left and bottom spines.
    var box = false

    static let tickLength = 5.0
    static let gap = 4.0

    /// Height needed under the frame for tick labels and the x title.
    static func bottomMargin(style: FigureStyle, hasTitle: Bool = true) -> Double {
        let ticks = tickLength + gap + style.tickSize * 1.2
        return ticks + (hasTitle ? 6 + style.labelSize * 1.2 : 0) + 2
    }

    /// Width needed left of the frame for `labels` and a rotated y title.
    static func leftMargin(labels: [String], style: FigureStyle, measurer: TextMeasurer, hasTitle: Bool = true) -> Double {
        let w = labels.map { measurer.measure($0, style: style.text(style.tickSize)).width }.max() ?? 0
        return tickLength + gap + w + (hasTitle ? 8 + style.labelSize * 1.2 : 0) + 2
    }

    func point(xFraction: Double, yFraction: Double) -> Point {
        Point(frame.minX + xFraction * frame.width, frame.maxY - yFraction * frame.height)
    }

    func items(style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        var out: [SceneItem] = []
        let axis = StrokeStyle(color: style.axisColor, width: style.axisWidth, cap: .square)
        let grid = StrokeStyle(color: style.gridColor, width: 1)
        if horizontalGrid {
            for t in yTicks {
                let y = frame.maxY - t.fraction * frame.height
                out.append(.stroke(.polyline([Point(frame.minX, y), Point(frame.maxX, y)]), grid))
            }
        }
        if verticalGrid {
            for t in xTicks {
                let x = frame.minX + t.fraction * frame.width
                out.append(.stroke(.polyline([Point(x, frame.minY), Point(x, frame.maxY)]), grid))
            }
        }
        if box {
            out.append(.stroke(.rectangle(frame), axis))
        } else {
            out.append(.stroke(.polyline([Point(frame.minX, frame.minY), Point(frame.minX, frame.maxY),
                                          Point(frame.maxX, frame.maxY)]), axis))
        }
        let tickStyle = style.text(style.tickSize, anchor: .middle, baseline: .top)
        for t in xTicks {
            let x = frame.minX + t.fraction * frame.width
            out.append(.stroke(.polyline([Point(x, frame.maxY), Point(x, frame.maxY + Self.tickLength)]), axis))
            out.append(.text(t.label, at: Point(x, frame.maxY + Self.tickLength + Self.gap), style: tickStyle, rotation: 0))
        }
        let yTickStyle = style.text(style.tickSize, anchor: .end, baseline: .middle)
        var widest = 0.0
        for t in yTicks {
            let y = frame.maxY - t.fraction * frame.height
            out.append(.stroke(.polyline([Point(frame.minX - Self.tickLength, y), Point(frame.minX, y)]), axis))
            out.append(.text(t.label, at: Point(frame.minX - Self.tickLength - Self.gap, y), style: yTickStyle, rotation: 0))
            widest = max(widest, measurer.measure(t.label, style: yTickStyle).width)
        }
        if let xTitle {
            let y = frame.maxY + Self.tickLength + Self.gap + style.tickSize * 1.2 + 6
            let s = style.text(style.labelSize, anchor: .middle, baseline: .top)
            out.append(.text(Self.fitted(xTitle, length: frame.width + 40, style: s, measurer: measurer), at: Point(frame.midX, y),
                             style: s, rotation: 0))
        }
        if let yTitle {
            let x = frame.minX - Self.tickLength - Self.gap - widest - 8
            let s = style.text(style.labelSize, anchor: .middle, baseline: .bottom)
            let fitted = Self.fitted(yTitle, length: frame.height, style: s, measurer: measurer)
            if !fitted.isEmpty {
                out.append(.text(fitted, at: Point(x, frame.midY), style: s, rotation: -Double.pi / 2))
            }
        }
        return out
    }

    /// `title` as it fits `length` points: whole, or without its parenthesis (`layer (1 = input side)` → `layer`),
    /// or cut short with an ellipsis, so a short axis never pushes its title into the figure's title.
    static func fitted(_ title: String, length: Double, style: TextStyle, measurer: TextMeasurer) -> String {
        if measurer.measure(title, style: style).width <= length { return title }
        if let open = title.range(of: " (") {
            let short = String(title[..<open.lowerBound])
            if measurer.measure(short, style: style).width <= length { return short }
        }
        // A stub of a word or two letters says nothing: no title then (the figure's own title names the quantity).
        let cut = TextWrap.truncated(title, width: length, style: style, measurer: measurer)
        return cut.filter { $0.isLetter }.count < 5 ? "" : cut
    }
}
