import Foundation
import Figures
import GradientData
import Graphics
import MeanFieldTheory

/// The edge-of-chaos story in the run's own numbers: where deep networks trained, and how the
/// gradient at initialisation vanishes on the ordered side and explodes on the chaotic side.
public enum EdgeOfChaosStory {
    /// What one side of the edge showed: the deepest run at the extreme σ_w².
    public struct Side: Sendable {
        public var weightVariance: Double
        public var depth: Int
        /// ‖dL/dW₁‖ / ‖dL/dW_out‖ at initialisation.
        public var firstToOutput: Double?
        public var measuredFactor: Double?
        public var theoryFactor: Double?
        public var meanTestAccuracy: Double?
    }

    static func side(_ run: RunHistory, history: GradientHistory) -> Side {
        let w = run.settings.`init`.variances?.weightVariance ?? 0
        let cell = EdgeOfChaos.cells(history, network: 0).first { $0.runs.contains { $0.network == run.network } }
        return Side(
            weightVariance: w, depth: run.settings.depth, firstToOutput: DepthSweep.ratio(run, row: 0),
            measuredFactor: EdgeOfChaos.measuredFactor(run),
            theoryFactor: EdgeOfChaos.theory(run.settings)?.gradientFactorPerLayer,
            meanTestAccuracy: cell?.meanTestAccuracy)
    }

    /// The ordered and the chaotic side, when the sweep has both.
    public static func sides(_ history: GradientHistory) -> (ordered: Side, chaotic: Side)? {
        guard let (o, c) = EdgeOfChaos.sides(history) else { return nil }
        return (side(o, history: history), side(c, history: history))
    }

    /// Below this mean test accuracy a network counts as not having learned (chance is 10 %).
    public static let learnedAbove = 0.5

    /// The best cell at the deepest depth where some σ_w² learned (`learnedAbove`), else at the
    /// deepest depth: its σ_w², depth and mean test accuracy.
    public static func bestAtDepth(_ history: GradientHistory) -> (weightVariance: Double, depth: Int, accuracy: Double)? {
        let cells = EdgeOfChaos.cells(history, network: 0)
        let depths = Set(cells.compactMap { $0.runs.first?.settings.depth }).sorted(by: >)
        var fallback: (Double, Int, Double)?
        for depth in depths {
            let best = cells.filter { $0.runs.first?.settings.depth == depth }
                .compactMap { c in c.meanTestAccuracy.map { (c.point[.weightVariance] ?? 0, $0) } }
                .max { $0.1 < $1.1 }
            guard let best else { continue }
            if fallback == nil { fallback = (best.0, depth, best.1) }
            if best.1 >= learnedAbove { return (best.0, depth, best.1) }
        }
        return fallback
    }

    /// A factor or ratio as the text prints it: `0.94`, `3.1×10⁻⁶`.
    public static func value(_ r: Double) -> String {
        r >= 0.01 && r < 100 ? NumberFormat.fixed(r, digits: 2) : NumberFormat.scientific(r, digits: 1)
    }

    static func percent(_ a: Double) -> String { NumberFormat.percent(a, digits: 1) }

    /// The title page's "In short".
    public static func headline(_ history: GradientHistory) -> [TextSpan] {
        guard let settings = history.runs.first?.settings, let critical = EdgeOfChaos.criticalWeightVariance(settings) else {
            return [TextSpan("Final test accuracy over the sweep's grid.")]
        }
        var p = [TextSpan("Mean-field theory puts the edge of chaos of this \(settings.activation.rawValue) network at σ_w² = \(NumberFormat.fixed(critical, digits: 2)). ")]
        let names = history.spec.networks.map(\.name)
        if names.count > 1 {
            p.insert(TextSpan("The figures show all \(names.count) networks (\(names.joined(separator: ", "))); this text follows the first, \(names[0]). "), at: 0)
        }
        if let best = bestAtDepth(history) {
            if best.accuracy >= learnedAbove {
                p.append(TextSpan("At depth \(best.depth), the deepest where a network learned, the best test accuracy, \(percent(best.accuracy)), is reached at σ_w² = \(SweepCoordinate.number(best.weightVariance)). "))
            } else {
                p.append(TextSpan("No network reached \(percent(learnedAbove)) test accuracy; at depth \(best.depth) the best, \(percent(best.accuracy)), is at σ_w² = \(SweepCoordinate.number(best.weightVariance)). "))
            }
        }
        if let (o, c) = sides(history), let fo = o.measuredFactor, let fc = c.measuredFactor {
            p.append(TextSpan("At initialisation the gradient changes by \(value(fo)) per layer at σ_w² = \(SweepCoordinate.number(o.weightVariance)) (it vanishes) and by \(value(fc)) at σ_w² = \(SweepCoordinate.number(c.weightVariance)) (it explodes)."))
        }
        return p
    }

    /// The explanation, with the history's own numbers.
    public static func sections(_ history: GradientHistory) -> [ProseSection] {
        guard let settings = history.runs.first?.settings, let field = EdgeOfChaos.theory(settings),
              let critical = MeanField.criticalWeightVariance(field.activation, biasVariance: field.biasVariance)
        else { return [] }
        var out: [ProseSection] = []
        let sb = SweepCoordinate.number(field.biasVariance)
        out.append(ProseSection(heading: "Two phases and the edge between them", paragraphs: [[
            TextSpan("Every network here starts with weights drawn from N(0, σ_w²/fan-in) and biases from N(0, \(sb)). In a wide random network a signal's variance settles after a few layers at a fixed point q*, and each layer multiplies the squared gradient on its way back by χ₁ = σ_w² E[φ′(h)²] at that variance. Below χ₁ = 1 the network is "),
            TextSpan("ordered", .strong),
            TextSpan(": inputs are pulled together and the gradient shrinks geometrically towards the input — the vanishing gradient of the zoo's sigmoid network. Above it the network is "),
            TextSpan("chaotic", .strong),
            TextSpan(": nearby inputs are torn apart and the gradient grows geometrically — the exploding gradient. For \(field.activation.rawValue) at σ_b² = \(sb) the edge, χ₁ = 1, lies at σ_w² = \(NumberFormat.fixed(critical, digits: 3)) (Gauss–Hermite quadrature)."),
        ]]))
        if let (o, c) = sides(history) {
            var p: [TextSpan] = []
            func describe(_ s: Side, _ name: String, _ verb: String) {
                p.append(TextSpan("On the \(name) side, at σ_w² = \(SweepCoordinate.number(s.weightVariance)) and depth \(s.depth), "))
                if let f = s.measuredFactor {
                    p.append(TextSpan("the gradient \(verb) by a factor of \(value(f)) per layer"))
                    if let t = s.theoryFactor { p.append(TextSpan(" (theory: √χ₁ = \(value(t)))")) }
                }
                if let r = s.firstToOutput { p.append(TextSpan("; layer 1 receives \(value(r)) times the output layer's gradient")) }
                if let a = s.meanTestAccuracy { p.append(TextSpan(", and the network reaches \(percent(a)) test accuracy")) }
                p.append(TextSpan(". "))
            }
            describe(o, "ordered", "changes")
            describe(c, "chaotic", "changes")
            p.append(TextSpan("A factor below 1 compounds into the vanishing gradient, a factor above 1 into the exploding one: the two problems vanish draws elsewhere are the two sides of one transition."))
            out.append(ProseSection(heading: "Vanishing on one side, exploding on the other", paragraphs: [p]))
        }
        var trainable: [TextSpan] = [
            TextSpan("The depth over which two inputs' correlation settles, ξ_c, diverges at the edge. Schoenholz et al. (2017) found that networks train up to about \(NumberFormat.fixed(EdgeOfChaos.trainableDepthScales, digits: 0)) ξ_c: the red curve in the heatmap. "),
        ]
        if let best = bestAtDepth(history) {
            trainable.append(TextSpan(best.accuracy >= learnedAbove
                ? "Here the deepest networks that learned (\(best.depth) layers) did best at σ_w² = \(SweepCoordinate.number(best.weightVariance)), reaching \(percent(best.accuracy)) test accuracy. "
                : "Here no network reached \(percent(learnedAbove)) test accuracy in its steps; the deepest (\(best.depth) layers) did best at σ_w² = \(SweepCoordinate.number(best.weightVariance)), with \(percent(best.accuracy)). "))
        }
        if let steps = history.runs.first?.settings.steps {
            trainable.append(TextSpan("Every network trained for the same \(steps) steps; with more steps the trainable region widens, but its shape around the edge stays."))
        }
        out.append(ProseSection(heading: "Where deep networks train", paragraphs: [trainable]))
        out.append(ProseSection(heading: "Try it yourself", paragraphs: [[
            TextSpan("The spec ships as Reports/edge-of-chaos.json: \"sweep\" lists the grid (σ_w² from 1 to 4, depths 10 to 100). Change \"biasVariance\" in \"init\" to move the edge, or sweep \"width\", and run "),
            TextSpan("vanish run my-sweep.json", .strong), TextSpan("."),
        ]]))
        return out
    }
}

/// The pages of a sweep: the accuracy heatmap; for a σ_w² sweep also the gradient factor against
/// theory with its table, the two sides' fading diagrams and the explanation.
enum EdgeOfChaosPages {
    static func pages(_ history: GradientHistory, design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        let style = design.figureStyle
        var pages: [Page] = []
        var first = Page(design: design, measurer: measurer)
        first.heading("Test accuracy over the grid")
        let seeds = history.spec.seeds.count
        var caption = "Final test accuracy of every grid point" + (seeds > 1 ? ", the mean of \(seeds) seeds" : "") + "."
        if EdgeOfChaos.isSweep(history), let settings = history.runs.first?.settings, let critical = EdgeOfChaos.criticalWeightVariance(settings) {
            caption += " Dashed: the critical σ_w² = \(NumberFormat.fixed(critical, digits: 2)) where χ₁ = 1. Red: depth \(NumberFormat.fixed(EdgeOfChaos.trainableDepthScales, digits: 0)) ξ_c from mean-field theory; networks deeper than it are not expected to train."
        }
        first.figure(EdgeOfChaos.accuracyScene(history, style: style, measurer: measurer), caption: [TextSpan(caption, .caption)],
                     in: Rect(x: first.column.x, y: first.cursor, width: first.column.width, height: first.bottom - first.cursor))
        pages.append(first)
        guard EdgeOfChaos.isSweep(history) else { return pages }

        var second = Page(design: design, measurer: measurer)
        second.heading("The gradient per layer at initialisation: measured and theory")
        let table = factorTable(history, design: design)
        let tableHeight = table.rows.count > 14 ? 0 : second.bodyTableHeight(table)
        second.figure(EdgeOfChaos.factorScene(history, style: style, measurer: measurer), caption: [TextSpan(
            "Each run's factor is e^(−slope) of a least-squares line through ln ‖dL/dW_l‖ against layer l over the middle 60 % of its hidden layers, at step 0 (runs of depth ≥ \(EdgeOfChaos.minimumFitDepth)). Theory: √χ₁ at the fixed point q*.", .caption)],
            in: Rect(x: second.column.x, y: second.cursor, width: second.column.width, height: second.bottom - second.cursor - tableHeight - 8))
        if tableHeight > 0 {
            second.cursor = second.bottom - tableHeight
            second.table(table)
            pages.append(second)
        } else {
            pages.append(second)
            var tablePage = Page(design: design, measurer: measurer)
            tablePage.heading("The gradient per layer: the numbers")
            tablePage.table(table)
            pages.append(tablePage)
        }

        var third = Page(design: design, measurer: measurer)
        third.heading("Each side of the edge, and what it means")
        if EdgeOfChaos.sides(history) != nil {
            let fading = EdgeOfChaos.fadingScene(history, style: style, measurer: measurer)
            let height = min(third.bottom - third.cursor, third.column.width * fading.height / fading.width) * 0.55
            third.figure(fading, caption: [TextSpan("The deepest network at the lowest and at the highest σ_w², at initialisation: each layer's ‖dL/dW‖ relative to the output layer's.", .caption)],
                         in: Rect(x: third.column.x, y: third.cursor, width: third.column.width, height: height))
            third.cursor += height + 6
        }
        return pages + ExplanationPages.flow(EdgeOfChaosStory.sections(history), onto: third, design: design, measurer: measurer)
    }

    /// One row per σ_w²: theory's q*, χ₁, √χ₁ and ξ_c, and the measured factor's median and range.
    static func factorTable(_ history: GradientHistory, design: ReportDesign) -> Table {
        let columns = [
            Table.Column("σ_w²", alignment: .end), Table.Column("q*", alignment: .end), Table.Column("χ₁", alignment: .end),
            Table.Column(lines: ["√χ₁", "theory"], alignment: .end), Table.Column(lines: ["factor", "measured (median)"], alignment: .end),
            Table.Column(lines: ["measured", "lowest – highest"], alignment: .end), Table.Column("ξ_c", alignment: .end),
        ]
        let settings = history.runs.first?.settings
        let rows = EdgeOfChaos.factorPoints(history).map { p -> Table.Row in
            let field = settings.flatMap { EdgeOfChaos.theory($0, weightVariance: p.weightVariance) }
            func fixed(_ v: Double?, _ digits: Int = 3) -> String { v.map { NumberFormat.fixed($0, digits: digits) } ?? "—" }
            let range = p.factors.min().flatMap { lo in p.factors.max().map { "\(fixed(lo)) – \(fixed($0))" } } ?? "—"
            let xi = field?.correlationDepthScale.map { $0.isFinite ? NumberFormat.fixed($0, digits: 1) : "∞" }
            return Table.Row([
                Table.Cell(SweepCoordinate.number(p.weightVariance)), Table.Cell(fixed(field?.fixedVariance)), Table.Cell(fixed(field?.chi1)),
                Table.Cell(fixed(p.theory)), Table.Cell(fixed(p.median)), Table.Cell(range), Table.Cell(xi ?? "—"),
            ])
        }
        return Table(columns: columns, rows: rows, size: design.bodySize - 1)
    }
}

extension Page {
    /// The height `table` takes on this page.
    func bodyTableHeight(_ table: Table) -> Double {
        table.items(at: Point(column.x, cursor), maxWidth: column.width, design: design, measurer: measurer).height
    }
}
