import Foundation
import Graphics
import GradientData

/// The gradient profile: log ‖dL/dW‖ (or ‖δ‖) against layer for several networks on one
/// axis, at initialisation and at the end of training, with the sigmoid's 0.25-per-layer
/// bound as a dashed guide.
///
/// The guide starts at the output layer of the first plain sigmoid network (no batch norm,
/// no residual connections) and falls by 0.25 per layer towards the input: σ′ ≤ 1/4, so
/// with weights of order one the backpropagated signal shrinks at least that fast.
public enum GradientProfile {
    /// The figure's natural size in points.
    public static let size = (width: 940.0, height: 480.0)
    /// The sigmoid derivative's maximum: the factor per layer of the guide.
    public static let sigmoidFactor = 0.25

    /// The guide's values per layer (0-based, input side first) for `run` at recorded row `index`:
    /// the output layer's value times 0.25^(layers below the output). Nil if that value is not finite and positive.
    public static func sigmoidGuide(_ run: RunHistory, index: Int, quantity: GradientQuantity = .weightGradient) -> [Double]? {
        let n = max(run.layers.count, quantity.values(run).first?.count ?? 0)
        guard n > 0 else { return nil }
        let out = run.value(quantity.values(run), index, n - 1)
        guard out.isFinite, out > 0 else { return nil }
        return (0..<n).map { out * pow(sigmoidFactor, Double(n - 1 - $0)) }
    }

    /// The run the guide is anchored to: the first plain sigmoid network, else nil.
    public static func guideRun(_ runs: [FigureRun]) -> FigureRun? {
        runs.first { $0.run.settings.activation == .sigmoid && !$0.run.settings.batchNorm && !$0.run.settings.residual }
    }

    /// The profile figure of `runs` (two panels sharing one log axis).
    public static func scene(
        _ runs: [FigureRun], quantity: GradientQuantity = .weightGradient,
        style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("\(quantity.symbol) by layer: how much gradient reaches each layer",
                                     in: &scene, style: style, measurer: measurer)
        // Name the last step when every run ends on the same one.
        let lastSteps = Set(runs.compactMap { $0.run.recordedCount > 0 ? $0.run.steps[$0.run.recordedCount - 1] : nil })
        let endName = lastSteps.count == 1 ? "at the end of training (step \(lastSteps.first ?? 0))" : "at the end of training"
        let rows: [(String, (RunHistory) -> Int)] = [
            ("at initialisation (step 0)", { _ in 0 }),
            (endName, { max(0, $0.recordedCount - 1) }),
        ]
        // One y range for both panels: every finite positive value drawn.
        var values: [Double] = []
        for run in runs {
            for (_, row) in rows {
                let i = row(run.run)
                let n = max(run.run.layers.count, quantity.values(run.run).first?.count ?? 0)
                values += (0..<n).map { run.run.value(quantity.values(run.run), i, $0) }
            }
        }
        let scale = LogScale.covering(values)
        let maxLayers = runs.map { max($0.run.layers.count, quantity.values($0.run).first?.count ?? 0) }.max() ?? 1
        let sameShape = Set(runs.map { $0.run.layers }).count == 1

        // Legend (bottom), then the two panels above it.
        let guide = guideRun(runs)
        var entries = runs.map { LegendEntry(mark: .line(style.networkColor($0.colorIndex), dash: style.networkDash($0.colorIndex), marker: maxLayers <= 40), label: $0.label) }
        if guide != nil {
            entries.append(LegendEntry(mark: .line(style.axisColor, dash: [6, 4], marker: false), label: "×0.25 per layer (sigmoid bound)"))
        }
        var hasZero = false, hasNonFinite = false
        for v in values { if !v.isFinite { hasNonFinite = true } else if v <= 0 { hasZero = true } }
        if hasZero { entries.append(LegendEntry(mark: .triangle(style.mutedTextColor), label: "zero (drawn at the bottom)")) }
        if hasNonFinite { entries.append(LegendEntry(mark: .cross(style.mutedTextColor), label: "NaN / Inf (drawn at the top)")) }
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)

        let panelBottom = legendTop - 12
        let areas = FigureLayout.panelAreas(rows.count, top: top, bottom: panelBottom, pageWidth: size.width, style: style)
        scene.crowded = FigureLayout.crowded(areas, style: style)
        for (p, (name, row)) in rows.enumerated() {
            let area = areas[p]
            scene.append(contentsOf: panel(name, runs: runs, row: row, quantity: quantity, scale: scale, maxLayers: maxLayers,
                                           outLabel: sameShape && runs.first?.run.layers.last == "output",
                                           guide: guide, in: area, style: style, measurer: measurer))
        }
        return scene
    }

    static func panel(
        _ name: String, runs: [FigureRun], row: (RunHistory) -> Int, quantity: GradientQuantity, scale: LogScale,
        maxLayers: Int, outLabel: Bool, guide: FigureRun?, in area: Rect, style: FigureStyle, measurer: TextMeasurer
    ) -> [SceneItem] {
        let titleStyle = style.text(style.panelTitleSize, weight: .bold, baseline: .top)
        var out: [SceneItem] = [.text(TextWrap.truncated(name, width: area.width, style: titleStyle, measurer: measurer),
                                      at: Point(area.minX, area.minY), style: titleStyle, rotation: 0)]
        let top = area.minY + style.panelTitleSize * 1.2 + 10
        let bottom = area.maxY - Axes.bottomMargin(style: style)
        let yTicks = Ticks.logarithmic(lower: scale.lowerExponent, upper: scale.upperExponent,
                                   maxCount: max(2, Int((bottom - top) / (style.tickSize * 2.2))))
        let left = area.minX + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
        let frame = Rect(x: left, y: top, width: area.maxX - left - 12, height: bottom - top)
        let x = PlotScale.linear(0.5, Double(maxLayers) + 0.5)
        let maxLabels = max(2, Int(frame.width / (measurer.measure("300", style: style.text(style.tickSize)).width + 14)))
        let xTicks = Ticks.layerIndices(count: maxLayers, maxLabels: min(31, maxLabels)).map { i in
            Tick(fraction: x.fraction(Double(i + 1)) ?? 0, label: outLabel && i == maxLayers - 1 ? "out" : String(i + 1))
        }
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: "layer (1 = input side)", yTitle: quantity.symbol)
        axes.horizontalGrid = true
        out += axes.items(style: style, measurer: measurer)

        var data: [SceneItem] = []
        let y = PlotScale.log(scale)
        if let guide, let values = sigmoidGuide(guide.run, index: row(guide.run), quantity: quantity) {
            let pts = values.enumerated().map { (x: Double($0.offset + 1), y: $0.element) }
            data += LinePlot.line(pts, x: x, y: y, frame: frame, color: style.axisColor, width: 1.8, dash: [6, 4], markers: false)
        }
        for run in runs {
            let i = row(run.run)
            let values = quantity.values(run.run)
            let n = max(run.run.layers.count, values.first?.count ?? 0)
            let color = style.networkColor(run.colorIndex)
            let pts = (0..<n).map { (x: Double($0 + 1), y: run.run.value(values, i, $0)) }
            data += LinePlot.line(pts, x: x, y: y, frame: frame, color: color, width: style.lineWidth,
                                  dash: style.networkDash(run.colorIndex), markers: maxLayers <= 40)
            for p in pts {
                guard let fx = x.fraction(p.x) else { continue }
                if !p.y.isFinite { data += LinePlot.nonFiniteMark(atFraction: fx, frame: frame, color: color) }
                else if p.y <= 0 { data.append(LinePlot.zeroMark(atFraction: fx, frame: frame, color: color)) }
            }
        }
        // Clip to the frame (plus room for markers on its edges) so the guide never leaves the axes.
        out.append(.group(data, clip: frame.insetBy(dx: -6, dy: -6), opacity: 1))
        return out
    }
}
