import Figures
import Graphics

/// One page being laid out: a scene plus a cursor that flows blocks down a column.
///
/// Every block (heading, paragraph, table, figure) starts at `cursor`, spans `column`, and
/// moves the cursor below itself; callers switch columns by setting both.
public struct Page: Sendable {
    public var scene: Scene
    public let design: ReportDesign
    public let measurer: TextMeasurer
    /// The y where the next block starts.
    public var cursor: Double
    /// The horizontal extent blocks flow in.
    public var column: (x: Double, width: Double)

    public init(design: ReportDesign, measurer: TextMeasurer) {
        self.design = design
        self.measurer = measurer
        self.scene = Scene(width: design.pageWidth, height: design.pageHeight)
        self.cursor = design.contentRect.minY
        self.column = (design.contentRect.minX, design.contentRect.width)
    }

    /// The lowest y a block may reach (the footer begins below it).
    public var bottom: Double { design.contentRect.maxY }

    // MARK: - Text

    /// Wraps `spans` in the column (or `width`) and draws them; returns the lines' total height.
    @discardableResult
    public mutating func paragraph(_ spans: [TextSpan], width: Double? = nil, gapAfter: Double? = nil) -> Double {
        let w = width ?? column.width
        let lines = InlineLayout.lines(spans, width: w, design: design, measurer: measurer)
        let size = spans.map { design.style($0.role).size }.max() ?? design.bodySize
        let lineHeight = size * design.leading
        var y = cursor
        for line in lines {
            for piece in line.pieces {
                scene.text(piece.text, at: Point(column.x + piece.x, y), style: design.style(piece.role, baseline: .top))
            }
            y += lineHeight
        }
        let height = y - cursor
        cursor = y + (gapAfter ?? size * design.paragraphGap)
        return height
    }

    /// A paragraph of one role.
    @discardableResult
    public mutating func text(_ string: String, _ role: TextRole = .body, width: Double? = nil, gapAfter: Double? = nil) -> Double {
        paragraph([TextSpan(string, role)], width: width, gapAfter: gapAfter)
    }

    /// The height `spans` would take wrapped at `width`, without drawing.
    public func measureParagraph(_ spans: [TextSpan], width: Double) -> Double {
        let lines = InlineLayout.lines(spans, width: width, design: design, measurer: measurer)
        let size = spans.map { design.style($0.role).size }.max() ?? design.bodySize
        return Double(lines.count) * size * design.leading
    }

    /// A heading with a thin accent rule under it.
    public mutating func heading(_ string: String, role: TextRole = .heading) {
        text(string, role, gapAfter: 4)
        if role == .heading {
            scene.stroke(.polyline([Point(column.x, cursor), Point(column.x + column.width, cursor)]),
                         StrokeStyle(color: design.ruleColor, width: 0.8))
            cursor += 10
        }
    }

    /// A white-on-colour label (for example "diverged at step 120") with its left edge at `x`; returns its width.
    @discardableResult
    public mutating func badge(_ string: String, at origin: Point, color: Color? = nil) -> Double {
        var s = design.style(.strong, baseline: .middle)
        s.size = design.bodySize - 1
        s.color = .white
        let w = measurer.measure(string, style: s).width + 12
        let h = s.size * 1.7
        scene.fill(.rectangle(Rect(x: origin.x, y: origin.y, width: w, height: h)), color ?? design.warningColor)
        scene.text(string, at: Point(origin.x + 6, origin.y + h / 2), style: s)
        return w
    }

    /// Right-aligned badges "NAME diverged at step N" at `top`, one per run.
    public mutating func divergedBadges(_ runs: [RunFinding], top: Double) {
        var x = column.x + column.width
        var s = design.style(.strong)
        s.size = design.bodySize - 1
        for r in runs.reversed() {
            let text = "\(r.label) diverged at step \(r.diverged ?? 0)"
            x -= measurer.measure(text, style: s).width + 12
            badge(text, at: Point(x, top))
            x -= 8
        }
    }

    // MARK: - Figures

    /// Places `figure` scaled to fit `rect` (never enlarged beyond `maxScale`), centred
    /// horizontally at the top of `rect`; returns the rectangle it covers.
    @discardableResult
    public mutating func place(_ figure: Scene, in rect: Rect, maxScale: Double = 1) -> Rect {
        guard figure.width > 0, figure.height > 0 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let s = min(rect.width / figure.width, rect.height / figure.height, maxScale)
        let w = figure.width * s, h = figure.height * s
        let origin = Point(rect.minX + (rect.width - w) / 2, rect.minY)
        scene.place(figure, at: origin, scale: s)
        return Rect(x: origin.x, y: origin.y, width: w, height: h)
    }

    /// A figure with its caption under it, in `rect` (caption included); returns the covered rectangle.
    ///
    /// The caption takes the placed figure's left edge and width (at least 60 % of `rect`'s),
    /// so it reads as belonging to the figure above it.
    @discardableResult
    public mutating func figure(_ figure: Scene, caption: [TextSpan], in rect: Rect, maxScale: Double = 1) -> Rect {
        // The caption's height depends on its width, which depends on the figure's: measure at
        // the narrowest width it may get, so the figure never pushes its caption off `rect`.
        let narrowest = rect.width * 0.6
        let captionHeight = caption.isEmpty ? 0 : measureParagraph(caption, width: narrowest)
        let placed = place(figure, in: Rect(x: rect.x, y: rect.y, width: rect.width, height: rect.height - captionHeight - 4),
                           maxScale: maxScale)
        let width = max(placed.width, narrowest)
        let x = min(placed.minX, rect.maxX - width)
        let saved = (cursor, column)
        cursor = placed.maxY + 4
        column = (x, width)
        if !caption.isEmpty { paragraph(caption, gapAfter: 0) }
        let end = cursor
        (cursor, column) = saved
        return Rect(x: rect.x, y: rect.y, width: rect.width, height: end - rect.y)
    }

    // MARK: - Tables

    /// Draws `table` at the cursor across the column (or `width`); returns its height.
    @discardableResult
    public mutating func table(_ table: Table, width: Double? = nil) -> Double {
        let items = table.items(at: Point(column.x, cursor), maxWidth: width ?? column.width, design: design, measurer: measurer)
        scene.append(contentsOf: items.items)
        cursor += items.height + design.bodySize * design.paragraphGap
        return items.height
    }

    // MARK: - Footer

    /// The footer line: `left` at the left margin, `right` at the right margin.
    public mutating func footer(left: String, right: String) {
        let y = design.pageHeight - design.margin + 4
        scene.stroke(.polyline([Point(design.margin, y - design.captionSize - 6),
                                Point(design.pageWidth - design.margin, y - design.captionSize - 6)]),
                     StrokeStyle(color: design.ruleColor, width: 0.6))
        scene.text(left, at: Point(design.margin, y), style: design.style(.caption, baseline: .bottom))
        scene.text(right, at: Point(design.pageWidth - design.margin, y), style: design.style(.caption, anchor: .end, baseline: .bottom))
    }
}
