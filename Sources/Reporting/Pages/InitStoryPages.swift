import Foundation
import Figures
import GradientData
import Graphics

/// The initialisation story in numbers and words: ‖δ‖ per hidden layer at initialisation
/// (Nielsen's "speed of learning"), how much faster each layer learns than the one below it,
/// and what happens over training.
public enum InitStory {
    /// The geometric mean of `factors` (each layer's ‖δ‖ over the one below it); nil if any is not finite and positive.
    public static func meanFactor(_ factors: [Double]) -> Double? {
        guard !factors.isEmpty, factors.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
        return pow(10, factors.map(log10).reduce(0, +) / Double(factors.count))
    }

    /// One sentence for the title page: the first run's factor per layer at initialisation (and the reference's).
    public static func headline(_ runs: [FigureRun], reference: LayerDeltaReference?) -> [TextSpan] {
        guard let first = runs.first, let mean = meanFactor(LayerDeltaBars.factors(LayerDeltaBars.hiddenDeltas(first.run))) else { return [] }
        var text = " initialisation each hidden layer starts to learn about \(NumberFormat.fixed(mean, digits: 1)) times more slowly than the one above it"
        if let reference, let theirs = meanFactor(LayerDeltaBars.factors(reference.values)) {
            text += " (Nielsen reports \(NumberFormat.fixed(theirs, digits: 1)) on MNIST)"
        }
        return [TextSpan("With "), TextSpan(first.label, .strong), TextSpan(text + ".")]
    }

    /// The paragraphs under the bar chart, with the history's numbers.
    public static func atInitialisation(_ runs: [FigureRun], reference: LayerDeltaReference?) -> [[TextSpan]] {
        var out: [[TextSpan]] = []
        guard let first = runs.first else { return out }
        let s = first.run.settings
        let examples = first.run.settings.batchSize
        out.append([
            TextSpan("‖δ‖ of a layer is the length of the vector ∂C/∂b: how much the cost C, averaged over the \(examples) examples of the batch, changes when that layer's biases change. Michael Nielsen calls it the layer's "),
            TextSpan("speed of learning", .strong),
            TextSpan(" (Neural Networks and Deep Learning, chapter 5). Here it is measured at initialisation on a \(s.activation.rawValue) network with \(s.depth) hidden layers of \(s.width) units, as in his book."),
        ])
        var measured: [TextSpan] = []
        for r in runs {
            let d = LayerDeltaBars.hiddenDeltas(r.run)
            guard let mean = meanFactor(LayerDeltaBars.factors(d)), let top = d.last, let bottom = d.first, bottom > 0 else { continue }
            let factor = NumberFormat.fixed(mean, digits: 1)
            if measured.isEmpty {
                measured += [TextSpan("With "), TextSpan(r.label, .strong),
                             TextSpan(" initialisation each layer learns about \(factor) times more slowly than the one above it, and the first hidden layer \(NumberFormat.fixed(top / bottom, digits: 0)) times more slowly than the last.")]
            } else {
                measured += [TextSpan(" With "), TextSpan(r.label, .strong), TextSpan(": \(factor) times per layer.")]
            }
        }
        if !measured.isEmpty { out.append(measured) }
        if let reference, let mean = meanFactor(LayerDeltaBars.factors(reference.values)) {
            out.append([
                TextSpan("On MNIST Nielsen reports \(reference.values.map { LayerDeltaBars.label($0) }.joined(separator: ", ")): about \(NumberFormat.fixed(mean, digits: 1)) times per layer. The factors agree because they depend on the hidden layers, which are the same: 30 units, weights of variance 1/30, a sigmoid slope of at most 1/4. The values are smaller here because the chain starts from a different output error: a softmax output instead of his ten sigmoid outputs, on 64 standardised inputs instead of 784 pixels."),
            ])
        }
        return out
    }

    /// The paragraphs under the curves: where each run's hidden layers start and end, and its accuracy.
    public static func overTraining(_ runs: [FigureRun], findings: Findings) -> [[TextSpan]] {
        let fullBatch = runs.allSatisfy { $0.run.settings.epochs == $0.run.settings.steps }
        var out: [[TextSpan]] = [[
            TextSpan((fullBatch ? "Every step here is one epoch: the gradient of the whole training set, one update. " : "") + "In the first steps ‖δ‖ collapses in every layer: the output layer mostly learns how often each digit occurs, the one thing it can learn before the hidden layers carry information. Then the networks sit on a plateau, and the hidden layers' ‖δ‖ grows slowly until learning takes off. How long the plateau lasts depends on the initialisation."),
        ]]
        var p: [TextSpan] = []
        for r in runs {
            guard let finding = findings.runs.first(where: { $0.label == r.label }) else { continue }
            p += [TextSpan(p.isEmpty ? "" : " "), TextSpan(r.label, .strong), TextSpan(": " + Explanation.accuracySentence(finding, findings, subject: "it"))]
        }
        if !p.isEmpty { out.append(p) }
        out.append([
            TextSpan("Nielsen's initialisation draws the biases from N(0, 1); many units start far from 0, where the sigmoid is flat, so the whole network learns slowly. Xavier's keeps the biases at 0, and He's doubles the weights' variance, so each layer passes more of the gradient back. None of them changes the sigmoid's limit of 1/4 per layer: in a deep sigmoid network the first layers still learn last."),
        ])
        return out
    }
}

/// The initialisation pages: Nielsen's bar chart with its table, then ‖δ‖ over training.
enum InitStoryPages {
    static func pages(_ runs: [FigureRun], findings: Findings, design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        let style = design.figureStyle
        let reference = LayerDeltaReference.matching(runs)
        var first = Page(design: design, measurer: measurer)
        first.heading("How fast each layer starts to learn")
        // Two rows of two columns: the chart beside the explanation, the table beside the comparison with Nielsen's numbers.
        let intro = InitStory.atInitialisation(runs, reference: reference)
        let gap = 20.0
        let x = first.column.x, width = first.column.width
        let leftWidth = (width * 0.62).rounded()
        let right = (x: x + leftWidth + gap, width: width - leftWidth - gap)
        let top = first.cursor
        let chart = LayerDeltaBars.scene(runs, reference: reference, style: style, measurer: measurer)
        let placed = first.figure(chart, caption: [TextSpan("‖δ‖ of each hidden layer at step 0 (log scale), input side on the left.", .caption)],
                                  in: Rect(x: x, y: top, width: leftWidth, height: leftWidth * chart.height / chart.width + 30))
        first.column = right
        for p in intro.prefix(2) { first.paragraph(p) }
        let rowTop = max(placed.maxY, first.cursor) + design.bodySize
        first.column = (x, leftWidth)
        first.cursor = rowTop
        first.table(deltaTable(runs, reference: reference, design: design), width: leftWidth)
        first.column = right
        first.cursor = rowTop
        for p in intro.dropFirst(2) { first.paragraph(p) }

        var second = Page(design: design, measurer: measurer)
        second.heading("How the layers learn over training")
        let notes = InitStory.overTraining(runs, findings: findings)
        let notesHeight = notes.map { second.measureParagraph($0, width: second.column.width) + design.bodySize * design.paragraphGap }.reduce(0, +)
        let curves = second.figure(LayerDeltaCurves.scene(runs, style: style, measurer: measurer),
                                   caption: [TextSpan("‖δ‖ of every hidden layer at every step (log scale); one panel per initialisation, one scale for all.", .caption)],
                                   in: Rect(x: second.column.x, y: second.cursor, width: second.column.width,
                                            height: second.bottom - second.cursor - notesHeight - design.bodySize))
        second.cursor = curves.maxY + design.bodySize
        for p in notes { second.paragraph(p) }
        return [first, second]
    }

    /// ‖δ‖ per hidden layer at initialisation and each layer's factor over the one below, one row per run (and the reference).
    static func deltaTable(_ runs: [FigureRun], reference: LayerDeltaReference?, design: ReportDesign) -> Table {
        let layers = max(runs.map { LayerDeltaBars.hiddenDeltas($0.run).count }.max() ?? 0, reference?.values.count ?? 0)
        var columns = [Table.Column("")]
        columns += (0..<layers).map { Table.Column(lines: ["‖δ‖", "layer \($0 + 1)"], alignment: .end) }
        columns += (1..<max(layers, 1)).map { Table.Column(lines: ["layer \($0 + 1)", "/ layer \($0)"], alignment: .end) }
        func cells(_ values: [Double]) -> [Table.Cell] {
            let padded = (0..<layers).map { $0 < values.count ? LayerDeltaBars.label(values[$0]) : "—" }
            let factors = LayerDeltaBars.factors(values).map { NumberFormat.fixed($0, digits: 1) + "×" }
            let paddedFactors = (0..<max(layers - 1, 0)).map { $0 < factors.count ? factors[$0] : "—" }
            return (padded + paddedFactors).map { Table.Cell($0) }
        }
        var rows = runs.map { r in
            Table.Row([Table.Cell(r.label)] + cells(LayerDeltaBars.hiddenDeltas(r.run)), chip: design.figureStyle.networkColor(r.colorIndex))
        }
        if let reference {
            rows.append(Table.Row([Table.Cell(reference.label.components(separatedBy: " (").first ?? reference.label, .caption)] + cells(reference.values), chip: design.figureStyle.mutedTextColor.withAlpha(0.4)))
        }
        return Table(columns: columns, rows: rows, size: design.bodySize - 1.5)
    }
}
