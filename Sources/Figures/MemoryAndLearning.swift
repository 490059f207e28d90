import Foundation
import Graphics
import GradientData

/// Memory kept and learning, over training: the mean of the memory gate (LSTM forget gate f, GRU
/// update gate z) over every time step, and the test metric (adding: MSE, log axis, with the 1/6
/// a network scores by predicting the mean; digits-sequence: accuracy).
public enum MemoryAndLearning {
    public static let size = (width: 940.0, height: 460.0)
    /// The adding task's MSE when a network always predicts the mean sum 1: Var(U + U′) = 1/6.
    public static let meanPredictorMSE = 1.0 / 6

    /// (training step, mean memory gate over time buckets) of a gated run; empty for Elman cells.
    public static func gatePoints(_ run: RunHistory) -> [(x: Double, y: Double)] {
        guard let gates = run.time?.gateMean, !gates.isEmpty else { return [] }
        return zip(run.steps, gates).map { step, row in
            (x: Double(step), y: row.isEmpty ? .nan : Double(row.reduce(0, +)) / Double(row.count))
        }
    }

    /// (training step, test metric) of a recurrent run.
    public static func metricPoints(_ run: RunHistory) -> [(x: Double, y: Double)] {
        guard let time = run.time else { return [] }
        return zip(time.evaluationSteps, time.testMetric).map { (x: Double($0), y: Double($1)) }
    }

    public static func scene(_ runs: [FigureRun], style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("Memory kept and what was learned", in: &scene, style: style, measurer: measurer)
        let entries = runs.map { LegendEntry(mark: .line(style.networkColor($0.colorIndex), dash: style.networkDash($0.colorIndex), marker: false), label: $0.label) }
        let legendTop = FigureLayout.bottomLegend(entries + metricLegendEntries(runs, style: style), in: &scene, style: style, measurer: measurer)
        let areas = FigureLayout.panelAreas(2, top: top, bottom: legendTop - 12, pageWidth: size.width, style: style)
        scene.crowded = FigureLayout.crowded(areas, style: style)
        let (x, xTicks, _) = stepAxis(runs, length: areas[0].width - 60, style: style)

        // Left: the memory gate, on a linear axis from 0 (forgets everything) to 1 (keeps everything).
        let left = areas[0]
        let yTicks = unitTicks(length: left.height - 60, style: style)
        let (gateAxes, frame) = unitPanel("memory gate (LSTM f, GRU z), mean over time", in: left, xTicks: xTicks, yTicks: yTicks,
                                          yTitle: "share of memory kept", style: style, measurer: measurer)
        scene.append(contentsOf: gateAxes)
        var data: [SceneItem] = []
        for run in runs {
            data += LinePlot.line(gatePoints(run.run), x: x, y: .linear(0, 1), frame: frame,
                                  color: style.networkColor(run.colorIndex), width: style.lineWidth, dash: style.networkDash(run.colorIndex), markers: false)
        }
        if !runs.contains(where: { !gatePoints($0.run).isEmpty }) {
            data.append(.text("no gated cell", at: Point(frame.midX, frame.midY),
                              style: style.text(style.labelSize, anchor: .middle, baseline: .middle, color: style.mutedTextColor), rotation: 0))
        }
        scene.append(.group(data, clip: frame.insetBy(dx: -3, dy: -3), opacity: 1))

        // Right: the test metric.
        scene.append(contentsOf: metricPanel(runs, in: areas[1], style: style, measurer: measurer))
        return scene
    }

    /// The x axis of both panels: training steps 0 … the longest run's last step.
    /// `length` is the axis's length in points: a narrow panel gets fewer ticks.
    static func stepAxis(_ runs: [FigureRun], length: Double, style: FigureStyle) -> (x: PlotScale, ticks: [Tick], lastStep: Double) {
        let lastStep = max(Double(runs.map { $0.run.settings.steps }.max() ?? 1), 1)
        let count = FigureLayout.tickCount(6, length: length, labelSpan: 4, style: style)
        return (PlotScale.linear(0, lastStep), Ticks.linear(from: 0, to: lastStep, maxCount: count) { v, _ in NumberFormat.fixed(v, digits: 0) },
                lastStep)
    }

    /// Ticks of a 0…1 axis `length` points long, labelled by `label`.
    static func unitTicks(length: Double, style: FigureStyle, label: @escaping (Double) -> String = { NumberFormat.fixed($0, digits: 1) }) -> [Tick] {
        Ticks.linear(from: 0, to: 1, maxCount: FigureLayout.tickCount(6, length: length, labelSpan: 2.2, style: style)) { v, _ in label(v) }
    }

    /// A panel titled `title` in `area` with a linear 0…1 y axis against training steps: its title
    /// and axes, and the frame the data goes in.
    static func unitPanel(_ title: String, in area: Rect, xTicks: [Tick], yTicks: [Tick], yTitle: String,
                          style: FigureStyle, measurer: TextMeasurer) -> (items: [SceneItem], frame: Rect) {
        let titleStyle = style.text(style.panelTitleSize, weight: .bold, baseline: .top)
        var out: [SceneItem] = [.text(TextWrap.truncated(title, width: area.width, style: titleStyle, measurer: measurer),
                                      at: Point(area.minX, area.minY), style: titleStyle, rotation: 0)]
        let frameTop = area.minY + style.panelTitleSize * 1.2 + 10
        let frameLeft = area.minX + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
        let frame = Rect(x: frameLeft, y: frameTop, width: area.maxX - frameLeft - 12,
                         height: area.maxY - Axes.bottomMargin(style: style) - frameTop)
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: "training step", yTitle: yTitle)
        axes.horizontalGrid = true
        out += axes.items(style: style, measurer: measurer)
        return (out, frame)
    }

    /// The legend entries the metric panel adds: the adding task's mean-predictor line.
    static func metricLegendEntries(_ runs: [FigureRun], style: FigureStyle) -> [LegendEntry] {
        guard runs.contains(where: { $0.run.settings.recurrent?.task.kind == .adding }) else { return [] }
        return [LegendEntry(mark: .line(style.axisColor, dash: [6, 4], marker: false), label: "MSE 1/6: predicting the mean (not learned)")]
    }

    /// The test metric of recurrent runs against the training step, filling `area`: the adding
    /// task's MSE on a log axis with the mean predictor's 1/6, or the test accuracy from 0 to 100 %.
    static func metricPanel(_ runs: [FigureRun], in area: Rect, style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        let (x, xTicks, lastStep) = stepAxis(runs, length: area.width - 60, style: style)
        var out: [SceneItem] = []
        var metric: [SceneItem] = []
        if runs.contains(where: { $0.run.settings.recurrent?.task.kind == .adding }) {
            let values = runs.flatMap { metricPoints($0.run).map(\.y) } + [meanPredictorMSE]
            let scale = LogScale.covering(values)
            let panel = LogPanel("test MSE on 1000 fixed sequences", in: area, scale: scale, rightGap: 12, style: style, measurer: measurer)
            out.append(panel.title)
            var axes = Axes(frame: panel.frame, xTicks: xTicks, yTicks: panel.yTicks, xTitle: "training step", yTitle: "test MSE")
            axes.horizontalGrid = true
            out += axes.items(style: style, measurer: measurer)
            metric += LinePlot.line([(x: 0, y: meanPredictorMSE), (x: lastStep, y: meanPredictorMSE)], x: x, y: .log(scale),
                                    frame: panel.frame, color: style.axisColor, width: 1.4, dash: [6, 4], markers: false)
            for run in runs {
                metric += LinePlot.line(metricPoints(run.run), x: x, y: .log(scale), frame: panel.frame,
                                        color: style.networkColor(run.colorIndex), width: style.lineWidth, dash: style.networkDash(run.colorIndex), markers: true)
            }
            out.append(.group(metric, clip: panel.frame.insetBy(dx: -6, dy: -6), opacity: 1))
            return out
        }
        let yTicks = unitTicks(length: area.height - 60, style: style) { NumberFormat.percent($0, digits: 0) }
        let (accuracyAxes, frame) = unitPanel("test accuracy", in: area, xTicks: xTicks, yTicks: yTicks, yTitle: "test accuracy",
                                              style: style, measurer: measurer)
        out += accuracyAxes
        for run in runs {
            metric += LinePlot.line(metricPoints(run.run), x: x, y: .linear(0, 1), frame: frame,
                                    color: style.networkColor(run.colorIndex), width: style.lineWidth, dash: style.networkDash(run.colorIndex), markers: true)
        }
        out.append(.group(metric, clip: frame.insetBy(dx: -6, dy: -6), opacity: 1))
        return out
    }
}
