import Foundation
import Graphics
import GradientData

/// The fading-layer diagram: a network drawn as layers of neurons in a slight oblique 3-D
/// view, each layer as opaque and as bright as its gradient relative to the output layer.
///
/// The ratio `‖dL/dW_l‖ / ‖dL/dW_out‖` is placed on a log scale of `decades` decades
/// (`10^-decades … 10⁰`): the output layer (ratio 1) is fully opaque and drawn in the map's
/// top colour; a layer at `10^-decades` or below is nearly transparent (opacity
/// `minimumOpacity`) in the map's bottom colour. Ratios above 1 are drawn like 1.
/// A zero gradient leaves only a dashed outline; NaN/Inf is drawn opaque in the map's
/// non-finite colour.
public enum FadingLayerDiagram {
    /// The decades of relative gradient the diagram spans.
    public static let decades = 12
    /// The opacity of a layer at (or below) `10^-decades` of the output layer's gradient.
    public static let minimumOpacity = 0.04
    /// At most this many neurons are drawn per layer (then an ellipsis).
    public static let maxNeurons = 8
    /// The single-run figure's natural size in points.
    public static let size = (width: 720.0, height: 440.0)

    /// How one layer is drawn.
    public struct LayerAppearance: Hashable, Sendable {
        /// Whether the layer has a ratio, no gradient at all, or a NaN/Inf gradient.
        public enum Kind: Hashable, Sendable { case value, underflow, nonFinite }
        /// 0-based layer index (0 = first hidden layer).
        public var layer: Int
        public var label: String
        /// The layer's gradient divided by the reference (output) layer's.
        public var ratio: Double
        public var kind: Kind
        /// The group opacity the layer is drawn with.
        public var opacity: Double
        public var color: Color

        public init(layer: Int, label: String, ratio: Double, kind: Kind, opacity: Double, color: Color) {
            self.layer = layer
            self.label = label
            self.ratio = ratio
            self.kind = kind
            self.opacity = opacity
            self.color = color
        }
    }

    /// The reference layer's gradient and whether it is the output layer.
    public struct Reference: Hashable, Sendable {
        public var value: Double
        public var isOutputLayer: Bool

        public init(value: Double, isOutputLayer: Bool) {
            self.value = value
            self.isOutputLayer = isOutputLayer
        }
    }

    /// The opacity of a layer whose gradient is `ratio` times the output layer's.
    public static func opacity(ratio: Double) -> Double {
        guard ratio.isFinite, ratio > 0 else { return minimumOpacity }
        return minimumOpacity + (1 - minimumOpacity) * position(ratio: ratio)
    }

    /// The position 0…1 of `ratio` on the `10^-decades … 10⁰` scale.
    public static func position(ratio: Double) -> Double {
        LogScale(lowerExponent: -decades, upperExponent: 0).position(ofExponent: log10(ratio))
    }

    /// The reference gradient at recorded row `index`: the output layer's if it is finite and
    /// positive, else the largest finite positive layer's (nil if there is none).
    public static func reference(_ run: RunHistory, index: Int, quantity: GradientQuantity = .weightGradient) -> Reference? {
        let values = quantity.values(run)
        let count = layerCount(run)
        guard count > 0 else { return nil }
        return reference(among: (0..<count).map { run.value(values, index, $0) })
    }

    /// The last of `values` (the output layer, or the last time step) if it is finite and positive,
    /// else the largest finite positive one (nil if there is none).
    public static func reference(among values: [Double]) -> Reference? {
        guard let last = values.last else { return nil }
        if last.isFinite && last > 0 { return Reference(value: last, isOutputLayer: true) }
        return values.filter { $0.isFinite && $0 > 0 }.max().map { Reference(value: $0, isOutputLayer: false) }
    }

    /// How every layer of `run` is drawn at recorded row `index`.
    public static func appearances(
        _ run: RunHistory, index: Int, map: ColorMap, quantity: GradientQuantity = .weightGradient
    ) -> [LayerAppearance] {
        let values = quantity.values(run)
        let ref = reference(run, index: index, quantity: quantity)
        return (0..<layerCount(run)).map { l in
            let label = l < run.layers.count ? run.layerLabel(l) : String(l + 1)
            return appearance(of: run.value(values, index, l), reference: ref, layer: l, label: label, map: map)
        }
    }

    /// How a gradient `value` is drawn against `reference`: its ratio's opacity and colour, or the
    /// marked looks of no gradient at all and of NaN/Inf (or of any gradient when nothing is a reference).
    public static func appearance(of value: Double, reference: Reference?, layer: Int, label: String, map: ColorMap) -> LayerAppearance {
        if !value.isFinite || reference == nil && value > 0 {
            return LayerAppearance(layer: layer, label: label, ratio: .nan, kind: .nonFinite, opacity: 1, color: map.nonFiniteColor)
        }
        guard value > 0, let reference else {
            return LayerAppearance(layer: layer, label: label, ratio: 0, kind: .underflow, opacity: 1, color: map.underflowColor)
        }
        let ratio = value / reference.value
        return LayerAppearance(layer: layer, label: label, ratio: ratio, kind: .value,
                               opacity: opacity(ratio: ratio), color: map.color(at: position(ratio: ratio)))
    }

    /// The darker edge drawn around a shape filled with `color`.
    static func outlineColor(_ color: Color) -> Color {
        Color(red: color.red * 0.55, green: color.green * 0.55, blue: color.blue * 0.55)
    }

    /// How closely (device pixels) raster output follows the neurons' ellipses.
    static let neuronTolerance = 0.25

    /// The outline of a layer with no gradient at all: light and dashed, so it reads as empty.
    static let emptyOutline = StrokeStyle(color: Color(rgb8: 0xA0, 0xA0, 0xA0), width: 0.9, dash: [2.5, 3])

    static func layerCount(_ run: RunHistory) -> Int {
        max(run.layers.count, run.stats.weightGradNorm.first?.count ?? 0)
    }

    // MARK: - Figures

    /// One network at recorded row `index` (default: the last recorded step).
    public static func scene(
        _ run: FigureRun, index: Int? = nil, quantity: GradientQuantity = .weightGradient,
        style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> Scene {
        let size = FigureLayout.canvas(natural: Self.size, style: style)
        var scene = Scene(width: size.width, height: size.height)
        let i = index ?? max(0, run.run.recordedCount - 1)
        let step = i < run.run.steps.count ? run.run.steps[i] : 0
        var top = FigureLayout.title("Where the gradient fades: \(run.label) at step \(step)", in: &scene, style: style, measurer: measurer)
        let legend = legendItems(style: style, measurer: measurer, centerX: size.width / 2, bottom: size.height - FigureLayout.margin,
                                 maxWidth: size.width - 2 * FigureLayout.margin)
        // The explanation only where it leaves the network room (not in a paper column).
        var explained = scene
        let below = FigureLayout.subtitle(explanation(run.run, index: i, quantity: quantity), at: top, in: &explained, style: style, measurer: measurer)
        if legend.top - below - 24 >= max(80, size.height * 0.35) {
            scene = explained
            top = below
        }
        let area = Rect(x: FigureLayout.margin + 8, y: top + 8, width: size.width - 2 * FigureLayout.margin - 16,
                        height: legend.top - top - 24)
        scene.append(contentsOf: network(run.run, index: i, quantity: quantity, in: area, style: style, measurer: measurer))
        scene.append(contentsOf: legend.items)
        scene.crowded = area.height < minimumNetworkHeight(style)
        return scene
    }

    /// Several networks at one point of training (`fraction` 0…1 of each run; default the end).
    public static func smallMultiples(
        _ runs: [FigureRun], fraction: Double = 1, quantity: GradientQuantity = .weightGradient,
        style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> Scene {
        let legendWidth: Double = legendSize(style: style, measurer: measurer, maxWidth: .infinity).width
        let minWidth: Double = legendWidth + 16 + 2 * FigureLayout.margin
        var when = fraction >= 1 ? "at the end of training" : (fraction <= 0 ? "at initialisation" : "at \(NumberFormat.percent(fraction, digits: 0)) of training")
        // A history cut short (drawn at a step of training) ends before its planned steps: name that step, not "the end".
        let lastSteps = Set(runs.map { $0.run.recordedCount > 0 ? $0.run.steps[$0.run.recordedCount - 1] : -1 })
        if fraction >= 1, lastSteps.count == 1, let last = lastSteps.first, last >= 0,
           runs.allSatisfy({ last + max(1, $0.run.settings.recordEvery) * max(1, $0.run.stepsPerBucket) < $0.run.settings.steps }) {
            when = "at step \(last)"
        }
        let layout = FigureLayout.titledGrid(
            "Gradient reaching each layer, relative to the output layer, \(when)", count: runs.count,
            naturalCell: (360, 250), besideGrid: 2 * FigureLayout.margin, minWidth: minWidth,
            belowGrid: legendBand(style: style, measurer: measurer),
            style: style, measurer: measurer)
        var scene = layout.scene
        let top = layout.top, grid = layout.grid
        for (k, run) in runs.enumerated() {
            let cell = grid.cell(k, origin: Point(FigureLayout.margin, top)).insetBy(dx: 8, dy: 4)
            let i = run.run.recordedIndex(atFraction: fraction) ?? 0
            let step = i < run.run.steps.count ? String(run.run.steps[i]) : "–"
            scene.append(contentsOf: panel(title: "\(run.label) · step \(step)", run.run, index: i, quantity: quantity,
                                           in: cell, style: style, measurer: measurer))
        }
        let legend = legendItems(style: style, measurer: measurer, centerX: scene.width / 2, bottom: scene.height - FigureLayout.margin,
                                 maxWidth: scene.width - 32)
        scene.append(contentsOf: legend.items)
        scene.crowded = grid.cellHeight - 8 - style.panelTitleSize * 1.2 - 10 < minimumNetworkHeight(style)
        return scene
    }

    /// One network over training: at initialisation, 10 %, 50 % and the end (repeats dropped).
    public static func filmStrip(
        _ run: FigureRun, fractions: [Double] = [0, 0.1, 0.5, 1], quantity: GradientQuantity = .weightGradient,
        style: FigureStyle = .standard, measurer: TextMeasurer
    ) -> Scene {
        var frames: [(name: String, index: Int)] = []
        for f in fractions {
            guard let i = run.run.recordedIndex(atFraction: f), !frames.contains(where: { $0.index == i }) else { continue }
            let name = f <= 0 ? "init" : (f >= 1 ? "end" : NumberFormat.percent(f, digits: 0))
            frames.append((name, i))
        }
        if frames.isEmpty { frames = [("no steps recorded", 0)] }
        let legendWidth: Double = legendSize(style: style, measurer: measurer, maxWidth: .infinity).width
        let minWidth: Double = legendWidth + 16 + 2 * FigureLayout.margin
        let layout = FigureLayout.titledGrid(
            "\(run.label): gradient reaching each layer over training", count: frames.count,
            naturalCell: (270, 260), maxColumns: 4, besideGrid: 2 * FigureLayout.margin, minWidth: minWidth,
            belowGrid: legendBand(style: style, measurer: measurer),
            style: style, measurer: measurer)
        var scene = layout.scene
        let top = layout.top, grid = layout.grid
        let origin = Point((scene.width - grid.width) / 2, top)
        for (k, frame) in frames.enumerated() {
            let cell = grid.cell(k, origin: origin).insetBy(dx: 8, dy: 4)
            let step = frame.index < run.run.steps.count ? String(run.run.steps[frame.index]) : "–"
            scene.append(contentsOf: panel(title: "\(frame.name) · step \(step)", run.run, index: frame.index, quantity: quantity,
                                           in: cell, style: style, measurer: measurer))
        }
        let legend = legendItems(style: style, measurer: measurer, centerX: scene.width / 2, bottom: scene.height - FigureLayout.margin,
                                 maxWidth: scene.width - 32)
        scene.append(contentsOf: legend.items)
        scene.crowded = grid.cellHeight - 8 - style.panelTitleSize * 1.2 - 10 < minimumNetworkHeight(style)
        return scene
    }

    /// The least height, in points, a network's planes and layer numbers need to be read.
    static func minimumNetworkHeight(_ style: FigureStyle) -> Double { style.tickSize * 8 }

    /// A plain-language sentence on how much gradient reaches layer 1.
    static func explanation(_ run: RunHistory, index: Int, quantity: GradientQuantity) -> String {
        let lead = "Each plane is a layer, input on the left; its opacity and colour show its \(quantity.symbol) relative to the output layer."
        guard let ref = reference(run, index: index, quantity: quantity) else {
            return lead + " No layer has a finite, non-zero gradient at this step."
        }
        let first = run.value(quantity.values(run), index, 0)
        let whose = ref.isOutputLayer ? "the output layer's" : "the largest layer's (the output layer's is not finite and positive)"
        if !first.isFinite { return lead + " Layer 1's gradient is not finite." }
        if first <= 0 { return lead + " Layer 1 receives no gradient at all." }
        return lead + " Layer 1 receives \(NumberFormat.scientific(first / ref.value, digits: 1)) of \(whose) gradient."
    }

    // MARK: - Drawing

    static func panel(title: String, _ run: RunHistory, index: Int, quantity: GradientQuantity,
                      in cell: Rect, style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        let s = style.text(style.panelTitleSize, weight: .bold, baseline: .top)
        var out: [SceneItem] = [.text(TextWrap.truncated(title, width: cell.width, style: s, measurer: measurer),
                                      at: Point(cell.minX, cell.minY), style: s, rotation: 0)]
        let area = Rect(x: cell.minX, y: cell.minY + style.panelTitleSize * 1.2 + 10, width: cell.width,
                        height: cell.height - style.panelTitleSize * 1.2 - 10)
        out += network(run, index: index, quantity: quantity, in: area, style: style, measurer: measurer)
        return out
    }

    /// The oblique view of `run`'s layers at row `index`, filling `area` (labels included).
    static func network(_ run: RunHistory, index: Int, quantity: GradientQuantity, in area: Rect,
                        style: FigureStyle, measurer: TextMeasurer) -> [SceneItem] {
        let all = appearances(run, index: index, map: style.colorMap, quantity: quantity)
        guard !all.isEmpty else {
            return [.text("nothing recorded", at: Point(area.midX, area.midY),
                          style: style.text(style.labelSize, anchor: .middle, baseline: .middle, color: style.mutedTextColor), rotation: 0)]
        }
        // A plane is H tall and D deep; depth recedes up and to the right at 30°.
        let minSpacing = 9.0
        let labelHeight = style.tickSize * 1.3 + 6
        let noteHeight = style.tickSize * 1.3 + 4
        func planeHeight(_ h: Double) -> Double { max(16, h - labelHeight) / 1.25 }
        // Too many layers for the width: draw an evenly spread sample and say so.
        let sampled = all.count > max(2, Int((area.width - planeHeight(area.height) * 0.4) / minSpacing) + 1)
        let height = max(20, area.height - labelHeight - (sampled ? noteHeight : 0))
        let planeHeight = height / 1.25
        let depth = (dx: planeHeight * 0.40, dy: -planeHeight * 0.23)
        let maxPlanes = max(2, Int((area.width - depth.dx) / minSpacing) + 1)
        let shown = sampledLayers(count: all.count, maxCount: maxPlanes).map { all[$0] }
        let spacing = shown.count > 1 ? (area.width - depth.dx - 4) / Double(shown.count - 1) : 0
        let startX = shown.count > 1 ? area.minX + 2 : area.midX - depth.dx / 2
        let baseY = area.minY + height
        // An imported log does not know the width (0): draw a full column of neurons, no ellipsis.
        let width = run.settings.width > 0 ? run.settings.width : maxNeurons
        let neurons = max(1, min(width, maxNeurons))
        let ellipsis = width > maxNeurons
        let slots = Double(neurons) + (ellipsis ? 1.2 : 0.3)
        let radius = max(1.5, min(planeHeight / slots * 0.34, spacing * 0.42, 9))

        func neuronCenter(_ x: Double, _ j: Int) -> Point {
            let v = (Double(j) + 0.65) / slots
            return Point(x + depth.dx * 0.5, baseY + depth.dy * 0.5 - v * planeHeight)
        }

        var out: [SceneItem] = []
        for (k, layer) in shown.enumerated() {
            let x = startX + Double(k) * spacing
            var items: [SceneItem] = []
            let corners = [Point(x, baseY), Point(x, baseY - planeHeight),
                           Point(x + depth.dx, baseY - planeHeight + depth.dy), Point(x + depth.dx, baseY + depth.dy)]
            let outline = style.outline(of: layer.color)
            if layer.kind == .underflow {
                items.append(.stroke(.polygon(corners), FadingLayerDiagram.emptyOutline))
            } else {
                items.append(.fill(.polygon(corners), layer.color.withAlpha(0.45)))
                items.append(.stroke(.polygon(corners), StrokeStyle(color: outline, width: 1.2, join: .round)))
                // Connections to the next drawn layer: each neuron to its neighbours, 0.8 pt wide.
                // Filled as bands (the shape a butt-capped stroke covers): Cairo fills them several
                // times faster than it strokes the same lines.
                if k + 1 < shown.count {
                    var wires = Path()
                    wires.elements.reserveCapacity(5 * 3 * neurons)
                    for j in 0..<neurons {
                        for t in max(0, j - 1)...min(neurons - 1, j + 1) {
                            wires.addBand(from: neuronCenter(x, j), to: neuronCenter(x + spacing, t), width: 0.8)
                        }
                    }
                    items.append(.fill(wires, outline.withAlpha(0.7)))
                }
                // Neurons: the layer's colour inside a 0.9 pt rim of the outline colour, drawn as the
                // rims' ellipses filled, then the smaller inner ellipses on top: two fills per layer
                // instead of a fill and a stroke per neuron.
                // Each ellipse is at most 18 pt tall: flattened to within 0.25 px instead of Cairo's
                // 0.1 px it has half the segments to scan-convert, and only the antialiasing of its
                // edge pixels changes (by a few levels).
                var rims = Path(rasterTolerance: neuronTolerance), cores = Path(rasterTolerance: neuronTolerance)
                let rim = 0.45
                rims.elements.reserveCapacity(6 * neurons)
                cores.elements.reserveCapacity(6 * neurons)
                for j in 0..<neurons {
                    let c = neuronCenter(x, j)
                    rims.addEllipse(in: Rect(x: c.x - radius * 0.8 - rim, y: c.y - radius - rim,
                                             width: radius * 1.6 + 2 * rim, height: radius * 2 + 2 * rim))
                    cores.addEllipse(in: Rect(x: c.x - radius * 0.8 + rim, y: c.y - radius + rim,
                                              width: radius * 1.6 - 2 * rim, height: radius * 2 - 2 * rim))
                }
                items.append(.fill(rims, outline))
                items.append(.fill(cores, layer.color))
                if ellipsis {
                    var dots = Path(rasterTolerance: neuronTolerance)
                    for d in 0..<3 {
                        let c = neuronCenter(x, -1)
                        let y = c.y + radius * 0.2 - Double(d) * radius * 0.55
                        dots.elements += Path.circle(center: Point(c.x, y), radius: max(0.8, radius * 0.16)).elements
                    }
                    items.append(.fill(dots, outline))
                }
            }
            if layer.kind == .value, let hairline = style.faintLayerOutline {
                // Outside the fade: on a dark page a faint plane would otherwise vanish with its colour.
                out.append(.stroke(.polygon(corners), StrokeStyle(color: hairline, width: 0.8, join: .round)))
            }
            out.append(.group(items, clip: nil, opacity: layer.kind == .value ? layer.opacity : 1))
        }
        if shown.count < all.count {
            let noteStyle = style.text(style.tickSize, anchor: .end, baseline: .bottom, color: style.mutedTextColor)
            let long = "showing \(shown.count) of \(all.count) layers, evenly spaced", short = "\(shown.count) of \(all.count) layers"
            let note = measurer.measure(long, style: noteStyle).width <= area.width ? long
                : TextWrap.truncated(short, width: area.width, style: noteStyle, measurer: measurer)
            out.append(.text(note, at: Point(area.maxX, area.maxY), style: noteStyle, rotation: 0))
        }
        // Layer labels under the planes' front edges, thinned to what fits.
        let labelWidth = shown.map { measurer.measure($0.label, style: style.text(style.tickSize)).width }.max() ?? 10
        let every = max(1, Int(((labelWidth + 6) / max(spacing, 1)).rounded(.up)))
        let labelStyle = style.text(style.tickSize, anchor: .middle, baseline: .top, color: style.mutedTextColor)
        for (k, layer) in shown.enumerated() where k % every == 0 || k == shown.count - 1 {
            if k != shown.count - 1 && k + every > shown.count - 1 && (shown.count - 1 - k) < every { continue }
            let x = startX + Double(k) * spacing + depth.dx * 0.2
            out.append(.text(layer.label, at: Point(x, baseY + 6), style: labelStyle, rotation: 0))
        }
        return out
    }

    /// Up to `maxCount` layer indices, evenly spread, always with the first and last layer.
    static func sampledLayers(count: Int, maxCount: Int) -> [Int] {
        guard count > maxCount, maxCount >= 2 else { return Array(0..<count) }
        var out: [Int] = []
        for k in 0..<maxCount {
            let i = Int((Double(k) * Double(count - 1) / Double(maxCount - 1)).rounded())
            if out.last != i { out.append(i) }
        }
        return out
    }

    // MARK: - Legend

    static let legendExponents = [0, -3, -6, -9, -12]

    static func legendEntries(style: FigureStyle) -> [(label: String, appearance: LayerAppearance)] {
        var out: [(String, LayerAppearance)] = legendExponents.map { e in
            let r = pow(10, Double(e))
            let label = (e == 0 ? "≥ " : "") + NumberFormat.powerOfTen(e)
            return (label, LayerAppearance(layer: 0, label: label, ratio: r, kind: .value, opacity: opacity(ratio: r),
                                           color: style.colorMap.color(at: position(ratio: r))))
        }
        out.append(("0", LayerAppearance(layer: 0, label: "0", ratio: 0, kind: .underflow, opacity: 1, color: style.colorMap.underflowColor)))
        out.append(("NaN / Inf", LayerAppearance(layer: 0, label: "NaN", ratio: .nan, kind: .nonFinite, opacity: 1,
                                                 color: style.colorMap.nonFiniteColor)))
        return out
    }

    static func entriesWidth(style: FigureStyle, measurer: TextMeasurer) -> Double {
        legendRows(style: style, measurer: measurer, maxWidth: .infinity).map(\.width).max() ?? 0
    }

    /// The legend's entries in rows no wider than `maxWidth` (one row when it fits), with each row's width.
    static func legendRows(style: FigureStyle, measurer: TextMeasurer, maxWidth: Double)
        -> [(entries: [(label: String, appearance: LayerAppearance)], width: Double)] {
        var rows: [(entries: [(label: String, appearance: LayerAppearance)], width: Double)] = []
        for entry in legendEntries(style: style) {
            let w = 22 + 6 + measurer.measure(entry.label, style: style.text(style.legendSize)).width
            if let last = rows.last, !last.entries.isEmpty, last.width + 14 + w <= maxWidth {
                rows[rows.count - 1].entries.append(entry)
                rows[rows.count - 1].width += 14 + w
            } else {
                rows.append(([entry], w))
            }
        }
        return rows
    }

    static func legendSize(style: FigureStyle, measurer: TextMeasurer, maxWidth: Double,
                           title: String = legendTitle) -> (width: Double, height: Double) {
        let title = measurer.measure(title, style: style.text(style.legendSize)).width
        let rows = legendRows(style: style, measurer: measurer, maxWidth: maxWidth)
        return (max(title, rows.map(\.width).max() ?? 0), style.legendSize * (3.4 + 2 * Double(max(0, rows.count - 1))))
    }

    static let legendTitle = "gradient relative to the output layer"

    /// The height a page of width `w` gives the legend below its panels (the legend wrapped to fit, gaps, margin).
    static func legendBand(style: FigureStyle, measurer: TextMeasurer) -> (Double) -> Double {
        { (pageWidth: Double) -> Double in
            let legend: Double = legendSize(style: style, measurer: measurer, maxWidth: pageWidth - 32).height
            return legend + 20 + FigureLayout.margin
        }
    }

    /// The legend row, centred on `centerX`, bottom at `bottom`; returns its items and top y.
    static func legendItems(style: FigureStyle, measurer: TextMeasurer, centerX: Double, bottom: Double,
                            maxWidth: Double = .infinity, title: String = legendTitle) -> (items: [SceneItem], top: Double) {
        let size = legendSize(style: style, measurer: measurer, maxWidth: maxWidth, title: title)
        let rows = legendRows(style: style, measurer: measurer, maxWidth: maxWidth)
        var out: [SceneItem] = [.text(title, at: Point(centerX, bottom - size.height),
                                      style: style.text(style.legendSize, anchor: .middle, baseline: .top), rotation: 0)]
        for (r, row) in rows.enumerated() {
            let y = bottom - style.legendSize * (0.9 + 2 * Double(rows.count - 1 - r))
            var x = centerX - row.width / 2
            for (label, a) in row.entries {
                let h = style.legendSize * 1.5
                let corners = [Point(x, y + h / 2), Point(x, y - h / 2 + 3), Point(x + 14, y - h / 2 - 3), Point(x + 14, y + h / 2 - 6)]
                var items: [SceneItem] = []
                if a.kind == .underflow {
                    items.append(.stroke(.polygon(corners), FadingLayerDiagram.emptyOutline))
                } else {
                    let outline = style.outline(of: a.color)
                    items.append(.fill(.polygon(corners), a.color))
                    items.append(.stroke(.polygon(corners), StrokeStyle(color: outline, width: 1)))
                }
                if a.kind == .value {
                    // A hairline outside the faded group keeps the faintest swatch findable.
                    out.append(.stroke(.polygon(corners), StrokeStyle(color: style.faintLayerOutline ?? style.gridColor, width: 0.8)))
                }
                out.append(.group(items, clip: nil, opacity: a.kind == .value ? a.opacity : 1))
                out.append(.text(label, at: Point(x + 22 + 6, y), style: style.text(style.legendSize, baseline: .middle), rotation: 0))
                x += 22 + 6 + measurer.measure(label, style: style.text(style.legendSize)).width + 14
            }
        }
        return (out, bottom - size.height)
    }
}
