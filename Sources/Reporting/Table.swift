import Figures
import Graphics

/// A simple table: bold headers, one line per cell, optional colour chip before the first cell.
///
/// Columns take the width of their widest cell; when the table is wider than allowed, the
/// widest columns are narrowed and their cells shortened with `…`.
public struct Table: Sendable {
    public struct Column: Sendable {
        /// One or more lines, drawn bold above the rule.
        public var header: [String]
        /// `.start` for text, `.end` for numbers.
        public var alignment: TextAnchor

        public init(_ header: String, alignment: TextAnchor = .start) {
            self.init(lines: [header], alignment: alignment)
        }

        public init(lines: [String], alignment: TextAnchor = .start) {
            self.header = lines
            self.alignment = alignment
        }
    }

    public struct Cell: Sendable {
        public var text: String
        public var role: TextRole

        public init(_ text: String, _ role: TextRole = .body) {
            self.text = text
            self.role = role
        }
    }

    public struct Row: Sendable {
        public var cells: [Cell]
        /// A small square of this colour before the first cell (the network's colour).
        public var chip: Color?

        public init(_ cells: [Cell], chip: Color? = nil) {
            self.cells = cells
            self.chip = chip
        }
    }

    public var columns: [Column]
    public var rows: [Row]
    /// Type size of the cells; the design's body size when nil.
    public var size: Double?

    public init(columns: [Column], rows: [Row], size: Double? = nil) {
        self.columns = columns
        self.rows = rows
        self.size = size
    }

    /// The table's scene items with its top-left at `origin`, and its size.
    func items(at origin: Point, maxWidth: Double, design: ReportDesign, measurer: TextMeasurer) -> (items: [SceneItem], width: Double, height: Double) {
        let size = self.size ?? design.bodySize
        func style(_ role: TextRole, _ anchor: TextAnchor) -> TextStyle {
            var s = design.style(role, anchor: anchor, baseline: .middle)
            s.size = size
            return s
        }
        let gap = size * 1.4
        let chip = rows.contains { $0.chip != nil } ? size : 0
        let chipSpace = chip > 0 ? chip + 6 : 0
        var widths = columns.map { c in c.header.map { measurer.measure($0, style: style(.strong, .start)).width }.max() ?? 0 }
        for row in rows {
            for (c, cell) in row.cells.enumerated() where c < widths.count {
                widths[c] = max(widths[c], measurer.measure(cell.text, style: style(cell.role, .start)).width + (c == 0 ? chipSpace : 0))
            }
        }
        // Narrow the widest columns (ties together) until the table fits or they reach the next width.
        let available = maxWidth - gap * Double(max(0, columns.count - 1))
        while widths.reduce(0, +) > available, let widest = widths.max() {
            let tied = widths.indices.filter { widths[$0] == widest }
            let next = max(widths.filter { $0 < widest }.max() ?? 0, 20)
            let cut = min((widths.reduce(0, +) - available) / Double(tied.count), widest - next)
            if cut <= 0 { break }
            for i in tied { widths[i] -= cut }
        }
        var xs: [Double] = []
        var x = origin.x
        for w in widths { xs.append(x); x += w + gap }
        let total = x - gap - origin.x
        let rowHeight = size * 1.75
        var out: [SceneItem] = []
        let headerLines = columns.map(\.header.count).max() ?? 1
        let lineHeight = size * 1.25
        for (c, column) in columns.enumerated() {
            let ax = column.alignment == .end ? xs[c] + widths[c] : xs[c]
            // Headers sit on the rule: a one-line header shares the baseline of the others' last line.
            for (k, line) in column.header.enumerated() {
                let y = origin.y + (Double(headerLines - column.header.count + k) + 0.5) * lineHeight + size * 0.2
                out.append(.text(line, at: Point(ax, y), style: style(.strong, column.alignment), rotation: 0))
            }
        }
        var y = origin.y + Double(headerLines) * lineHeight + size * 0.45
        let rule = StrokeStyle(color: design.mutedColor, width: 0.8)
        out.append(.stroke(.polyline([Point(origin.x, y), Point(origin.x + total, y)]), rule))
        for (r, row) in rows.enumerated() {
            let top = y
            if r % 2 == 1 {
                out.append(.fill(.rectangle(Rect(x: origin.x - 3, y: top, width: total + 6, height: rowHeight)), design.panelColor))
            }
            let mid = top + rowHeight / 2
            if let color = row.chip {
                out.append(.fill(.rectangle(Rect(x: xs[0], y: mid - chip / 2, width: chip, height: chip)), color))
            }
            for (c, cell) in row.cells.enumerated() where c < columns.count {
                let s = style(cell.role, columns[c].alignment)
                let inset = c == 0 ? chipSpace : 0
                let text = TextWrap.truncated(cell.text, width: widths[c] - inset, style: s, measurer: measurer)
                let ax = columns[c].alignment == .end ? xs[c] + widths[c] : xs[c] + inset
                out.append(.text(text, at: Point(ax, mid), style: s, rotation: 0))
            }
            y += rowHeight
        }
        out.append(.stroke(.polyline([Point(origin.x, y), Point(origin.x + total, y)]), rule))
        return (out, total, y - origin.y)
    }
}
