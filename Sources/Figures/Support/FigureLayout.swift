import Graphics

/// Page-level layout shared by the figures: margins, titles and grids of panels.
enum FigureLayout {
    static let margin = 16.0

    /// Draws a figure title at the top left; returns the y where content may start.
    static func title(_ text: String, in scene: inout Scene, style: FigureStyle, measurer: TextMeasurer) -> Double {
        let s = style.text(style.titleSize, weight: .bold, baseline: .top)
        let lines = TextWrap.lines(text, width: scene.width - 2 * margin, style: s, measurer: measurer)
        var y = margin
        for line in lines {
            scene.text(line, at: Point(margin, y), style: s)
            y += style.titleSize * 1.25
        }
        return y + 10
    }

    /// Draws a muted one-line (wrapped) subtitle; returns the y below it.
    static func subtitle(_ text: String, at y: Double, in scene: inout Scene, style: FigureStyle, measurer: TextMeasurer) -> Double {
        let s = style.text(style.legendSize, baseline: .top, color: style.mutedTextColor)
        var y = y - 4
        for line in TextWrap.lines(text, width: scene.width - 2 * margin, style: s, measurer: measurer) {
            scene.text(line, at: Point(margin, y), style: s)
            y += style.legendSize * 1.3
        }
        return y + 8
    }

    /// Draws a legend centred along the bottom of the scene; returns the y of its top.
    static func bottomLegend(_ entries: [LegendEntry], in scene: inout Scene, style: FigureStyle, measurer: TextMeasurer) -> Double {
        let legend = Legend(entries: entries, textSize: style.legendSize)
        let maxWidth = scene.width - 2 * margin - 8
        let top = scene.height - margin - legend.size(maxWidth: maxWidth, measurer: measurer, style: style).height
        scene.append(contentsOf: legend.items(centerX: scene.width / 2, top: top, maxWidth: maxWidth, measurer: measurer, style: style))
        return top
    }

    /// A grid of equal cells, filled row by row: up to three columns.
    struct Grid {
        var columns: Int
        var rows: Int
        var cellWidth: Double
        var cellHeight: Double

        init(count: Int, cellWidth: Double, cellHeight: Double, maxColumns: Int = 3) {
            let n = max(1, count)
            columns = n <= maxColumns ? n : (n == 4 ? 2 : maxColumns)
            rows = (n + columns - 1) / columns
            self.cellWidth = cellWidth
            self.cellHeight = cellHeight
        }

        var width: Double { Double(columns) * cellWidth }
        var height: Double { Double(rows) * cellHeight }

        func cell(_ i: Int, origin: Point) -> Rect {
            Rect(x: origin.x + Double(i % columns) * cellWidth, y: origin.y + Double(i / columns) * cellHeight,
                 width: cellWidth, height: cellHeight)
        }
    }
}
