import Foundation
import Graphics
import GradientData

/// Published ‖δ‖ per hidden layer to draw beside a run's, for comparison.
public struct LayerDeltaReference: Hashable, Sendable {
    /// Where the numbers come from, as the legend names it.
    public var label: String
    /// ‖δ‖ of hidden layers 1, 2, … (input side first).
    public var values: [Double]

    public init(label: String, values: [Double]) {
        self.label = label
        self.values = values
    }

    /// Michael Nielsen's numbers for a [784, 30, 30, 30, 30, 10] sigmoid network on MNIST at
    /// initialisation, ‖∂C/∂b‖ over 1000 training images (Neural Networks and Deep Learning, ch. 5).
    public static let nielsenMNIST = LayerDeltaReference(label: "Nielsen, MNIST (book, ch. 5)", values: [0.003, 0.017, 0.070, 0.285])

    /// Nielsen's numbers when `runs` include his setting (plain sigmoid, four hidden layers, `nielsen` init), else nil.
    public static func matching(_ runs: [FigureRun]) -> LayerDeltaReference? {
        let his = runs.contains { r in
            let s = r.run.settings
            return s.activation == .sigmoid && !s.batchNorm && !s.residual && s.depth == 4 && s.`init` == .nielsen
        }
        return his ? nielsenMNIST : nil
    }
}

/// Nielsen's bar chart: ‖δ‖ of every hidden layer at initialisation, one bar per network and layer,
/// on a log axis so that a constant factor per layer reads as equal steps.
///
/// ‖δ‖ is the norm of the batch mean of dL/dz, that is of ∂C/∂b for the cost averaged over the
/// batch: Nielsen's "speed of learning" of a layer.
public enum LayerDeltaBars {
    /// The figure's natural size in points.
    public static let size = (width: 940.0, height: 400.0)

    /// Whether `runs` compare initialisations: two or more, the same architecture, more than one `init`.
    public static func comparesInitialisations(_ runs: [FigureRun]) -> Bool {
        guard let first = runs.first?.run.settings, runs.count > 1 else { return false }
        let sameShape = runs.allSatisfy { r in
            let s = r.run.settings
            return s.activation == first.activation && s.batchNorm == first.batchNorm && s.residual == first.residual
                && s.depth == first.depth && s.width == first.width
        }
        return sameShape && Set(runs.map { $0.run.settings.`init` }).count > 1
    }

    /// ‖δ‖ of the hidden layers of `run` at recorded row `row` (the output layer left out).
    public static func hiddenDeltas(_ run: RunHistory, row: Int = 0) -> [Double] {
        guard row >= 0, row < run.stats.deltaNorm.count else { return [] }
        let values = run.stats.deltaNorm[row].map(Double.init)
        let hidden = run.layers.last == "output" ? values.count - 1 : values.count
        return Array(values.prefix(max(0, hidden)))
    }

    /// ‖δ‖ of each layer divided by the layer's below it (layer 2 / 1, 3 / 2, …): how many times faster each learns.
    public static func factors(_ deltas: [Double]) -> [Double] {
        zip(deltas.dropFirst(), deltas).map { $0 / $1 }
    }

    /// The bar chart of `runs` at initialisation, with `reference` as outlined grey bars.
    public static func scene(
        _ runs: [FigureRun], reference: LayerDeltaReference? = nil, style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("‖δ‖ of each hidden layer at initialisation",
                                     in: &scene, style: style, measurer: measurer)
        let series = runs.map { (label: $0.label, color: style.networkColor($0.colorIndex), values: hiddenDeltas($0.run)) }
        let layers = max(series.map(\.values.count).max() ?? 0, reference?.values.count ?? 0)
        let refColor = style.mutedTextColor
        var entries = series.map { LegendEntry(mark: .swatch($0.color, outline: nil), label: $0.label) }
        if let reference { entries.append(LegendEntry(mark: .swatch(refColor.withAlpha(0.25), outline: refColor), label: reference.label)) }
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)

        var values = series.flatMap(\.values)
        values += reference?.values ?? []
        let scale = LogScale.covering(values)
        let bottom = legendTop - 12 - Axes.bottomMargin(style: style)
        let plotTop = top + style.tickSize * 1.6  // room for the value labels over the tallest bar
        let yTicks = Ticks.logarithmic(lower: scale.lowerExponent, upper: scale.upperExponent,
                                       maxCount: max(2, Int((bottom - plotTop) / (style.tickSize * 2.2))))
        let left = FigureLayout.margin + Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
        let frame = Rect(x: left, y: plotTop, width: size.width - FigureLayout.margin - 8 - left, height: bottom - plotTop)
        let group = frame.width / Double(max(layers, 1))
        let xTicks = (0..<layers).map { Tick(fraction: (Double($0) + 0.5) / Double(layers), label: "hidden layer \($0 + 1)") }
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: nil, yTitle: "‖δ‖ = ‖∂C/∂b‖ (log scale)")
        axes.horizontalGrid = true
        scene.append(contentsOf: axes.items(style: style, measurer: measurer))

        let bars = series.count + (reference == nil ? 0 : 1)
        let barWidth = min(64, group * 0.8 / Double(max(bars, 1)))
        let y = PlotScale.log(scale)
        let labelStyle = style.text(style.tickSize - 2, anchor: .middle, baseline: .bottom)
        for layer in 0..<layers {
            let start = frame.minX + Double(layer) * group + (group - barWidth * Double(bars)) / 2
            var columns: [(value: Double?, fill: Color, outline: Color?)] = series.map {
                (layer < $0.values.count ? $0.values[layer] : nil, $0.color, nil)
            }
            if let reference { columns.append((layer < reference.values.count ? reference.values[layer] : nil, refColor.withAlpha(0.25), refColor)) }
            for (b, column) in columns.enumerated() {
                guard let v = column.value else { continue }
                let x0 = start + Double(b) * barWidth + 1.5
                let rect: Rect
                if let fy = y.fraction(v) {
                    let h = min(max(fy, 0), 1) * frame.height
                    rect = Rect(x: x0, y: frame.maxY - h, width: barWidth - 3, height: h)
                } else {
                    // Zero or not finite: no bar, only its label, so the value is not hidden.
                    rect = Rect(x: x0, y: frame.maxY, width: barWidth - 3, height: 0)
                }
                scene.fill(.rectangle(rect), column.fill)
                if let outline = column.outline { scene.stroke(.rectangle(rect), StrokeStyle(color: outline, width: 1)) }
                // A value label only where it fits over its bar; the report's table has every number.
                let text = LayerDeltaBars.label(v)
                if measurer.measure(text, style: labelStyle).width <= barWidth + 2 {
                    scene.text(text, at: Point(rect.midX, rect.minY - 3), style: labelStyle)
                }
            }
        }
        return scene
    }

    /// A value with two significant digits in plain decimals (`0.0032`, `0.072`, `0.36`).
    public static func label(_ v: Double) -> String {
        guard v.isFinite, v > 0 else { return NumberFormat.fixed(v, digits: 0) }
        if v < 1e-4 { return NumberFormat.scientific(v, digits: 1) }
        let digits = max(0, 1 - Int(log10(v).rounded(.down)))
        return NumberFormat.fixed(v, digits: digits)
    }
}
