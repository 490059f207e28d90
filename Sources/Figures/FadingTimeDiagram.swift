import Foundation
import Graphics
import GradientData

/// The fading diagram through time: a recurrent network unrolled as a chain of cells along
/// t = 1 … T, each cell as solid as the gradient ‖∂L/∂h_t‖ that reaches it, relative to the last
/// step's ‖∂L/∂h_T‖.
///
/// Solidity and colour are the fading-layer diagram's (`FadingLayerDiagram.opacity(ratio:)`, one
/// fixed scale of `FadingLayerDiagram.decades` decades for every network), so the chains of several
/// networks, and the layers of an MLP, read alike. Each input x_t enters its cell from below; the
/// readout of h_T sits above the last cell. A long sequence is thinned to a regular stride of time
/// buckets, always with the first and the last, and the figure says which steps are drawn.
public enum FadingTimeDiagram {
    /// The single-run figure's natural size in points.
    public static let size = (width: 880.0, height: 300.0)
    /// The narrowest spacing of two drawn cells, in points: a longer sequence is thinned.
    static let minSpacing = 30.0
    /// The legend's title: what solidity means here.
    static let legendTitle = "‖∂L/∂hₜ‖ relative to the last step's ‖∂L/∂h_T‖, one log scale for every network"

    /// How every time bucket of `run` is drawn at recorded row `index` (empty for an MLP run).
    ///
    /// The reference is the last bucket's ‖∂L/∂h‖ (the last time step's, unless buckets are wider
    /// than one step); if it is not finite and positive, the largest finite positive bucket's.
    public static func appearances(_ run: RunHistory, index: Int, map: ColorMap) -> [FadingLayerDiagram.LayerAppearance] {
        guard let time = run.time, index >= 0, index < time.hiddenGradNorm.count else { return [] }
        let values = time.hiddenGradNorm[index].map(Double.init)
        let reference = FadingLayerDiagram.reference(among: values)
        return values.indices.map { j in
            let label = j < time.timeSteps.count ? String(time.timeSteps[j]) : String(j + 1)
            return FadingLayerDiagram.appearance(of: values[j], reference: reference, layer: j, label: label, map: map)
        }
    }

    /// The time buckets drawn when at most `maxCount` fit: every k-th from the first, and the last.
    ///
    /// A regular stride (rather than rounded even spacing) lets the figure say "every 3rd step".
    public static func drawnBuckets(count: Int, maxCount: Int) -> [Int] {
        guard count > maxCount, maxCount >= 2 else { return Array(0..<count) }
        let stride = (count - 1 + maxCount - 2) / (maxCount - 1)
        var out = Array(Swift.stride(from: 0, to: count - 1, by: stride))
        // The last bucket is always drawn; one landing right beside it is dropped so the two do not crowd.
        if let last = out.last, count - 1 - last < max(1, stride / 2), out.count > 1 { out.removeLast() }
        out.append(count - 1)
        return out
    }

    /// Which time steps a chain draws, in words: "all 12 time steps", "34 of 100 time steps: t = 1, 4, 7, …, 100".
    public static func drawnStepsNote(_ run: RunHistory, drawn: [Int]) -> String {
        guard let time = run.time, !time.timeSteps.isEmpty else { return "no time steps recorded" }
        let length = run.settings.recurrent?.task.length ?? (time.timeSteps[time.timeSteps.count - 1] + time.timeStepsPerBucket - 1)
        let starts = drawn.compactMap { $0 < time.timeSteps.count ? time.timeSteps[$0] : nil }
        let list = starts.count <= 6
            ? starts.map(String.init).joined(separator: ", ")
            : starts.prefix(3).map(String.init).joined(separator: ", ") + ", …, " + String(starts[starts.count - 1])
        if time.timeStepsPerBucket > 1 {
            return "\(drawn.count) of \(time.timeSteps.count) buckets of \(time.timeStepsPerBucket) time steps (T = \(length)), "
                + "each cell its bucket's geometric mean: t = \(list)"
        }
        if drawn.count == time.timeSteps.count { return "all \(length) time steps drawn" }
        return "\(drawn.count) of \(length) time steps drawn: t = \(list)"
    }

    // MARK: - Figures

    /// One network at recorded row `index` (default: the last recorded step).
    public static func scene(_ run: FigureRun, index: Int? = nil, style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let rows = run.run.time?.hiddenGradNorm.count ?? 0
        let i = index ?? max(0, rows - 1)
        var top = FigureLayout.title("Where the gradient fades through time: \(run.label) at step \(stepLabel(run.run, i))",
                                     in: &scene, style: style, measurer: measurer)
        let legend = legend(style: style, measurer: measurer, width: scene.width, bottom: size.height - FigureLayout.margin)
        // The explanation only where it leaves the chain room (not in a paper column).
        var explained = scene
        let below = FigureLayout.subtitle(explanation(run.run, index: i), at: top, in: &explained, style: style, measurer: measurer)
        if legend.top - below - 20 >= max(90, size.height * 0.3) {
            scene = explained
            top = below
        }
        let area = Rect(x: FigureLayout.margin + 8, y: top + 4, width: size.width - 2 * FigureLayout.margin - 16,
                        height: legend.top - top - 20)
        scene.append(contentsOf: chain(run.run, index: i, in: area, annotated: true, centered: true, style: style, measurer: measurer))
        scene.append(contentsOf: legend.items)
        return scene
    }

    /// Several networks, one chain each, at initialisation and at the end of training side by side.
    public static func smallMultiples(_ runs: [FigureRun], style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let columns: [(name: String, fraction: Double)] = [("at initialisation", 0), ("at the end of training", 1)]
        let naturalRow = 118.0, naturalColumn = 470.0
        let title = "Gradient reaching each time step, at initialisation and at the end"
        var scene = Scene(width: Double(columns.count) * naturalColumn + 2 * FigureLayout.margin, height: 0)
        var top = FigureLayout.title(title, in: &scene, style: style, measurer: measurer)
        let noteHeight = style.tickSize * 1.3 + 2
        func below(_ width: Double) -> Double { noteHeight + legendSize(style: style, measurer: measurer, width: width) + 20 + FigureLayout.margin }
        scene.height = top + Double(max(runs.count, 1)) * naturalRow + below(scene.width)
        // On a canvas the panels (each network at its start, then its end) fill a grid of the canvas's shape.
        var grid = FigureLayout.Grid(columns: columns.count, rows: max(runs.count, 1), cellWidth: naturalColumn, cellHeight: naturalRow)
        if let canvas = style.canvas {
            let size = canvas.size(natural: (scene.width, scene.height))
            scene = Scene(width: size.width, height: size.height)
            top = FigureLayout.title(title, in: &scene, style: style, measurer: measurer)
            grid = FigureLayout.Grid(count: max(runs.count, 1) * columns.count,
                                     filling: (size.width - 2 * FigureLayout.margin, size.height - top - below(size.width)),
                                     naturalCell: (naturalColumn, naturalRow), maxColumns: 3)
        }
        for (r, run) in runs.enumerated() {
            for (c, column) in columns.enumerated() {
                let i = index(run.run, atFraction: column.fraction)
                scene.append(contentsOf: panel(title: "\(run.label) · \(column.name) (step \(stepLabel(run.run, i)))", run.run, index: i,
                                               in: cell(r * columns.count + c, of: grid, top: top, noteHeight: noteHeight),
                                               annotated: r * columns.count + c < grid.columns, style: style, measurer: measurer))
            }
        }
        scene.append(contentsOf: legend(style: style, measurer: measurer, width: scene.width,
                                        bottom: scene.height - FigureLayout.margin).items)
        scene.crowded = grid.cellHeight < minimumRowHeight(style)
        return scene
    }

    /// The least height, in points, of a panel holding a chain: its title, the readout, the cells and the time steps.
    static func minimumRowHeight(_ style: FigureStyle) -> Double { style.panelTitleSize * 1.2 + 6 + style.tickSize * 5 + 30 }

    /// One network over training: the chain at `frames` evenly spaced recorded steps, step 0 first
    /// (repeats dropped when a run has fewer recorded steps).
    public static func filmStrip(_ run: FigureRun, frames: Int = 5, style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        func frameIndices(_ frames: Int) -> [Int] {
            var shown: [Int] = []
            for k in 0..<max(frames, 1) {
                let i = index(run.run, atFraction: frames > 1 ? Double(k) / Double(frames - 1) : 1)
                if !shown.contains(i) { shown.append(i) }
            }
            return shown
        }
        var shown = frameIndices(frames)
        // Narrower than the single figure: a strip of frames stands beside other figures on a page.
        let noteHeight = style.tickSize * 1.3 + 2
        let legendWidth = FadingLayerDiagram.legendSize(style: style, measurer: measurer, maxWidth: .infinity, title: legendTitle).width
        let title = "\(run.label): gradient reaching each time step over training"
        var scene = Scene(width: max(640, legendWidth + 2 * FigureLayout.margin + 16), height: 0)
        var top = FigureLayout.title(title, in: &scene, style: style, measurer: measurer)
        func below(_ width: Double) -> Double { noteHeight + legendSize(style: style, measurer: measurer, width: width) + 20 + FigureLayout.margin }
        let naturalRow = 118.0
        scene.height = top + Double(shown.count) * naturalRow + below(scene.width)
        var grid = FigureLayout.Grid(columns: 1, rows: shown.count, cellWidth: scene.width - 2 * FigureLayout.margin, cellHeight: naturalRow)
        if let canvas = style.canvas {
            let size = canvas.size(natural: (scene.width, scene.height))
            scene = Scene(width: size.width, height: size.height)
            top = FigureLayout.title(title, in: &scene, style: style, measurer: measurer)
            let area = (width: size.width - 2 * FigureLayout.margin, height: size.height - top - below(size.width))
            // A small canvas shows fewer frames (never fewer than the start and the end) rather than chains too flat to read.
            let minRow = minimumRowHeight(style)
            for count in stride(from: max(frames, 2), through: 2, by: -1) {
                shown = frameIndices(count)
                grid = FigureLayout.Grid(count: shown.count, filling: area, naturalCell: (420, naturalRow), maxColumns: 3)
                if grid.cellHeight >= minRow { break }
            }
        }
        let lastStep = run.run.steps.last ?? 0
        for (k, i) in shown.enumerated() {
            let step = i < run.run.steps.count ? run.run.steps[i] : 0
            let when = step == 0 ? "initialisation" : (step == lastStep ? "end" : NumberFormat.percent(Double(step) / Double(max(lastStep, 1)), digits: 0))
            scene.append(contentsOf: panel(title: "\(when) · step \(stepLabel(run.run, i))", run.run, index: i,
                                           in: cell(k, of: grid, top: top, noteHeight: noteHeight).insetBy(dx: -2, dy: 0),
                                           annotated: k < grid.columns, style: style, measurer: measurer))
        }
        scene.append(contentsOf: legend(style: style, measurer: measurer, width: scene.width,
                                        bottom: scene.height - FigureLayout.margin).items)
        scene.crowded = grid.cellHeight < minimumRowHeight(style)
        return scene
    }

    /// Panel `k` of `grid` under `top`: the first row, which carries the note on which steps are drawn, is one line taller.
    static func cell(_ k: Int, of grid: FigureLayout.Grid, top: Double, noteHeight: Double) -> Rect {
        let row = k / grid.columns, column = k % grid.columns
        return Rect(x: FigureLayout.margin + Double(column) * grid.cellWidth, y: top + Double(row) * grid.cellHeight + (row > 0 ? noteHeight : 0),
                    width: grid.cellWidth, height: grid.cellHeight + (row == 0 ? noteHeight : 0)).insetBy(dx: 10, dy: 4)
    }

    /// The recorded row nearest to `fraction` of training (0: step 0).
    static func index(_ run: RunHistory, atFraction fraction: Double) -> Int {
        let rows = min(run.steps.count, run.time?.hiddenGradNorm.count ?? 0)
        guard rows > 0 else { return 0 }
        let first = Double(run.steps[0]), last = Double(run.steps[rows - 1])
        let target = first + min(max(fraction, 0), 1) * (last - first)
        return (0..<rows).min { abs(Double(run.steps[$0]) - target) < abs(Double(run.steps[$1]) - target) } ?? 0
    }

    static func stepLabel(_ run: RunHistory, _ index: Int) -> String {
        index < run.steps.count ? String(run.steps[index]) : "–"
    }

    /// A plain-language sentence on how much gradient reaches time step 1.
    static func explanation(_ run: RunHistory, index: Int) -> String {
        let lead = "Each box is the cell at one time step, t = 1 on the left; the input xₜ enters from below, the readout of h_T is above the last."
        let all = appearances(run, index: index, map: FigureStyle.standard.colorMap)
        guard let first = all.first else { return lead + " Nothing was recorded at this step." }
        switch first.kind {
        case .nonFinite: return lead + " The first step's gradient is not finite."
        case .underflow: return lead + " The first time step receives no gradient at all."
        case .value:
            return lead + " The first time step receives \(NumberFormat.scientific(first.ratio, digits: 1)) of the last step's gradient."
        }
    }

    // MARK: - Drawing

    static func legendSize(style: FigureStyle, measurer: TextMeasurer, width: Double) -> Double {
        FadingLayerDiagram.legendSize(style: style, measurer: measurer, maxWidth: width - 32, title: legendTitle).height
    }

    static func legend(style: FigureStyle, measurer: TextMeasurer, width: Double, bottom: Double) -> (items: [SceneItem], top: Double) {
        FadingLayerDiagram.legendItems(style: style, measurer: measurer, centerX: width / 2, bottom: bottom, maxWidth: width - 32,
                                       title: legendTitle)
    }

    static func panel(title: String, _ run: RunHistory, index: Int, in cell: Rect, annotated: Bool,
                      style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        let s = style.text(style.panelTitleSize, weight: .bold, baseline: .top)
        var out: [SceneItem] = [.text(TextWrap.truncated(title, width: cell.width, style: s, measurer: measurer),
                                      at: Point(cell.minX, cell.minY), style: s, rotation: 0)]
        let titleHeight = style.panelTitleSize * 1.2 + 6
        out += chain(run, index: index, in: Rect(x: cell.minX, y: cell.minY + titleHeight, width: cell.width, height: cell.height - titleHeight),
                     annotated: annotated, centered: false, style: style, measurer: measurer)
        return out
    }

    /// The unrolled chain of `run` at row `index`, in `area`: from the top, the readout, the cells,
    /// the inputs with their time steps. `annotated` adds the words on the backward arrow and the
    /// note on which steps are drawn (once per figure is enough); `centered` centres it vertically.
    static func chain(_ run: RunHistory, index: Int, in area: Rect, annotated: Bool, centered: Bool,
                      style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        let all = appearances(run, index: index, map: style.colorMap)
        guard !all.isEmpty else {
            return [.text("nothing recorded", at: Point(area.midX, area.midY),
                          style: style.text(style.labelSize, anchor: .middle, baseline: .middle, color: style.mutedTextColor), rotation: 0)]
        }
        let muted = style.mutedTextColor
        let tickStyle = style.text(style.tickSize, anchor: .middle, baseline: .top, color: muted)
        let noteHeight = annotated ? style.tickSize * 1.3 + 2 : 0
        // The row of time steps starts with "t" in a gutter of its own.
        let gutter = measurer.measure("t", style: tickStyle).width + 8
        let left = area.minX + gutter
        let labelHeight = style.tickSize * 1.3 + 4
        let readoutText = "readout ŷ"
        let readoutWidth = measurer.measure(readoutText, style: style.text(style.tickSize)).width + 12
        // Cells are spaced evenly; the readout box may reach past the last cell, so leave it room on the right.
        let right = area.maxX - max(0, readoutWidth / 2 - 10)
        let drawn = drawnBuckets(count: all.count, maxCount: max(2, Int((right - left) / minSpacing) + 1))
        let spacing = drawn.count > 1 ? (right - left) / Double(drawn.count) : right - left
        // The labels and the note each sit 3 points below what is above them.
        let available = area.height - noteHeight - labelHeight - (annotated ? 6 : 3)
        // Vertically: readout row (0.55 of a cell), its arrow (0.35), the cell, the input arrow (0.45).
        // The readout row is at least one line of type tall, so a short panel gives the cell what that leaves.
        let cellSize = max(6, min(spacing * 0.66, available / 2.45, (available - style.tickSize * 1.5) / 1.8, 40))
        let readoutHeight = max(style.tickSize * 1.5, cellSize * 0.55)
        let used = readoutHeight + cellSize * 0.35 + cellSize + cellSize * 0.45
        let readoutTop = area.minY + (centered ? max(0, (available - used) / 2) : 0)
        let cellTop = readoutTop + readoutHeight + cellSize * 0.35
        let inputBottom = cellTop + cellSize * 1.45
        func centerX(_ k: Int) -> Double { left + spacing * (Double(k) + 0.5) }

        let arrowColor = style.axisColor.withAlpha(0.75)
        var arrows = Path()
        var gapArrows = Path()
        var out: [SceneItem] = []
        for (k, bucket) in drawn.enumerated() {
            let x = centerX(k)
            let a = all[bucket]
            let box = Rect(x: x - cellSize / 2, y: cellTop, width: cellSize, height: cellSize)
            if a.kind == .underflow {
                out.append(.stroke(roundedRectangle(box, radius: cellSize * 0.18), FadingLayerDiagram.emptyOutline))
            } else {
                let shape = roundedRectangle(box, radius: cellSize * 0.18)
                out.append(.group([.fill(shape, a.color),
                                   .stroke(shape, StrokeStyle(color: style.outline(of: a.color), width: 1.2, join: .round))],
                                  clip: nil, opacity: a.kind == .value ? a.opacity : 1))
            }
            // The input x_t from below.
            addArrow(to: &arrows, from: Point(x, inputBottom), to: Point(x, cellTop + cellSize + 1), head: min(5, cellSize * 0.25))
            // h_{t-1} → h_t; dashed where time steps between the two are not drawn.
            if k + 1 < drawn.count {
                let from = Point(x + cellSize / 2 + 1, cellTop + cellSize / 2), to = Point(centerX(k + 1) - cellSize / 2 - 1, from.y)
                guard to.x - from.x > 3 else { continue }
                if drawn[k + 1] == bucket + 1 && (run.time?.timeStepsPerBucket ?? 1) == 1 {
                    addArrow(to: &arrows, from: from, to: to, head: min(5, (to.x - from.x) * 0.5))
                } else {
                    gapArrows.move(to: from)
                    gapArrows.line(to: Point(to.x - 3, to.y))
                    addHead(to: &arrows, at: to, direction: (1, 0), size: min(5, (to.x - from.x) * 0.5))
                }
            }
        }
        // The readout of the last hidden state, and the gradient's way back in time beside it.
        let lastX = centerX(drawn.count - 1)
        let readoutBox = Rect(x: min(lastX - readoutWidth / 2, area.maxX - readoutWidth), y: readoutTop, width: readoutWidth, height: readoutHeight)
        out.append(.stroke(roundedRectangle(readoutBox, radius: 3), StrokeStyle(color: style.axisColor, width: 1)))
        out.append(.text(readoutText, at: Point(readoutBox.midX, readoutBox.midY),
                         style: style.text(style.tickSize, anchor: .middle, baseline: .middle), rotation: 0))
        addArrow(to: &arrows, from: Point(lastX, cellTop - 1), to: Point(lastX, readoutBox.maxY + 1), head: min(5, cellSize * 0.2))
        let backStart = readoutBox.minX - 8, backEnd = left + 4
        let backText = "the gradient flows back from the loss to t = 1"
        let backStyle = style.text(style.tickSize, anchor: .middle, baseline: .bottom, color: muted)
        if backStart - backEnd > 40 {
            let y = readoutBox.midY + 2
            addArrow(to: &arrows, from: Point(backStart, y), to: Point(backEnd, y), head: 5)
            if annotated && backStart - backEnd > measurer.measure(backText, style: backStyle).width + 20 {
                out.append(.text(backText, at: Point((backStart + backEnd) / 2, y - 3), style: backStyle, rotation: 0))
            }
        }
        out.append(.fill(arrows, arrowColor))
        if !gapArrows.elements.isEmpty {
            out.append(.stroke(gapArrows, StrokeStyle(color: arrowColor, width: 1, dash: [2, 2])))
        }
        // Time steps under the inputs, thinned to what fits, always the first and the last.
        let labelWidth = drawn.map { measurer.measure(all[$0].label, style: tickStyle).width }.max() ?? 10
        let every = max(1, Int(((labelWidth + 8) / max(spacing, 1)).rounded(.up)))
        for (k, bucket) in drawn.enumerated() where k % every == 0 || k == drawn.count - 1 {
            if k != drawn.count - 1 && drawn.count - 1 - k < every { continue }
            out.append(.text(all[bucket].label, at: Point(centerX(k), inputBottom + 3), style: tickStyle, rotation: 0))
        }
        out.append(.text("t", at: Point(area.minX, inputBottom + 3), style: style.text(style.tickSize, anchor: .start, baseline: .top, color: muted),
                         rotation: 0))
        guard annotated else { return out }
        // The key to the input arrows goes first when the list of drawn steps needs the room.
        let steps = drawnStepsNote(run, drawn: drawn), withKey = steps + "; ↑ xₜ: the input at t"
        let note = measurer.measure(withKey, style: style.text(style.tickSize)).width <= area.width ? withKey : steps
        out.append(.text(TextWrap.truncated(note, width: area.width, style: style.text(style.tickSize), measurer: measurer),
                         at: Point(area.minX, inputBottom + 3 + labelHeight),
                         style: style.text(style.tickSize, anchor: .start, baseline: .top, color: muted), rotation: 0))
        return out
    }

    /// A rectangle with rounded corners (quarter circles approximated by cubic curves).
    static func roundedRectangle(_ r: Rect, radius: Double) -> Path {
        let c = min(radius, r.width / 2, r.height / 2)
        let k = c * 0.4477 // 1 − 0.5523, the cubic's control distance from the corner
        var p = Path()
        p.move(to: Point(r.minX + c, r.minY))
        p.line(to: Point(r.maxX - c, r.minY))
        p.curve(to: Point(r.maxX, r.minY + c), control1: Point(r.maxX - k, r.minY), control2: Point(r.maxX, r.minY + k))
        p.line(to: Point(r.maxX, r.maxY - c))
        p.curve(to: Point(r.maxX - c, r.maxY), control1: Point(r.maxX, r.maxY - k), control2: Point(r.maxX - k, r.maxY))
        p.line(to: Point(r.minX + c, r.maxY))
        p.curve(to: Point(r.minX, r.maxY - c), control1: Point(r.minX + k, r.maxY), control2: Point(r.minX, r.maxY - k))
        p.line(to: Point(r.minX, r.minY + c))
        p.curve(to: Point(r.minX + c, r.minY), control1: Point(r.minX, r.minY + k), control2: Point(r.minX + k, r.minY))
        p.close()
        return p
    }

    /// A straight arrow as filled shapes (a 1 pt shaft and a head), so many arrows are one fill.
    static func addArrow(to path: inout Path, from a: Point, to b: Point, head: Double) {
        let length = hypot(b.x - a.x, b.y - a.y)
        guard length > 0 else { return }
        let d = ((b.x - a.x) / length, (b.y - a.y) / length)
        path.addBand(from: a, to: Point(b.x - d.0 * head * 0.8, b.y - d.1 * head * 0.8), width: 1)
        addHead(to: &path, at: b, direction: d, size: head)
    }

    static func addHead(to path: inout Path, at tip: Point, direction d: (Double, Double), size: Double) {
        let base = Point(tip.x - d.0 * size, tip.y - d.1 * size)
        let half = size * 0.45
        path.elements += Path.polygon([tip, Point(base.x - d.1 * half, base.y + d.0 * half), Point(base.x + d.1 * half, base.y - d.0 * half)]).elements
    }
}
