import Graphics

/// The size a figure is asked to be laid out at, in points.
public enum FigureCanvas: Hashable, Sendable {
    /// Exactly this size.
    case points(width: Double, height: Double)
    /// The figure's natural width, and the height that gives this width ÷ height.
    case aspect(Double)

    /// The size to lay out at, for a figure whose natural size is `natural`.
    public func size(natural: (width: Double, height: Double)) -> (width: Double, height: Double) {
        switch self {
        case .points(let w, let h): return (w, h)
        case .aspect(let ratio): return (natural.width, (natural.width / ratio).rounded())
        }
    }
}

extension FigureLayout {
    /// The size to lay a figure out at: the style's canvas, or `natural` when none is asked for.
    static func canvas(natural: (width: Double, height: Double), style: FigureStyle) -> (width: Double, height: Double) {
        style.canvas?.size(natural: natural) ?? natural
    }
}

extension FigureLayout.Grid {
    /// The grid of `count` cells that best fills `area` with cells of about the natural cell's shape.
    ///
    /// Tries every column count up to `maxColumns` and keeps the one whose cells can be drawn largest
    /// at the natural cell's proportions (a wide canvas gets one row, a tall one a column).
    init(count: Int, filling area: (width: Double, height: Double), naturalCell: (width: Double, height: Double),
         maxColumns: Int = 4) {
        let n = max(1, count)
        var best = (columns: 1, scale: -1.0)
        for columns in 1...max(1, min(n, maxColumns)) {
            let rows = (n + columns - 1) / columns
            let scale = min(area.width / (Double(columns) * naturalCell.width), area.height / (Double(rows) * naturalCell.height))
            if scale > best.scale + 1e-9 { best = (columns, scale) }
        }
        let rows = (n + best.columns - 1) / best.columns
        self.init(columns: best.columns, rows: rows, cellWidth: max(1, area.width / Double(best.columns)),
                  cellHeight: max(1, area.height / Double(rows)))
    }

    init(columns: Int, rows: Int, cellWidth: Double, cellHeight: Double) {
        self.columns = columns
        self.rows = rows
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
    }
}

extension FigureLayout {
    /// A titled page holding a grid of panels: at its natural size (cells of `naturalCell`), or, when the style
    /// asks for a canvas, at the canvas's size with the grid reflowed to fill what the title leaves.
    ///
    /// `besideGrid` is the width taken beside the grid (margins, a colour bar); `belowGrid(width)` the height
    /// taken below it (a legend wrapped at that page width, the bottom margin). Returns the scene with its
    /// title drawn, the y where the grid starts, and the grid.
    static func titledGrid(
        _ titleText: String, count: Int, naturalCell: (width: Double, height: Double), maxColumns: Int = 3,
        besideGrid: Double, minWidth: Double = 0, belowGrid: (Double) -> Double = { _ in FigureLayout.margin },
        style: FigureStyle, measurer: TextMeasurer
    ) -> (scene: Scene, top: Double, grid: Grid) {
        var grid = Grid(count: count, cellWidth: naturalCell.width, cellHeight: naturalCell.height, maxColumns: maxColumns)
        var scene = Scene(width: max(minWidth, grid.width + besideGrid), height: 0)
        var top = title(titleText, in: &scene, style: style, measurer: measurer)
        scene.height = top + grid.height + belowGrid(scene.width)
        guard let canvas = style.canvas else { return (scene, top, grid) }
        let size = canvas.size(natural: (scene.width, scene.height))
        scene = Scene(width: size.width, height: size.height)
        top = title(titleText, in: &scene, style: style, measurer: measurer)
        grid = Grid(count: count, filling: (size.width - besideGrid, size.height - top - belowGrid(size.width)),
                    naturalCell: naturalCell, maxColumns: max(maxColumns, 4))
        return (scene, top, grid)
    }
}

extension FigureLayout {
    /// `count` panel areas between `top` and `bottom` across the page: side by side, or, on a page too
    /// narrow for that (a paper column), stacked, so each panel keeps room for its ticks.
    ///
    /// Each area leaves `gap` points to its right (and below it when stacked). See `crowded(_:style:)`
    /// for when even that leaves too little room.
    static func panelAreas(_ count: Int, top: Double, bottom: Double, pageWidth: Double, gap: Double = 12,
                           style: FigureStyle) -> [Rect] {
        let n = max(1, count)
        let width = pageWidth - 2 * margin
        let side = width / Double(n)
        let stackedHeight = (bottom - top) / Double(n)
        if n == 1 || side >= style.tickSize * 20 || stackedHeight < style.tickSize * 9 {
            return (0..<n).map { Rect(x: margin + Double($0) * side, y: top, width: side - gap, height: bottom - top) }
        }
        return (0..<n).map { Rect(x: margin, y: top + Double($0) * stackedHeight, width: width - gap, height: stackedHeight - gap) }
    }
}

extension FigureLayout {
    /// Whether plot panels in `areas` are too small for their ticks, axis titles and data to be read.
    static func crowded(_ areas: [Rect], style: FigureStyle) -> Bool {
        areas.contains { $0.height < style.tickSize * 12 || $0.width < style.tickSize * 12 }
    }
}

extension FigureLayout {
    /// A figure that keeps its own layout (a table whose columns cannot wrap) on the canvas asked for:
    /// centred, and scaled down only when it is larger than the canvas. Without a canvas, `scene` itself.
    static func fitted(_ scene: Scene, style: FigureStyle) -> Scene {
        guard let canvas = style.canvas else { return scene }
        let size = canvas.size(natural: (scene.width, scene.height))
        if size.width == scene.width && size.height == scene.height { return scene }
        let scale = min(1, size.width / scene.width, size.height / scene.height)
        var inner = scene
        inner.background = nil
        var out = Scene(width: size.width, height: size.height)
        out.place(inner, at: Point((size.width - scene.width * scale) / 2, (size.height - scene.height * scale) / 2), scale: scale)
        return out
    }
}

extension FigureLayout {
    /// How many ticks an axis of `length` points takes: `preferred` where there is room, fewer on a small
    /// canvas, so that labels `labelSpan` tick sizes apart never touch (at least 2).
    static func tickCount(_ preferred: Int, length: Double, labelSpan: Double, style: FigureStyle) -> Int {
        max(2, min(preferred, Int(length / (style.tickSize * labelSpan))))
    }
}

extension FigureLayout {
    /// Whether a label of `scene` leaves the page or runs into another (boxes shrunk by half a point
    /// across and 1.5 points down, the room type leaves inside its line).
    static func labelsCollide(_ scene: Scene, measurer: TextMeasurer) -> Bool {
        let boxes = scene.placedTexts(measurer: measurer).filter { !$0.string.isEmpty }.map(\.bounds)
        let page = scene.bounds
        for box in boxes where !page.contains(box, tolerance: 0.5) { return true }
        let shrunk = boxes.map { $0.insetBy(dx: 0.5, dy: 1.5) }.sorted { $0.minY < $1.minY }
        // Sorted by top: a box meets only those that start above its bottom.
        for i in shrunk.indices {
            var j = i + 1
            while j < shrunk.count && shrunk[j].minY < shrunk[i].maxY {
                if shrunk[i].intersects(shrunk[j]) { return true }
                j += 1
            }
        }
        return false
    }

    /// `scene` scaled down, whole, onto a page of `size`, its top-left corner at the page's.
    static func scaled(_ scene: Scene, toFit size: (width: Double, height: Double)) -> Scene {
        let scale = min(size.width / scene.width, size.height / scene.height)
        var inner = scene
        inner.background = nil
        var out = Scene(width: size.width, height: size.height)
        out.place(inner, at: Point((size.width - scene.width * scale) / 2, (size.height - scene.height * scale) / 2), scale: scale)
        return out
    }
}
