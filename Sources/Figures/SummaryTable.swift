import Foundation
import Graphics
import GradientData

/// One run's row of the summary table, as numbers and as the text drawn.
public struct SummaryRow: Hashable, Sendable {
    public var label: String
    public var colorIndex: Int
    /// The last recorded training loss (may be NaN).
    public var finalLoss: Double?
    /// The last epoch's test accuracy, nil before the first epoch ends.
    public var finalTestAccuracy: Double?
    /// ‖dL/dW₁‖ / ‖dL/dW_out‖ at step 0 and at the last recorded step.
    public var firstToLastRatioAtStart: Double?
    public var firstToLastRatioAtEnd: Double?
    /// The first epoch (1-based) whose test accuracy reaches 90 % of the run's best.
    public var epochTo90PercentOfBest: Int?
    public var diverged: Int?

    /// The cells as drawn, in column order (`SummaryTable.headers`).
    public var cells: [String] {
        [
            label,
            finalLoss.map { NumberFormat.fixed($0, digits: 3) } ?? "—",
            finalTestAccuracy.map { NumberFormat.percent($0, digits: 1) } ?? "—",
            firstToLastRatioAtStart.map { NumberFormat.scientific($0, digits: 1) } ?? "—",
            firstToLastRatioAtEnd.map { NumberFormat.scientific($0, digits: 1) } ?? "—",
            epochTo90PercentOfBest.map(String.init) ?? "—",
            diverged.map(String.init) ?? "—",
        ]
    }
}

/// The summary table: one row per run with its final loss, test accuracy, how much of the
/// output layer's gradient reaches layer 1 at the start and at the end, and divergence.
public enum SummaryTable {
    /// Column headers, one or two lines each.
    public static let headers: [[String]] = [
        ["network"], ["final", "loss"], ["final test", "accuracy"], ["layer 1 / output", "at step 0"],
        ["layer 1 / output", "at the end"], ["epoch to 90 %", "of best"], ["diverged", "at step"],
    ]

    /// The rows of `runs`, in their order.
    public static func rows(_ runs: [FigureRun]) -> [SummaryRow] {
        runs.map { r in
            let run = r.run
            let last = max(0, run.recordedCount - 1)
            func ratio(_ i: Int) -> Double? {
                guard run.recordedCount > 0, run.layers.count > 1 || (run.stats.weightGradNorm.first?.count ?? 0) > 1 else { return nil }
                let n = max(run.layers.count, run.stats.weightGradNorm.first?.count ?? 0)
                return run.value(run.stats.weightGradNorm, i, 0) / run.value(run.stats.weightGradNorm, i, n - 1)
            }
            let best = run.testAccuracy.map(Double.init).filter(\.isFinite).max()
            let epoch90 = best.flatMap { b in run.testAccuracy.firstIndex { Double($0) >= 0.9 * b }.map { $0 + 1 } }
            return SummaryRow(
                label: r.label, colorIndex: r.colorIndex, finalLoss: run.loss.last.map(Double.init),
                finalTestAccuracy: run.testAccuracy.last.map(Double.init),
                firstToLastRatioAtStart: ratio(0), firstToLastRatioAtEnd: ratio(last),
                epochTo90PercentOfBest: epoch90, diverged: run.diverged)
        }
    }

    /// The columns (indices into `headers`) worth drawing for `runs`: all of them, but an imported log
    /// without test accuracy (or loss) drops the columns that could only say "—".
    public static func columns(_ runs: [FigureRun]) -> [Int] {
        guard !runs.isEmpty, runs.allSatisfy({ $0.run.settings.importedFrom != nil }) else { return Array(headers.indices) }
        var out = Array(headers.indices)
        if runs.allSatisfy({ $0.run.testAccuracy.isEmpty }) { out.removeAll { $0 == 2 || $0 == 5 } }
        if runs.allSatisfy({ $0.run.loss.isEmpty }) { out.removeAll { $0 == 1 } }
        return out
    }

    /// The table of `rows(runs)` with a colour chip per network and a note on the ratio columns.
    public static func scene(_ runs: [FigureRun], style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let shown = columns(runs)
        let headers = shown.map { Self.headers[$0] }
        let rows = rows(runs).map { row in (colorIndex: row.colorIndex, cells: shown.map { row.cells[$0] }) }
        let cellStyle = style.text(style.legendSize + 0.5, baseline: .middle)
        let headStyle = style.text(style.legendSize, weight: .bold, baseline: .top)
        let pad = 18.0
        let chip = 14.0
        var widths = headers.map { h in h.map { measurer.measure($0, style: headStyle).width }.max() ?? 0 }
        for row in rows {
            for (c, cell) in row.cells.enumerated() {
                widths[c] = max(widths[c], measurer.measure(cell, style: cellStyle).width + (c == 0 ? chip + 8 : 0))
            }
        }
        let tableWidth = widths.reduce(0, +) + pad * Double(widths.count - 1)
        let rowHeight = style.legendSize * 2.0
        var scene = Scene(width: max(560, tableWidth + 2 * FigureLayout.margin + 8), height: 0)
        let top = FigureLayout.title("Summary", in: &scene, style: style, measurer: measurer)
        let headHeight = style.legendSize * 2.6 + 8
        scene.height = top + headHeight + Double(max(1, rows.count)) * rowHeight + 30 + style.tickSize * 1.4 + FigureLayout.margin
        let x0 = FigureLayout.margin + 4
        // Column x positions: the first is left-aligned, the others right-aligned numbers.
        var xs: [Double] = []
        var x = x0
        for w in widths { xs.append(x); x += w + pad }
        for (c, h) in headers.enumerated() {
            for (k, line) in h.enumerated() {
                var s = headStyle
                s.anchor = c == 0 ? .start : .end
                scene.text(line, at: Point(c == 0 ? xs[c] : xs[c] + widths[c], top + Double(k) * style.legendSize * 1.25), style: s)
            }
        }
        let rule = StrokeStyle(color: style.axisColor, width: 1.2)
        scene.stroke(.polyline([Point(x0, top + headHeight - 4), Point(x0 + tableWidth, top + headHeight - 4)]), rule)
        for (r, row) in rows.enumerated() {
            let y = top + headHeight + Double(r) * rowHeight + rowHeight / 2
            if r % 2 == 1 {
                scene.fill(.rectangle(Rect(x: x0 - 4, y: y - rowHeight / 2, width: tableWidth + 8, height: rowHeight)),
                           style.panelFillColor)
            }
            scene.fill(.rectangle(Rect(x: x0, y: y - chip / 2, width: chip, height: chip)), style.networkColor(row.colorIndex))
            for (c, cell) in row.cells.enumerated() {
                var s = cellStyle
                s.anchor = c == 0 ? .start : .end
                scene.text(cell, at: Point(c == 0 ? xs[c] + chip + 8 : xs[c] + widths[c], y), style: s)
            }
        }
        let end = top + headHeight + Double(max(1, rows.count)) * rowHeight
        scene.stroke(.polyline([Point(x0, end + 2), Point(x0 + tableWidth, end + 2)]), rule)
        let note = "layer 1 / output: ‖dL/dW‖ of the first hidden layer divided by the output layer's; — = not available."
        scene.height = FigureLayout.subtitle(note, at: end + 18, in: &scene, style: style, measurer: measurer) + FigureLayout.margin - 8
        return FigureLayout.fitted(scene, style: style)
    }
}
