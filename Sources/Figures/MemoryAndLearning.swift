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
        let adding = runs.contains { $0.run.settings.recurrent?.task.kind == .adding }
        var entries = runs.map { LegendEntry(mark: .line(style.networkColor($0.colorIndex), dash: [], marker: false), label: $0.label) }
        if adding {
            entries.append(LegendEntry(mark: .line(style.axisColor, dash: [6, 4], marker: false), label: "MSE 1/6: predicting the mean (not learned)"))
        }
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)
        let areas = FigureLayout.panelAreas(2, top: top, bottom: legendTop - 12, pageWidth: size.width, style: style)
        let lastStep = Double(runs.map { $0.run.settings.steps }.max() ?? 1)
        let x = PlotScale.linear(0, max(lastStep, 1))
        let xTicks = Ticks.linear(from: 0, to: max(lastStep, 1),
                                  maxCount: FigureLayout.tickCount(6, length: areas[0].width - 60, labelSpan: 4, style: style)) { v, _ in
            NumberFormat.fixed(v, digits: 0)
        }

        // Left: the memory gate, on a linear axis from 0 (forgets everything) to 1 (keeps everything).
        let left = areas[0]
        let panelTitleStyle = style.text(style.panelTitleSize, weight: .bold, baseline: .top)
        scene.append(.text(TextWrap.truncated("memory gate, mean over time steps (LSTM f, GRU z)", width: left.width, style: panelTitleStyle,
                                              measurer: measurer), at: Point(left.minX, left.minY), style: panelTitleStyle, rotation: 0))
        let yTicks = Ticks.linear(from: 0, to: 1,
                                  maxCount: FigureLayout.tickCount(6, length: areas[0].height - 60, labelSpan: 2.2, style: style)) { v, _ in
            NumberFormat.fixed(v, digits: 1)
        }
        let frameTop = left.minY + style.panelTitleSize * 1.2 + 10
        let frameLeft = left.minX + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
        let frame = Rect(x: frameLeft, y: frameTop, width: left.maxX - frameLeft - 12,
                         height: left.maxY - Axes.bottomMargin(style: style) - frameTop)
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: "training step", yTitle: "share of memory kept")
        axes.horizontalGrid = true
        scene.append(contentsOf: axes.items(style: style, measurer: measurer))
        var data: [SceneItem] = []
        for run in runs {
            data += LinePlot.line(gatePoints(run.run), x: x, y: .linear(0, 1), frame: frame,
                                  color: style.networkColor(run.colorIndex), width: style.lineWidth, markers: false)
        }
        if !runs.contains(where: { !gatePoints($0.run).isEmpty }) {
            data.append(.text("no gated cell", at: Point(frame.midX, frame.midY),
                              style: style.text(style.labelSize, anchor: .middle, baseline: .middle, color: style.mutedTextColor), rotation: 0))
        }
        scene.append(.group(data, clip: frame.insetBy(dx: -3, dy: -3), opacity: 1))

        // Right: the test metric.
        let right = areas[1]
        var metric: [SceneItem] = []
        if adding {
            let values = runs.flatMap { metricPoints($0.run).map(\.y) } + [meanPredictorMSE]
            let scale = LogScale.covering(values)
            let panel = LogPanel("test MSE on 1000 fixed sequences", in: right, scale: scale, rightGap: 12, style: style, measurer: measurer)
            scene.append(panel.title)
            var metricAxes = Axes(frame: panel.frame, xTicks: xTicks, yTicks: panel.yTicks, xTitle: "training step", yTitle: "test MSE")
            metricAxes.horizontalGrid = true
            scene.append(contentsOf: metricAxes.items(style: style, measurer: measurer))
            metric += LinePlot.line([(x: 0, y: meanPredictorMSE), (x: lastStep, y: meanPredictorMSE)], x: x, y: .log(scale),
                                    frame: panel.frame, color: style.axisColor, width: 1.4, dash: [6, 4], markers: false)
            for run in runs {
                metric += LinePlot.line(metricPoints(run.run), x: x, y: .log(scale), frame: panel.frame,
                                        color: style.networkColor(run.colorIndex), width: style.lineWidth, markers: true)
            }
            scene.append(.group(metric, clip: panel.frame.insetBy(dx: -6, dy: -6), opacity: 1))
        } else {
            scene.append(.text("test accuracy", at: Point(right.minX, right.minY),
                               style: style.text(style.panelTitleSize, weight: .bold, baseline: .top), rotation: 0))
            let accuracyLeft = right.minX + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
            let accuracyFrame = Rect(x: accuracyLeft, y: frameTop, width: right.maxX - accuracyLeft - 12, height: frame.height)
            var metricAxes = Axes(frame: accuracyFrame, xTicks: xTicks, yTicks: yTicks, xTitle: "training step", yTitle: "test accuracy")
            metricAxes.horizontalGrid = true
            scene.append(contentsOf: metricAxes.items(style: style, measurer: measurer))
            for run in runs {
                metric += LinePlot.line(metricPoints(run.run), x: x, y: .linear(0, 1), frame: accuracyFrame,
                                        color: style.networkColor(run.colorIndex), width: style.lineWidth, markers: true)
            }
            scene.append(.group(metric, clip: accuracyFrame.insetBy(dx: -6, dy: -6), opacity: 1))
        }
        return scene
    }
}
