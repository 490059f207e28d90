import Foundation
import Figures
import GradientData
import Graphics

/// The depth sweep's story in numbers and words: per network, the fitted factor per layer and
/// the range of layer 1's share of the output layer's gradient over the depths.
public enum DepthSweepStory {
    /// Below this fitted factor per layer a network counts as losing its gradient with depth.
    public static let fallingBelow = 0.7

    /// The decades between the lowest and the highest median of `s` (0 when they are equal).
    public static func decades(_ s: DepthSweepSeries) -> Double? {
        guard let r = s.medianRange, r.lowest > 0, r.highest.isFinite else { return nil }
        return log10(r.highest / r.lowest)
    }

    /// "2 orders": the widest span of medians over depth among the networks that do not fall; nil if there is none.
    static func orders(_ series: [DepthSweepSeries]) -> String? {
        guard let widest = series.filter({ ($0.factorPerLayer ?? 1) >= fallingBelow }).compactMap(decades).max() else { return nil }
        return Phrases.count(max(1, Int(widest.rounded(.up))), "order")
    }

    /// "falls by a factor of 0.24 per layer, from 1.4×10⁻¹ at depth 2 to 2.1×10⁻²⁵ at depth 40".
    static func behaviour(_ s: DepthSweepSeries) -> String {
        let first = s.points.first, last = s.points.last
        func at(_ p: DepthSweepPoint?) -> String {
            guard let p, let m = p.median else { return "—" }
            return "\(value(m)) at depth \(p.depth)"
        }
        guard let k = s.factorPerLayer else { return "has too few depths to fit" }
        if k < fallingBelow {
            return "falls by a factor of \(NumberFormat.fixed(k, digits: 2)) per added layer, from \(at(first)) to \(at(last))"
        }
        guard let r = s.medianRange else { return "has no finite ratio" }
        return "stays between \(value(r.lowest)) and \(value(r.highest)) at every depth"
    }

    /// A ratio as the table and the text print it: `0.57`, `4.2×10⁻³`.
    static func value(_ r: Double) -> String {
        r >= 0.1 && r < 100 ? NumberFormat.fixed(r, digits: 2) : NumberFormat.scientific(r, digits: 1)
    }

    /// The sentences of the sweep's "In short", for the title page: the falling networks one by one, the rest together.
    public static func headline(_ history: GradientHistory) -> [TextSpan] {
        let start = DepthSweep.series(history, atEnd: false)
        var p: [TextSpan] = []
        for s in start where (s.factorPerLayer ?? 1) < fallingBelow {
            p += [TextSpan(p.isEmpty ? "In the " : " In the "), TextSpan(s.network, .strong),
                  TextSpan(" network, layer 1's share of the output layer's gradient \(behaviour(s)) at initialisation.")]
        }
        let steady = start.filter { ($0.factorPerLayer ?? 1) >= fallingBelow }
        let ranges = steady.compactMap(\.medianRange)
        if let lo = ranges.map(\.lowest).min(), let hi = ranges.map(\.highest).max(), let orders = orders(start) {
            p += [TextSpan(p.isEmpty ? "" : " "), TextSpan(Phrases.list(steady.map(\.network)), .strong),
                  TextSpan(steady.count == 1 ? " stays" : " each stay"),
                  TextSpan(" within \(orders) of magnitude over all depths; layer 1 receives between \(value(lo)) and \(value(hi)) times the output layer's gradient.")]
        }
        return p
    }

    /// The explanation of the sweep, with the history's own numbers.
    public static func sections(_ history: GradientHistory) -> [ProseSection] {
        let start = DepthSweep.series(history, atEnd: false), end = DepthSweep.series(history, atEnd: true)
        let endName = DepthSweep.endStep(history).map { "after \($0) updates" } ?? "at the end of training"
        var out: [ProseSection] = []

        var falling: [TextSpan] = []
        for (s, e) in zip(start, end) where (s.factorPerLayer ?? 1) < fallingBelow {
            falling += [TextSpan(falling.isEmpty ? "In the " : " In the "), TextSpan(s.network, .strong),
                        TextSpan(" network layer 1's share of the output layer's gradient \(behaviour(s)) at initialisation")]
            if let k = e.factorPerLayer { falling.append(TextSpan(", and by \(NumberFormat.fixed(k, digits: 2)) per layer \(endName)")) }
            falling.append(TextSpan("."))
        }
        if !falling.isEmpty {
            falling.append(TextSpan(" A constant factor per layer is a straight line on the log axis: each added layer multiplies the gradient by the same number. The factor is a least-squares fit through every seed at every depth."))
            out.append(ProseSection(heading: "A constant factor per layer", paragraphs: [falling, [
                TextSpan("The dashed line falls by 0.25 per layer, the largest slope σ′(z) = σ(z)(1 − σ(z)) of the sigmoid. Back-propagation multiplies by this slope once per layer; Xavier initialisation makes the weights pass the signal on at about its own size, so nothing makes up for the slope, and the plain sigmoid follows the line closely. Units that saturate have an even smaller slope."),
            ]]))
        }

        var steady: [TextSpan] = []
        for s in start where (s.factorPerLayer ?? 1) >= fallingBelow {
            steady += [TextSpan(steady.isEmpty ? "In the " : " In the "), TextSpan(s.network, .strong), TextSpan(" network the share \(behaviour(s)).")]
        }
        if !steady.isEmpty {
            if let orders = orders(start) {
                steady.append(TextSpan(" Over all depths each of them stays within \(orders) of magnitude"))
                if let deepest = start.compactMap({ s in (s.factorPerLayer ?? 1) < fallingBelow ? s.points.last : nil }).first,
                   let m = deepest.median, m > 0 {
                    steady.append(TextSpan(", while the plain sigmoid loses \(Int((-log10(m)).rounded())) at depth \(deepest.depth)"))
                }
                steady.append(TextSpan("."))
            }
            out.append(ProseSection(heading: "What keeps the gradient", paragraphs: [steady, [
                TextSpan("Batch normalisation keeps every unit's input near 0, where the sigmoid's slope is largest, and rescales the signal at every layer. A residual connection adds each layer's input to its output, so the gradient has a path back to layer 1 that is not multiplied by any slope. tanh's slope reaches 1 and ReLU's is exactly 1 where a unit is active; with their initialisations (Xavier for tanh, He for ReLU) the gradient keeps its size."),
            ]]))
        }
        out.append(ProseSection(heading: "Try it yourself", paragraphs: [[
            TextSpan("The spec ships as Reports/depth-sweep.json: \"depths\" lists the depths every network is built at. Add a depth, a seed or a network, or lengthen the training (\"steps\"), and run "),
            TextSpan("vanish run my-sweep.json", .strong), TextSpan("."),
        ]]))
        return out
    }
}

/// The depth sweep's pages: the figure with a table of the fitted factors, then the explanation.
enum DepthSweepPages {
    static func pages(_ history: GradientHistory, design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        let style = design.figureStyle
        var first = Page(design: design, measurer: measurer)
        first.heading("Gradient against depth")
        let seeds = history.spec.seeds.count
        let caption = [TextSpan("Layer 1's ‖dL/dW‖ divided by the output layer's, against the number of hidden layers (log scale): median of \(Phrases.count(seeds, "seed"))" + (seeds > 1 ? ", band from the lowest to the highest seed" : "") + ". The dashed line is 0.25 to the power of the depth, the sigmoid's slope limit.", .caption)]
        first.figure(DepthSweep.scene(history, style: style, measurer: measurer), caption: caption,
                     in: Rect(x: first.column.x, y: first.cursor, width: first.column.width, height: first.bottom - first.cursor))

        let pages = [first]
        var page = Page(design: design, measurer: measurer)
        page.heading("What it means")
        page.table(factorTable(history, design: design))
        page.cursor += design.bodySize * 0.4
        return pages + ExplanationPages.flow(DepthSweepStory.sections(history), onto: page, design: design, measurer: measurer)
    }

    /// One row per network: the fitted factor per layer and the median share at the shallowest and deepest setting.
    static func factorTable(_ history: GradientHistory, design: ReportDesign) -> Table {
        let start = DepthSweep.series(history, atEnd: false), end = DepthSweep.series(history, atEnd: true)
        let depths = history.spec.depths ?? []
        let lo = depths.min() ?? 0, hi = depths.max() ?? 0
        let endName = DepthSweep.endStep(history).map { "at step \($0)" } ?? "at the end"
        let columns = [
            Table.Column("network"),
            Table.Column(lines: ["factor per layer", "at step 0"], alignment: .end),
            Table.Column(lines: ["factor per layer", endName], alignment: .end),
            Table.Column(lines: ["layer 1 / output", "depth \(lo), step 0"], alignment: .end),
            Table.Column(lines: ["layer 1 / output", "depth \(hi), step 0"], alignment: .end),
            Table.Column(lines: ["layer 1 / output", "depth \(hi), \(endName)"], alignment: .end),
        ]
        func median(_ s: DepthSweepSeries?, _ depth: Int) -> String {
            s?.points.first { $0.depth == depth }?.median.map(DepthSweepStory.value) ?? "—"
        }
        let rows = zip(start, end).map { s, e in
            Table.Row([
                Table.Cell(s.network),
                Table.Cell(s.factorPerLayer.map { NumberFormat.fixed($0, digits: 2) } ?? "—"),
                Table.Cell(e.factorPerLayer.map { NumberFormat.fixed($0, digits: 2) } ?? "—"),
                Table.Cell(median(s, lo)), Table.Cell(median(s, hi)), Table.Cell(median(e, hi)),
            ], chip: design.figureStyle.networkColor(s.colorIndex))
        }
        return Table(columns: columns, rows: rows, size: design.bodySize - 1)
    }
}
