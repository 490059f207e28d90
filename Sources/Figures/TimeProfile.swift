import Foundation
import Graphics
import GradientData

/// Gradient against time lag: ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ against T − t for every recurrent run, at
/// initialisation and at the end of training, with each Elman run's bound as a dashed guide.
///
/// ∂h_t/∂h_{t−1} = diag(φ′) W_hh, so each step back multiplies the gradient by at most
/// γ · σ_max(W_hh) (γ = max φ′ = 1 for tanh and relu; Pascanu, Mikolov & Bengio 2013), using the
/// run's own σ_max at that point.
public enum TimeProfile {
    public static let size = (width: 940.0, height: 480.0)
    /// How many decades above the last step's gradient the axis grows to show a rising bound.
    static let boundHeadroom = 3

    /// (lag, ratio) points of `run` at recorded row `index`: lag 0 is the last time step.
    public static func points(_ run: RunHistory, index: Int) -> [(x: Double, y: Double)] {
        let values = TimeHeatmap.relativeValues(run)
        guard let time = run.time, index < values.count, let length = run.settings.recurrent?.task.length else { return [] }
        return zip(time.timeSteps, values[index]).map { start, ratio in
            // A bucket sits at the lag of its middle time step.
            let middle = Double(start) + Double(min(time.timeStepsPerBucket, length - start + 1) - 1) / 2
            return (x: Double(length) - middle, y: Double(ratio))
        }
    }

    /// The bound (γ σ_max)^lag of an Elman run (tanh or relu cell) with σ_max at `which` (0: start, 1: end); nil for gated cells.
    public static func bound(_ run: RunHistory, which: Int) -> Double? {
        guard let recurrent = run.settings.recurrent, recurrent.cell == .tanh || recurrent.cell == .relu,
              let sigma = run.time?.recurrentSpectralNorm, which < sigma.count, sigma[which].isFinite else { return nil }
        return Double(sigma[which])
    }

    /// `scale` with its upper end raised to the next labelled decade, when the ticks `probe` gives
    /// for it leave the top of the axis unlabelled.
    public static func labelledAtTop(_ scale: LogScale, probe: (LogScale) -> [Tick]) -> LogScale {
        let ticks = probe(scale)
        let span = Double(scale.decades)
        guard ticks.count >= 2, let last = ticks.last, last.fraction < 1 - 1e-9 else { return scale }
        let stride = Int(((last.fraction - ticks[ticks.count - 2].fraction) * span).rounded())
        let lastExponent = scale.lowerExponent + Int((last.fraction * span).rounded())
        guard stride > 0 else { return scale }
        return LogScale(lowerExponent: scale.lowerExponent, upperExponent: lastExponent + stride)
    }

    public static func scene(_ runs: [FigureRun], style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("Gradient against time lag: what reaches T − lag, relative to the last step",
                                     in: &scene, style: style, measurer: measurer)
        let rows: [(String, (RunHistory) -> Int, Int)] = [
            ("at initialisation (step 0)", { _ in 0 }, 0),
            ("at the end of training", { max(0, ($0.time?.hiddenGradNorm.count ?? 1) - 1) }, 1),
        ]
        var values: [Double] = []
        for run in runs {
            for row in rows { values += points(run.run, index: row.1(run.run)).map(\.y) }
        }
        let maxLag = Double(runs.compactMap { $0.run.settings.recurrent?.task.length }.max() ?? 1)
        // A bound above 1 rises off the data: the axis grows to hold it, by at most `boundHeadroom`
        // decades; beyond that it leaves through the top of the frame.
        for run in runs {
            for row in rows {
                guard let sigma = bound(run.run, which: row.2) else { continue }
                values.append(min(pow(sigma, maxLag), pow(10, Double(boundHeadroom))))
            }
        }
        var scale = LogScale.covering(values)
        var entries = runs.map { LegendEntry(mark: .line(style.networkColor($0.colorIndex), dash: [], marker: false), label: $0.label) }
        if runs.contains(where: { bound($0.run, which: 0) != nil }) {
            entries.append(LegendEntry(mark: .line(style.axisColor, dash: [6, 4], marker: false),
                                       label: "bound (γ·σ_max(W_hh))^lag of the Elman cell, dashed in its colour"))
        }
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)
        let areas = FigureLayout.panelAreas(rows.count, top: top, bottom: legendTop - 12, pageWidth: size.width, style: style)
        scene.crowded = FigureLayout.crowded(areas, style: style)
        // The top of the axis is labelled: where a bound leaves the plot, the reader sees how high that is.
        scale = labelledAtTop(scale, probe: { LogPanel("", in: areas[0], scale: $0, rightGap: 12, style: style, measurer: measurer).yTicks })
        for (p, row) in rows.enumerated() {
            let area = areas[p]
            let panel = LogPanel(row.0, in: area, scale: scale, rightGap: 12, style: style, measurer: measurer)
            scene.append(panel.title)
            let x = PlotScale.linear(0, maxLag)
            let xTicks = Ticks.linear(from: 0, to: maxLag,
                                      maxCount: FigureLayout.tickCount(6, length: panel.frame.width, labelSpan: 4, style: style)) { v, _ in
                NumberFormat.fixed(v, digits: 0)
            }
            var axes = Axes(frame: panel.frame, xTicks: xTicks, yTicks: panel.yTicks, xTitle: "time lag T − t",
                            yTitle: "‖∂L/∂hₜ‖ / ‖∂L/∂h_T‖")
            axes.horizontalGrid = true
            scene.append(contentsOf: axes.items(style: style, measurer: measurer))
            var data: [SceneItem] = []
            var guides: [SceneItem] = []
            let y = PlotScale.log(scale)
            for run in runs {
                let color = style.networkColor(run.colorIndex)
                if let sigma = bound(run.run, which: row.2) {
                    let guide = stride(from: 0.0, through: maxLag, by: max(1, maxLag / 200)).map { (x: $0, y: pow(sigma, $0)) }
                    guides += LinePlot.line(guide, x: x, y: y, frame: panel.frame, color: color, width: 1.4, dash: [6, 4], markers: false)
                }
                let pts = points(run.run, index: row.1(run.run))
                data += LinePlot.line(pts, x: x, y: y, frame: panel.frame, color: color, width: style.lineWidth, markers: false)
                for p in pts {
                    guard let fx = x.fraction(p.x) else { continue }
                    if !p.y.isFinite { data += LinePlot.nonFiniteMark(atFraction: fx, frame: panel.frame, color: color) }
                    else if p.y <= 0 { data.append(LinePlot.zeroMark(atFraction: fx, frame: panel.frame, color: color)) }
                }
            }
            // The guides stop at the frame's edge (half a line width beyond it), never over the titles.
            scene.append(.group(guides, clip: panel.frame.insetBy(dx: -1, dy: -1), opacity: 1))
            scene.append(.group(data, clip: panel.frame.insetBy(dx: -6, dy: -6), opacity: 1))
        }
        return scene
    }
}
