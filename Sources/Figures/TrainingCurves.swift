import Foundation
import Graphics
import GradientData

/// Training curves: the training loss per recorded step (log axis) and the test accuracy
/// per epoch, one line per run in the network's colour; a cross marks a diverged step.
/// Recurrent runs show their test metric instead (`MemoryAndLearning.metricPanel`: the adding
/// task's MSE, or digits-sequence accuracy, at its evaluation steps).
public enum TrainingCurves {
    /// The figure's natural size in points.
    public static let size = (width: 940.0, height: 460.0)

    /// Loss (left, log axis) and test accuracy (right) of `runs`, with one legend below.
    public static func scene(_ runs: [FigureRun], style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        // An imported log has no test accuracy: its loss takes the whole width.
        let accuracy = runs.contains { !$0.run.testAccuracy.isEmpty || $0.run.settings.importedFrom == nil }
        let recurrent = runs.contains { $0.run.time != nil }
        let title = recurrent ? "Training loss and test \(metricName(runs))" : (accuracy ? "Training loss and test accuracy" : "Training loss")
        let top = FigureLayout.title(title, in: &scene, style: style, measurer: measurer)
        var entries = runs.map { LegendEntry(mark: .line(style.networkColor($0.colorIndex), dash: style.networkDash($0.colorIndex), marker: false), label: $0.label) }
        if recurrent { entries += MemoryAndLearning.metricLegendEntries(runs, style: style) }
        if runs.contains(where: { $0.run.diverged != nil }) {
            entries.append(LegendEntry(mark: .cross(style.mutedTextColor), label: "diverged (loss or gradient not finite)"))
        }
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)
        let bottom = legendTop - 12
        let areas = FigureLayout.panelAreas(accuracy ? 2 : 1, top: top, bottom: bottom, pageWidth: size.width, style: style)
        scene.crowded = FigureLayout.crowded(areas, style: style)
        scene.append(contentsOf: lossPanel(runs, in: areas[0], style: style, measurer: measurer))
        guard accuracy else { return scene }
        if recurrent {
            scene.append(contentsOf: MemoryAndLearning.metricPanel(runs, in: areas[1], style: style, measurer: measurer))
            return scene
        }
        scene.append(contentsOf: accuracyPanel(runs, in: areas[1], style: style, measurer: measurer))
        return scene
    }

    static func panelTitle(_ text: String, _ area: Rect, _ style: FigureStyle) -> SceneItem {
        .text(text, at: Point(area.minX, area.minY), style: style.text(style.panelTitleSize, weight: .bold, baseline: .top), rotation: 0)
    }

    static func lossPanel(_ runs: [FigureRun], in area: Rect, style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        let n = runs.map(\.run.loss.count).max() ?? 0
        let window = smoothingWindow(n)
        // Rows are `recordEvery` × `stepsPerBucket` steps apart: the window covers that many steps per row.
        let rowSpacing = runs.map { $0.run.steps.count > 1 ? $0.run.steps[1] - $0.run.steps[0] : 1 }.max() ?? 1
        let title = window > 1 ? "training loss (bold: mean of \(window * max(1, rowSpacing)) steps)" : "training loss (per recorded step)"
        var out = [panelTitle(TextWrap.truncated(title, width: area.width, style: style.text(style.panelTitleSize, weight: .bold),
                                                 measurer: measurer), area, style)]
        let scale = LogScale.covering(rows: runs.map(\.run.loss))
        let steps = runs.flatMap { $0.run.steps.prefix($0.run.loss.count) }
        let lo = Double(steps.min() ?? 0), hi = Double(max(steps.max() ?? 1, (steps.min() ?? 0) + 1))
        let top = area.minY + style.panelTitleSize * 1.2 + 10
        let bottom = area.maxY - Axes.bottomMargin(style: style)
        let yTicks = Ticks.logarithmic(lower: scale.lowerExponent, upper: scale.upperExponent,
                                   maxCount: max(2, Int((bottom - top) / (style.tickSize * 2.2))))
        let left = area.minX + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
        let frame = Rect(x: left, y: top, width: area.maxX - left - 16, height: bottom - top)
        let x = PlotScale.linear(lo, hi)
        let labelWidth = measurer.measure(String(Int(hi)), style: style.text(style.tickSize)).width
        // Steps are whole numbers: no more ticks than steps, or short runs get repeated labels (1 1 2 2 …).
        let xTicks = Ticks.linear(from: lo, to: hi, maxCount: max(2, min(Int(hi - lo) + 1, Int(frame.width / (labelWidth + 30))))) { v, _ in
            NumberFormat.fixed(v, digits: 0)
        }
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: "training step", yTitle: lossName(runs))
        axes.horizontalGrid = true
        out += axes.items(style: style, measurer: measurer)
        var data: [SceneItem] = []
        // Raw losses are noisy; draw them faintly, then a moving average on top so each network reads as one line.
        for run in runs {
            let color = style.networkColor(run.colorIndex)
            let pts = zip(run.run.steps, run.run.loss).map { (x: Double($0), y: Double($1)) }
            if window > 1 {
                // Faint and steep: coarse antialiasing draws it at a third of the cost, off by at most a few levels.
                data += LinePlot.line(pts, x: x, y: .log(scale), frame: frame, color: color.withAlpha(0.22), width: 1, markers: false,
                                      rasterAntialias: .fast)
            }
            let smooth = zip(pts, movingGeometricMean(run.run.loss.map(Double.init), window: window)).map { (x: $0.x, y: $1) }
            data += LinePlot.line(smooth, x: x, y: .log(scale), frame: frame, color: color, width: style.lineWidth,
                                  dash: style.networkDash(run.colorIndex), markers: false)
            if let d = run.run.diverged, let fx = x.fraction(Double(d)) {
                data += LinePlot.nonFiniteMark(atFraction: fx, frame: frame, color: color)
            }
        }
        out.append(.group(data, clip: frame.insetBy(dx: -6, dy: -6), opacity: 1))
        return out
    }

    /// The loss's axis title: what the runs minimised, as far as the history says.
    static func lossName(_ runs: [FigureRun]) -> String {
        if runs.allSatisfy({ $0.run.settings.importedFrom != nil }) { return "loss" }
        if runs.allSatisfy({ $0.run.settings.recurrent?.task.kind == .adding }) { return "loss (MSE)" }
        return "loss (cross-entropy)"
    }

    /// "MSE" when a recurrent run does the adding task, else "accuracy".
    static func metricName(_ runs: [FigureRun]) -> String {
        runs.contains { $0.run.settings.recurrent?.task.kind == .adding } ? "MSE" : "accuracy"
    }

    /// The moving-average window for `count` recorded steps: about 2 % of them, odd, 1 for short runs.
    public static func smoothingWindow(_ count: Int) -> Int {
        guard count >= 100 else { return 1 }
        return (count / 50) | 1
    }

    /// The geometric mean of each value and its neighbours (`window` values centred on it).
    ///
    /// Non-finite and non-positive values stay as they are and are left out of their neighbours' means,
    /// so a diverged stretch stays visible as a gap.
    public static func movingGeometricMean(_ values: [Double], window: Int) -> [Double] {
        guard window > 1 else { return values }
        let half = window / 2
        var prefix = [0.0], counts = [0]
        for v in values {
            let ok = v.isFinite && v > 0
            prefix.append(prefix[prefix.count - 1] + (ok ? log10(v) : 0))
            counts.append(counts[counts.count - 1] + (ok ? 1 : 0))
        }
        return values.indices.map { i in
            guard values[i].isFinite, values[i] > 0 else { return values[i] }
            let lo = max(0, i - half), hi = min(values.count, i + half + 1)
            let n = counts[hi] - counts[lo]
            return pow(10, (prefix[hi] - prefix[lo]) / Double(n))
        }
    }

    static func accuracyPanel(_ runs: [FigureRun], in area: Rect, style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        var out = [panelTitle(TextWrap.truncated("test accuracy (after each epoch)", width: area.width,
                                                 style: style.text(style.panelTitleSize, weight: .bold), measurer: measurer), area, style)]
        let epochs = runs.map { $0.run.testAccuracy.count }.max() ?? 0
        let top = area.minY + style.panelTitleSize * 1.2 + 10
        let bottom = area.maxY - Axes.bottomMargin(style: style)
        let yTicks = Ticks.linear(from: 0, to: 1, maxCount: FigureLayout.tickCount(5, length: bottom - top, labelSpan: 2.2, style: style)) { v, _ in
            NumberFormat.percent(v, digits: 0)
        }
        let left = area.minX + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
        let frame = Rect(x: left, y: top, width: area.maxX - left - 16, height: bottom - top)
        let x = PlotScale.linear(0.5, Double(max(epochs, 1)) + 0.5)
        let spacing = max(1, Ticks.niceSpacing(span: Double(epochs), maxCount: max(1, Int(frame.width / 40))))
        let xTicks = stride(from: spacing, through: Double(epochs), by: spacing).map { Double($0) }
            .reduce(into: epochs > 0 && spacing > 1 ? [1.0] : []) { $0.append($1) }
            .map { Tick(fraction: x.fraction($0) ?? 0, label: NumberFormat.fixed($0, digits: 0)) }
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: "epoch", yTitle: "test accuracy")
        axes.horizontalGrid = true
        out += axes.items(style: style, measurer: measurer)
        if epochs == 0 {
            out.append(.text("no epoch finished", at: Point(frame.midX, frame.midY),
                             style: style.text(style.labelSize, anchor: .middle, baseline: .middle, color: style.mutedTextColor), rotation: 0))
            return out
        }
        var data: [SceneItem] = []
        for run in runs {
            let pts = run.run.testAccuracy.enumerated().map { (x: Double($0.offset + 1), y: Double($0.element)) }
            data += LinePlot.line(pts, x: x, y: .linear(0, 1), frame: frame, color: style.networkColor(run.colorIndex),
                                  width: style.lineWidth, dash: style.networkDash(run.colorIndex), markers: epochs <= 40)
        }
        out.append(.group(data, clip: frame.insetBy(dx: -6, dy: -6), opacity: 1))
        return out
    }
}
