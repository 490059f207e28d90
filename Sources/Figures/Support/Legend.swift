import Graphics

/// One entry of a legend: a mark and its label.
struct LegendEntry {
    enum Mark {
        /// A line sample, optionally dashed, with an optional dot in the middle.
        case line(Color, dash: [Double], marker: Bool)
        /// A filled square (colour-map special values, table rows).
        case swatch(Color, outline: Color?)
        /// A cross marker (diverged steps, NaN values).
        case cross(Color)
        /// A downward open triangle (zero values on a log axis).
        case triangle(Color)
    }

    var mark: Mark
    var label: String
}

/// A legend laid out in rows that wrap at a maximum width.
struct Legend {
    var entries: [LegendEntry]
    var textSize: Double

    private var markWidth: Double { textSize * 2.4 }
    private var rowHeight: Double { textSize * 1.55 }
    private var entryGap: Double { textSize * 1.4 }

    private func entryWidth(_ e: LegendEntry, measurer: TextMeasurer, style: FigureStyle) -> Double {
        markWidth + 6 + measurer.measure(e.label, style: style.text(textSize)).width
    }

    /// The entries with every label cut short (…) to fit `maxWidth` on a row of its own: a narrow page.
    private func fitting(_ maxWidth: Double, measurer: TextMeasurer, style: FigureStyle) -> Legend {
        var out = self
        let room = maxWidth - markWidth - 6
        for i in out.entries.indices where measurer.measure(out.entries[i].label, style: style.text(textSize)).width > room {
            out.entries[i].label = TextWrap.truncated(out.entries[i].label, width: room, style: style.text(textSize), measurer: measurer)
        }
        return out
    }

    /// The rows of entry indices when wrapped at `maxWidth`.
    private func rows(maxWidth: Double, measurer: TextMeasurer, style: FigureStyle) -> [[Int]] {
        var rows: [[Int]] = [[]]
        var x = 0.0
        for (i, e) in entries.enumerated() {
            let w = entryWidth(e, measurer: measurer, style: style)
            if let last = rows.last, !last.isEmpty, x + entryGap + w > maxWidth {
                rows.append([])
                x = 0
            }
            x += (rows[rows.count - 1].isEmpty ? 0 : entryGap) + w
            rows[rows.count - 1].append(i)
        }
        return rows.filter { !$0.isEmpty }
    }

    /// The size the legend takes when wrapped at `maxWidth`.
    func size(maxWidth: Double, measurer: TextMeasurer, style: FigureStyle) -> (width: Double, height: Double) {
        let legend = fitting(maxWidth, measurer: measurer, style: style)
        return legend.unfittedSize(maxWidth: maxWidth, measurer: measurer, style: style)
    }

    private func unfittedSize(maxWidth: Double, measurer: TextMeasurer, style: FigureStyle) -> (width: Double, height: Double) {
        let r = rows(maxWidth: maxWidth, measurer: measurer, style: style)
        let widths = r.map { row in
            row.map { entryWidth(entries[$0], measurer: measurer, style: style) }.reduce(0, +)
                + Double(max(0, row.count - 1)) * entryGap
        }
        return (widths.max() ?? 0, Double(r.count) * rowHeight)
    }

    /// The legend's items, rows centred on `centerX`, first row's top at `top`.
    func items(centerX: Double, top: Double, maxWidth: Double, measurer: TextMeasurer, style: FigureStyle) -> [SceneItem] {
        let entries = fitting(maxWidth, measurer: measurer, style: style).entries
        let legend = Legend(entries: entries, textSize: textSize)
        var out: [SceneItem] = []
        for (r, row) in legend.rows(maxWidth: maxWidth, measurer: measurer, style: style).enumerated() {
            let widths = row.map { entryWidth(entries[$0], measurer: measurer, style: style) }
            let total = widths.reduce(0, +) + Double(max(0, row.count - 1)) * entryGap
            var x = centerX - total / 2
            let y = top + Double(r) * rowHeight + rowHeight / 2
            for (k, i) in row.enumerated() {
                out += Self.mark(entries[i].mark, in: Rect(x: x, y: y - textSize * 0.5, width: markWidth, height: textSize),
                                 lineWidth: style.lineWidth)
                out.append(.text(entries[i].label, at: Point(x + markWidth + 6, y),
                                 style: style.text(textSize, baseline: .middle), rotation: 0))
                x += widths[k] + entryGap
            }
        }
        return out
    }

    static func mark(_ mark: LegendEntry.Mark, in r: Rect, lineWidth: Double) -> [SceneItem] {
        switch mark {
        case .line(let c, let dash, let marker):
            var out: [SceneItem] = [.stroke(.polyline([Point(r.minX, r.midY), Point(r.maxX, r.midY)]),
                                            StrokeStyle(color: c, width: lineWidth, dash: dash))]
            if marker { out.append(.fill(.circle(center: Point(r.midX, r.midY), radius: lineWidth * 1.6), c)) }
            return out
        case .swatch(let c, let outline):
            let side = r.height
            let sq = Rect(x: r.midX - side / 2, y: r.minY, width: side, height: side)
            var out: [SceneItem] = [.fill(.rectangle(sq), c)]
            if let outline { out.append(.stroke(.rectangle(sq), StrokeStyle(color: outline, width: 0.8))) }
            return out
        case .cross(let c):
            return crossMark(center: Point(r.midX, r.midY), size: r.height * 0.7, color: c, width: 2)
        case .triangle(let c):
            let x = r.midX, y = r.midY
            return [.stroke(.polygon([Point(x - 5, y - 4.5), Point(x + 5, y - 4.5), Point(x, y + 4.5)]),
                            StrokeStyle(color: c, width: 1.6, join: .round))]
        }
    }

    static func crossMark(center p: Point, size: Double, color: Color, width: Double) -> [SceneItem] {
        let h = size / 2
        var path = Path()
        path.move(to: Point(p.x - h, p.y - h))
        path.line(to: Point(p.x + h, p.y + h))
        path.move(to: Point(p.x - h, p.y + h))
        path.line(to: Point(p.x + h, p.y - h))
        return [.stroke(path, StrokeStyle(color: color, width: width, cap: .round))]
    }
}
