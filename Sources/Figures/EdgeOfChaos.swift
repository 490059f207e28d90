import Foundation
import GradientData
import Graphics
import MeanFieldTheory

/// One grid point of a sweep over σ_w² (and depth): its runs, one per seed.
public struct SweepCell: Sendable {
    public var network: String
    public var colorIndex: Int
    public var point: SweepPoint
    public var runs: [RunHistory]

    /// The mean over seeds of each run's last test accuracy (a diverged run counts as it ended); nil without any.
    public var meanTestAccuracy: Double? {
        let finals = runs.compactMap { $0.testAccuracy.last.map(Double.init) }.filter(\.isFinite)
        return finals.isEmpty ? nil : finals.reduce(0, +) / Double(finals.count)
    }
}

/// The edge of chaos drawn from a sweep over σ_w² (and depth) of networks initialised by variances,
/// with mean-field theory over it (Schoenholz et al. 2017): where deep networks train, and the
/// per-layer gradient factor at initialisation against √χ₁.
public enum EdgeOfChaos {
    /// The heatmap figure's natural size in points.
    public static let size = (width: 940.0, height: 560.0)
    /// Depths up to this multiple of ξ_c train (Schoenholz et al. find about 6).
    public static let trainableDepthScales = 6.0
    /// The middle share of the layers the per-layer factor is fitted over: away from the input
    /// layer's and the output layer's own shapes.
    public static let fitLayers = (from: 0.2, to: 0.8)

    /// Whether `history` is a sweep of MLPs with a swept σ_w²: its figures replace the per-run ones.
    public static func isSweep(_ history: GradientHistory) -> Bool {
        history.spec.sweep?.axis(.weightVariance) != nil && !history.runs.isEmpty
    }

    /// Whether `history` is a sweep of any axes (its runs carry grid coordinates).
    public static func isAnySweep(_ history: GradientHistory) -> Bool {
        history.spec.sweep != nil && !history.runs.isEmpty
    }

    /// The theory for `run`'s activation and σ_b², when it was initialised by variances.
    public static func theory(_ settings: RunSettings, weightVariance: Double? = nil) -> MeanField? {
        guard let variances = settings.`init`.variances,
              let activation = MeanFieldActivation(rawValue: settings.activation.rawValue),
              !settings.batchNorm, !settings.residual
        else { return nil }
        return MeanField(activation, weightVariance: weightVariance ?? variances.weightVariance, biasVariance: variances.biasVariance)
    }

    /// The grid's cells of network `networkIndex`, in the sweep's order.
    public static func cells(_ history: GradientHistory, network networkIndex: Int) -> [SweepCell] {
        let spec = history.spec
        guard let sweep = spec.sweep, networkIndex < spec.networks.count else { return [] }
        let network = spec.networks[networkIndex]
        var byName: [String: [RunHistory]] = [:]
        for run in history.runs { byName[run.network, default: []].append(run) }
        return sweep.points.compactMap { point in
            guard let runs = byName[point.runName(network.name)], !runs.isEmpty else { return nil }
            return SweepCell(network: network.name, colorIndex: networkIndex, point: point, runs: runs)
        }
    }

    /// The factor by which ‖dL/dW_l‖ grows per layer towards the input at initialisation: e^(−slope)
    /// of a least-squares line through ln ‖dL/dW_l‖ against l over the middle layers (`fitLayers`);
    /// nil for fewer than 3 such layers or a zero or non-finite norm among them.
    public static func measuredFactor(_ run: RunHistory) -> Double? {
        guard let row = run.stats.weightGradNorm.first else { return nil }
        let hidden = row.count - 1
        let lo = max(1, Int((Double(hidden) * fitLayers.from).rounded())), hi = Int((Double(hidden) * fitLayers.to).rounded())
        guard hi - lo >= 2 else { return nil }
        var xs: [Double] = [], ys: [Double] = []
        for layer in lo...hi {
            let v = Double(row[layer - 1])
            guard v > 0, v.isFinite else { return nil }
            xs.append(Double(layer))
            ys.append(log(v))
        }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        return exp(-sxy / sxx)
    }

    /// The critical σ_w² of `settings`' activation at its σ_b²; nil without theory.
    public static func criticalWeightVariance(_ settings: RunSettings) -> Double? {
        guard let field = theory(settings) else { return nil }
        return MeanField.criticalWeightVariance(field.activation, biasVariance: field.biasVariance)
    }

    /// The cell values the heatmap draws along an axis: its values, or [nil] when the sweep lacks it.
    static func axisKeys(_ sweep: ParameterSweep) -> (x: SweepAxis.Key, y: SweepAxis.Key?) {
        let keys = sweep.axes.map(\.key)
        let x: SweepAxis.Key = keys.contains(.weightVariance) ? .weightVariance : keys[0]
        let y: SweepAxis.Key? = keys.contains(.depth) && x != .depth ? .depth : keys.first { $0 != x }
        return (x, y)
    }

    /// Maps a value on an axis of grid values to a position 0…1: cell i spans [i, i+1]/n, values
    /// between cell centres are interpolated, beyond them extrapolated with the end spacing.
    public static func position(_ value: Double, along values: [Double]) -> Double {
        let n = values.count
        guard n > 1 else { return 0.5 }
        var i = 0
        while i < n - 2, value > values[i + 1] { i += 1 }
        let t = (value - values[i]) / (values[i + 1] - values[i])
        return (Double(i) + 0.5 + t) / Double(n)
    }

    /// The axis title of a swept key.
    static func title(_ key: SweepAxis.Key) -> String {
        switch key {
        case .weightVariance: return "σ_w² (weight variance × fan-in)"
        case .biasVariance: return "σ_b² (bias variance)"
        case .depth: return "depth (hidden layers)"
        case .width: return "width"
        case .batchSize: return "batch size"
        case .steps: return "training steps"
        case .learningRate: return "learning rate"
        }
    }

    /// Test accuracy over the sweep's grid, one panel per network, with the critical σ_w² and
    /// `trainableDepthScales` ξ_c drawn over it where theory applies.
    public static func accuracyScene(_ history: GradientHistory, style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        guard let sweep = history.spec.sweep, !sweep.axes.isEmpty else { return scene }
        let (xKey, yKey) = axisKeys(sweep)
        let top = FigureLayout.title("Test accuracy after training, over the sweep's grid", in: &scene, style: style, measurer: measurer)
        let networks = history.spec.networks.indices.filter { !cells(history, network: $0).isEmpty }
        var entries: [LegendEntry] = []
        let first = networks.first.flatMap { cells(history, network: $0).first?.runs.first?.settings }
        let withTheory = xKey == .weightVariance && first.flatMap { theory($0) } != nil
        if withTheory {
            entries.append(LegendEntry(mark: .line(style.textColor, dash: [6, 4], marker: false), label: "critical σ_w² (χ₁ = 1): the edge of chaos"))
            if yKey == .depth {
                entries.append(LegendEntry(mark: .line(Color(red: 1, green: 0.35, blue: 0.35), dash: [], marker: false),
                                           label: "depth \(NumberFormat.fixed(trainableDepthScales, digits: 0)) ξ_c (mean-field theory)"))
            }
        }
        let seeds = history.spec.seeds.count
        entries.append(LegendEntry(mark: .swatch(style.colorMap.color(at: 0.7), outline: nil),
                                   label: "cell: final test accuracy" + (seeds > 1 ? ", mean of \(seeds) seeds" : "")))
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)

        let bar = ColorBar(map: style.colorMap, ticks: stride(from: 0.0, through: 1.0, by: 0.2).map {
            Tick(fraction: $0, label: NumberFormat.fixed($0, digits: 1))
        }, title: "test accuracy", specials: [])
        let barWidth = bar.width(style: style, measurer: measurer)
        let plotRight = size.width - FigureLayout.margin - barWidth - 16
        let areas = FigureLayout.panelAreas(networks.count, top: top, bottom: legendTop - 12, pageWidth: plotRight + FigureLayout.margin,
                                            gap: 10, style: style)
        for (p, n) in networks.enumerated() {
            let area = areas[p]
            scene.append(contentsOf: accuracyPanel(history, network: n, xKey: xKey, yKey: yKey, in: area, style: style, measurer: measurer))
        }
        scene.append(contentsOf: bar.items(in: Rect(x: plotRight + 16, y: top + 20, width: barWidth, height: legendTop - 40 - top), style: style))
        return scene
    }

    static func accuracyPanel(
        _ history: GradientHistory, network: Int, xKey: SweepAxis.Key, yKey: SweepAxis.Key?, in area: Rect,
        style: FigureStyle, measurer: TextMeasurer
    ) -> [SceneItem] {
        guard let sweep = history.spec.sweep, let xAxis = sweep.axis(xKey) else { return [] }
        let xs = xAxis.values
        let ys = yKey.flatMap { sweep.axis($0)?.values } ?? [0]
        let data = cells(history, network: network)
        var accuracy = [[Double?]](repeating: [Double?](repeating: nil, count: xs.count), count: ys.count)
        var settings: RunSettings?
        for cell in data {
            guard let xv = cell.point[xKey], let i = xs.firstIndex(of: xv) else { continue }
            let j = yKey.flatMap { cell.point[$0] }.flatMap { ys.firstIndex(of: $0) } ?? 0
            accuracy[j][i] = cell.meanTestAccuracy
            if settings == nil { settings = cell.runs.first?.settings }
        }
        let name = history.spec.networks[network].name
        var out: [SceneItem] = [.text(name, at: Point(area.minX, area.minY), style: style.text(style.panelTitleSize, weight: .bold, baseline: .top), rotation: 0)]
        let yLabels = ys.map { SweepCoordinate.number($0) }
        let left = Axes.leftMargin(labels: yLabels, style: style, measurer: measurer, hasTitle: yKey != nil)
        let titleHeight = style.panelTitleSize * 1.4 + 4
        let frame = Rect(x: area.minX + left, y: area.minY + titleHeight, width: max(10, area.width - left - 4),
                         height: max(10, area.height - titleHeight - Axes.bottomMargin(style: style)))
        // Missing cells (a run not in the history) take the map's underflow colour.
        let map = style.colorMap
        let words = map.pixelWords
        let image = RasterImage(width: xs.count, height: ys.count) { pixels in
            for row in 0..<ys.count {
                for column in 0..<xs.count {
                    // Row 0 of the image is the top: the largest y value.
                    let value = accuracy[ys.count - 1 - row][column]
                    let index = value.map { map.index(at: min(1, max(0, $0))) } ?? map.colors.count
                    pixels.store(words[index], at: row * xs.count + column)
                }
            }
        }
        out.append(.image(image, rect: frame, interpolation: .nearest))
        func ticks(_ values: [Double], length: Double) -> [Tick] {
            let every = max(1, Int((Double(values.count) / max(2, length / 56)).rounded(.up)))
            return values.indices.filter { $0 % every == 0 || $0 == values.count - 1 && ($0 % every) * 2 > every }.map {
                Tick(fraction: (Double($0) + 0.5) / Double(values.count), label: SweepCoordinate.number(values[$0]))
            }
        }
        var axes = Axes(frame: frame, xTicks: ticks(xs, length: frame.width),
                        yTicks: yKey == nil ? [] : ticks(ys, length: frame.height * 1.6),
                        xTitle: title(xKey), yTitle: yKey.map(title))
        axes.box = true
        out += axes.items(style: style, measurer: measurer)

        // Theory over the grid: the edge as a vertical line, trainable depth as a curve.
        guard xKey == .weightVariance, let settings, let field = theory(settings),
              let critical = MeanField.criticalWeightVariance(field.activation, biasVariance: field.biasVariance) else { return out }
        var overlay: [SceneItem] = []
        let cx = frame.minX + position(critical, along: xs) * frame.width
        // A white line under a dark dashed one: visible on every colour of the map.
        let edgeLine = Path.polyline([Point(cx, frame.minY), Point(cx, frame.maxY)])
        overlay.append(.stroke(edgeLine, StrokeStyle(color: Color(red: 1, green: 1, blue: 1), width: 3.5)))
        overlay.append(.stroke(edgeLine, StrokeStyle(color: style.textColor, width: 1.8, dash: [6, 4])))
        if yKey == .depth, let lo = xs.first, let hi = xs.last, hi > lo {
            var path = Path()
            var drawing = false
            let samples = 120
            for k in 0...samples {
                let w = lo + (hi - lo) * Double(k) / Double(samples)
                let scale = MeanField(field.activation, weightVariance: w, biasVariance: field.biasVariance).correlationDepthScale
                guard let scale, scale.isFinite else {
                    drawing = false
                    continue
                }
                let depth = min(trainableDepthScales * scale, (ys.last ?? 1) * 10)
                let pt = Point(frame.minX + position(w, along: xs) * frame.width, frame.maxY - position(depth, along: ys) * frame.height)
                if drawing { path.line(to: pt) } else { path.move(to: pt) }
                drawing = true
            }
            overlay.append(.stroke(path, StrokeStyle(color: Color(red: 1, green: 0.35, blue: 0.35), width: 2.2, cap: .round, join: .round)))
        }
        out.append(.group(overlay, clip: frame, opacity: 1))
        out.append(.text("edge σ_w² = \(NumberFormat.fixed(critical, digits: 2))", at: Point(cx + 5, frame.minY + 4),
                         style: style.text(style.tickSize, baseline: .top, color: Color(red: 0.97, green: 0.97, blue: 0.97)), rotation: 0))
        return out
    }

    /// One point per run of the measured per-layer gradient factor at initialisation against σ_w²,
    /// with the median per σ_w², and theory's √χ₁ as a line.
    public struct FactorPoint: Sendable {
        public var weightVariance: Double
        public var factors: [Double]
        public var theory: Double?

        public var median: Double? {
            let v = factors.sorted()
            guard !v.isEmpty else { return nil }
            return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
        }
    }

    /// The measured factors of network `network`, one point per σ_w², over every seed and depth
    /// deep enough to fit (`minimumFitDepth`).
    public static func factorPoints(_ history: GradientHistory, network: Int = 0) -> [FactorPoint] {
        guard let axis = history.spec.sweep?.axis(.weightVariance) else { return [] }
        let data = cells(history, network: network)
        return axis.values.map { w in
            let runs = data.filter { $0.point[.weightVariance] == w }.flatMap(\.runs).filter { $0.settings.depth >= minimumFitDepth }
            let field = runs.first.flatMap { theory($0.settings) }
            return FactorPoint(weightVariance: w, factors: runs.compactMap(measuredFactor), theory: field?.gradientFactorPerLayer)
        }
    }

    /// The shallowest network whose middle layers give a factor worth plotting.
    public static let minimumFitDepth = 10

    /// The measured per-layer gradient factor at initialisation against theory's √χ₁.
    public static func factorScene(_ history: GradientHistory, style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let size = FigureLayout.canvas(natural: (Self.size.width, 500), style: style)
        var scene = Scene(width: size.width, height: size.height)
        let top = FigureLayout.title("Gradient growth per layer at initialisation: measured and mean-field theory", in: &scene, style: style, measurer: measurer)
        // One series per network that has runs deep enough to fit and a theory to compare with.
        let spec = history.spec
        let series = spec.networks.indices.compactMap { n -> (name: String, points: [FactorPoint], field: MeanField, color: Color)? in
            let points = factorPoints(history, network: n)
            guard let settings = cells(history, network: n).first?.runs.first?.settings,
                  let field = theory(settings), points.contains(where: { !$0.factors.isEmpty }) else { return nil }
            return (spec.networks[n].name, points, field, style.networkColor(n + 1))
        }
        // One series keeps black theory beside its coloured measurement; several pair each theory with its network's colour.
        let single = series.count <= 1
        func theoryColor(_ color: Color) -> Color { single ? style.textColor : color }
        let seedsAndDepths = series.flatMap(\.points).map(\.factors.count).max() ?? 0
        var entries: [LegendEntry] = []
        for s in series {
            let prefix = single ? "" : s.name + " "
            entries.append(LegendEntry(mark: .line(theoryColor(s.color), dash: single ? [] : [5, 3], marker: false), label: prefix + "theory: √χ₁"))
            entries.append(LegendEntry(mark: .line(s.color, dash: [], marker: true),
                                       label: prefix + (single ? "measured: fit of ln ‖dL/dW_l‖ over the middle 60 % of layers, median" : "measured (median)")))
        }
        if !single {
            entries.append(LegendEntry(mark: .line(style.mutedTextColor, dash: [], marker: true),
                                       label: "measured: fit of ln ‖dL/dW_l‖ over the middle 60 % of layers"))
        }
        if seedsAndDepths > 1 {
            entries.append(LegendEntry(mark: .swatch((single ? series[0].color : style.mutedTextColor).withAlpha(0.35), outline: nil),
                                       label: "each run (\(seedsAndDepths) per σ_w²: seeds × depths ≥ \(minimumFitDepth))"))
        }
        let legendTop = FigureLayout.bottomLegend(entries, in: &scene, style: style, measurer: measurer)
        let weights = series.flatMap(\.points).map(\.weightVariance)
        guard let lo = weights.min(), let hi = weights.max(), hi > lo else { return scene }
        let curves = series.map { s in
            (0...200).map { k -> (x: Double, y: Double) in
                let w = lo + (hi - lo) * Double(k) / 200
                return (w, MeanField(s.field.activation, weightVariance: w, biasVariance: s.field.biasVariance).gradientFactorPerLayer ?? .nan)
            }
        }
        let all = curves.flatMap { $0.map(\.y) }.filter(\.isFinite) + series.flatMap(\.points).flatMap(\.factors).filter(\.isFinite) + [1]
        let yLo = (all.min() ?? 0.8) - 0.03, yHi = (all.max() ?? 1.2) + 0.03
        let yTicks = Ticks.linear(from: yLo, to: yHi,
                                  maxCount: FigureLayout.tickCount(8, length: legendTop - top - 60, labelSpan: 2.2, style: style)) { v, _ in
            NumberFormat.fixed(v, digits: 2)
        }
        let left = Axes.leftMargin(labels: yTicks.map(\.label), style: style, measurer: measurer)
        let frame = Rect(x: FigureLayout.margin + left, y: top + 4, width: size.width - 2 * FigureLayout.margin - left - 10,
                         height: legendTop - 16 - top - Axes.bottomMargin(style: style))
        let xTicks = Ticks.linear(from: lo, to: hi, maxCount: FigureLayout.tickCount(10, length: frame.width, labelSpan: 4, style: style)) { v, _ in
            NumberFormat.fixed(v, digits: 1)
        }
        var axes = Axes(frame: frame, xTicks: xTicks, yTicks: yTicks, xTitle: title(.weightVariance),
                        yTitle: "‖dL/dW_l‖ ÷ ‖dL/dW_(l+1)‖")
        axes.horizontalGrid = true
        scene.append(contentsOf: axes.items(style: style, measurer: measurer))
        let x = PlotScale.linear(lo, hi), y = PlotScale.linear(yLo, yHi)
        var items: [SceneItem] = []
        func at(_ px: Double, _ py: Double) -> Point? {
            guard let fx = x.fraction(px), let fy = y.fraction(py) else { return nil }
            return Point(frame.minX + fx * frame.width, frame.maxY - fy * frame.height)
        }
        if let a = at(lo, 1), let b = at(hi, 1) {
            items.append(.stroke(.polyline([a, b]), StrokeStyle(color: style.axisColor, width: 1, dash: [3, 3])))
        }
        // The edge of each activation (once per distinct edge), labelled one under another from the top.
        var edges: [(value: Double, name: String)] = []
        for s in series {
            guard let critical = MeanField.criticalWeightVariance(s.field.activation, biasVariance: s.field.biasVariance),
                  !edges.contains(where: { abs($0.value - critical) < 1e-9 }) else { continue }
            edges.append((critical, s.name))
        }
        for (k, edge) in edges.enumerated() {
            guard let a = at(edge.value, yLo), let b = at(edge.value, yHi) else { continue }
            items.append(.stroke(.polyline([a, b]), StrokeStyle(color: style.axisColor, width: 1.2, dash: [6, 4])))
            let label = edges.count == 1 ? "edge of chaos, σ_w² = \(NumberFormat.fixed(edge.value, digits: 2))"
                                         : "edge of chaos (\(edge.name)), σ_w² = \(NumberFormat.fixed(edge.value, digits: 2))"
            items.append(.text(label, at: Point(a.x + 5, frame.minY + 4 + Double(k) * style.tickSize * 1.4),
                               style: style.text(style.tickSize, baseline: .top, color: style.mutedTextColor), rotation: 0))
        }
        if edges.count == 1, let l = at(lo, yHi), let r = at(hi, yHi) {
            let labelStyle = style.text(style.legendSize, baseline: .top, color: style.mutedTextColor)
            items.append(.text("ordered: gradients vanish", at: Point(l.x + 6, frame.maxY - style.legendSize * 2), style: labelStyle, rotation: 0))
            items.append(.text("chaotic: gradients explode", at: Point(r.x - 6, frame.minY + style.legendSize * 1.6),
                               style: style.text(style.legendSize, anchor: .end, baseline: .top, color: style.mutedTextColor), rotation: 0))
        }
        for s in series {
            for p in s.points {
                for f in p.factors {
                    if let pt = at(p.weightVariance, f) { items.append(.fill(.circle(center: pt, radius: 2.2), s.color.withAlpha(0.35))) }
                }
            }
        }
        for (s, curve) in zip(series, curves) {
            items += LinePlot.line(curve, x: x, y: y, frame: frame, color: theoryColor(s.color), width: 1.8, dash: single ? [] : [5, 3], markers: false)
        }
        for s in series {
            items += LinePlot.line(s.points.map { ($0.weightVariance, $0.median ?? .nan) }, x: x, y: y, frame: frame,
                                   color: s.color, width: style.lineWidth, markers: true)
        }
        scene.append(.group(items, clip: frame.insetBy(dx: -6, dy: -6), opacity: 1))
        return scene
    }

    /// The deepest run (first seed) at the lowest and at the highest σ_w² of a network: one on each side of the edge.
    public static func sides(_ history: GradientHistory, network: Int = 0) -> (ordered: RunHistory, chaotic: RunHistory)? {
        let data = cells(history, network: network)
        let depth = data.compactMap { $0.runs.first?.settings.depth }.max()
        let deepest = data.filter { $0.runs.first?.settings.depth == depth }
        guard let ordered = deepest.min(by: { ($0.point[.weightVariance] ?? 0) < ($1.point[.weightVariance] ?? 0) })?.runs.first,
              let chaotic = deepest.max(by: { ($0.point[.weightVariance] ?? 0) < ($1.point[.weightVariance] ?? 0) })?.runs.first,
              ordered.network != chaotic.network
        else { return nil }
        return (ordered, chaotic)
    }

    /// Fading diagrams at initialisation, one on each side of the edge: a pair per network, network by network.
    public static func fadingScene(_ history: GradientHistory, style: FigureStyle = .standard, measurer: TextMeasurer) -> Scene {
        let networks = history.spec.networks
        func label(_ run: RunHistory, _ place: String, _ network: Int) -> String {
            let field = theory(run.settings), chi1 = field?.chi1
            let chi = chi1.map { ", χ₁ = \(NumberFormat.fixed($0, digits: 2))" } ?? ""
            // The side theory puts the run on; a sweep that does not straddle the edge has both ends on one side.
            // Without a fixed variance (relu beyond σ_w² = 2) activations and gradients both grow: exploding, not chaotic.
            let side = chi1.map { abs($0 - 1) < 0.005 ? "at the edge" : ($0 < 1 ? "ordered" : "chaotic") }
                ?? (field == nil ? place : "exploding")
            // With several networks, say which one each pair is.
            let name = networks.count > 1 ? "\(networks[network].name), " : ""
            return "\(name)\(side), σ_w² = \(SweepCoordinate.number(run.settings.`init`.variances?.weightVariance ?? 0))\(chi)"
        }
        let runs = networks.indices.flatMap { n -> [FigureRun] in
            guard let (ordered, chaotic) = sides(history, network: n) else { return [] }
            return [
                FigureRun(run: ordered, label: label(ordered, "ordered", n), fileName: "ordered", colorIndex: 0),
                FigureRun(run: chaotic, label: label(chaotic, "chaotic", n), fileName: "chaotic", colorIndex: 1),
            ]
        }
        guard !runs.isEmpty else { return Scene(width: size.width, height: 200) }
        return FadingLayerDiagram.smallMultiples(runs, fraction: 0, style: style, measurer: measurer)
    }
}
