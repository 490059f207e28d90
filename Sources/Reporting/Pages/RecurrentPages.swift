import Figures
import Foundation
import GradientData
import Graphics

/// What one recurrent run measured, in the numbers the pages and the explanation quote.
struct RecurrentFinding {
    let run: FigureRun
    let cell: RecurrentCell
    let length: Int
    /// ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at initialisation and at the end.
    let firstStepShareAtStart: Double
    let firstStepShareAtEnd: Double
    /// σ_max(W_hh) at initialisation and at the end.
    let sigmaAtStart: Double
    let sigmaAtEnd: Double
    /// The test metric at the end (adding: MSE) and its name.
    let finalMetric: Double
    let metricName: String
    /// Mean memory gate (LSTM f, GRU z) over time at the last recorded step; nil for Elman cells.
    let gateAtEnd: Double?

    init?(_ run: FigureRun) {
        guard let recurrent = run.run.settings.recurrent, let time = run.run.time else { return nil }
        self.run = run
        cell = recurrent.cell
        length = recurrent.task.length
        func share(_ row: [Float]?) -> Double {
            guard let row, let first = row.first, let last = row.last else { return .nan }
            return Double(first) / Double(last)
        }
        firstStepShareAtStart = share(time.hiddenGradNorm.first)
        firstStepShareAtEnd = share(time.hiddenGradNorm.last)
        sigmaAtStart = Double(time.recurrentSpectralNorm.first ?? .nan)
        sigmaAtEnd = Double(time.recurrentSpectralNorm.last ?? .nan)
        finalMetric = Double(time.testMetric.last ?? .nan)
        metricName = recurrent.task.metricName
        gateAtEnd = time.gateMean.last.map { Double($0.reduce(0, +)) / Double(max($0.count, 1)) }
    }

    /// True when the adding task counts as solved (test MSE ≤ 0.01), or digits-sequence reaches 90 %.
    var solved: Bool { metricName == "MSE" ? finalMetric <= 0.01 : finalMetric >= 0.9 }

    var metricText: String {
        metricName == "MSE" ? "test MSE \(NumberFormat.fixed(finalMetric, digits: 4))" : "test accuracy \(Phrases.accuracy(finalMetric))"
    }

    static func amount(_ share: Double) -> String {
        guard share.isFinite else { return "no finite share" }
        if share == 0 { return "nothing (the gradient underflowed to 0)" }
        return NumberFormat.scientific(share, digits: 1)
    }
}

/// The pages of a recurrent report: the comparison, two pages per network, and the explanation.
enum RecurrentPages {
    static func comparison(_ runs: [FigureRun], design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        let style = design.figureStyle
        func page(_ heading: String) -> Page {
            var page = Page(design: design, measurer: measurer)
            page.text(heading, .heading, gapAfter: 6)
            return page
        }
        func whole(_ page: Page) -> Rect {
            Rect(x: page.column.x, y: page.cursor, width: page.column.width, height: page.bottom - page.cursor)
        }
        var heatmaps = page("All networks: the gradient through time")
        let heatmapsTop = heatmaps.cursor
        let placed = heatmaps.figure(TimeHeatmap.smallMultiples(runs, style: style, measurer: measurer),
                                     caption: [TextSpan("Each panel: time step of the input (up, 1 = first) against training step (right); colour: how much of the last step's gradient reaches that time step, on one log scale for all.", .caption)],
                                     in: Rect(x: heatmaps.column.x, y: heatmapsTop, width: heatmaps.column.width,
                                              height: (heatmaps.bottom - heatmapsTop) * 0.62))
        heatmaps.cursor = placed.maxY + 12
        heatmaps.text("What the run measured", .subheading, gapAfter: 4)
        for finding in runs.compactMap(RecurrentFinding.init) {
            heatmaps.paragraph([TextSpan(numbers(finding), .body)], gapAfter: 5)
        }
        var chains = page("All networks: the unrolled chains")
        chains.figure(FadingTimeDiagram.smallMultiples(runs, style: style, measurer: measurer),
                      caption: [TextSpan("Each network unrolled over its time steps, input at every step from below, the readout after the last: each cell is as solid as the gradient that reaches it, relative to the last step, at initialisation (left) and at the end of training (right).", .caption)],
                      in: whole(chains))
        var lag = page("All networks: gradient against time lag")
        lag.figure(TimeProfile.scene(runs, style: style, measurer: measurer),
                   caption: [TextSpan("The same at initialisation and at the end, against the lag T − t; dashed: the Elman cell's bound (γ·σ_max(W_hh))^lag, which its measured curve stays under.", .caption)],
                   in: whole(lag))
        var learning = page("All networks: what was learned, and memory kept")
        let learningTop = learning.cursor
        let learningHeight = (learning.bottom - learningTop) / 2
        learning.figure(TrainingCurves.scene(runs, style: style, measurer: measurer),
                        caption: [TextSpan("Training loss at every step (log scale) and the test \(metricName(runs)) at \(evaluationCount(runs)) points of training.", .caption)],
                        in: Rect(x: learning.column.x, y: learningTop, width: learning.column.width, height: learningHeight - 4))
        learning.figure(MemoryAndLearning.scene(runs, style: style, measurer: measurer),
                        caption: [TextSpan("Left: the gate that keeps memory (LSTM forget gate f, GRU update gate z), averaged over time steps. Right: the test metric again, beside it.", .caption)],
                        in: Rect(x: learning.column.x, y: learningTop + learningHeight + 4, width: learning.column.width, height: learningHeight - 4))
        return [heatmaps, chains, lag, learning]
    }

    /// "MSE" for the adding task, else "accuracy".
    static func metricName(_ runs: [FigureRun]) -> String {
        runs.compactMap { $0.run.settings.recurrent?.task.metricName }.first ?? "metric"
    }

    /// How many times the test metric was computed (the most of any run).
    static func evaluationCount(_ runs: [FigureRun]) -> Int {
        runs.map { $0.run.time?.testMetric.count ?? 0 }.max() ?? 0
    }

    static func numbers(_ f: RecurrentFinding) -> String {
        var text = "\(f.run.label) (\(f.cell.rawValue) cell): \(f.metricText); time step 1 receives \(RecurrentFinding.amount(f.firstStepShareAtStart)) "
            + "of the last step's gradient at initialisation and \(RecurrentFinding.amount(f.firstStepShareAtEnd)) at the end; "
            + "σ_max(W_hh) \(NumberFormat.fixed(f.sigmaAtStart, digits: 2)) → \(NumberFormat.fixed(f.sigmaAtEnd, digits: 2))"
        if let gate = f.gateAtEnd { text += "; memory gate \(NumberFormat.fixed(gate, digits: 2)) at the end" }
        return text + "."
    }

    static func network(_ run: FigureRun, scale: LogScale, design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        let style = design.figureStyle
        let gap = 22.0
        var first = Page(design: design, measurer: measurer)
        first.text("\(run.label): where the gradient goes through time", .heading, gapAfter: 6)
        let top = first.cursor
        let upper = (first.bottom - top) * 0.42
        first.figure(FadingTimeDiagram.scene(run, style: style, measurer: measurer),
                     caption: [TextSpan("The network unrolled at the end of training: each cell as solid as the gradient that reaches it, relative to the last step.", .caption)],
                     in: Rect(x: first.column.x, y: top, width: first.column.width, height: upper))
        let half = (first.column.width - gap) / 2
        let lowerTop = top + upper + 8
        first.figure(TimeHeatmap.scene(run, scale: scale, style: style, measurer: measurer),
                     caption: [TextSpan("‖∂L/∂hₜ‖ relative to the last step, on the comparison page's colour scale.", .caption)],
                     in: Rect(x: first.column.x, y: lowerTop, width: half, height: first.bottom - lowerTop))
        first.figure(TimeProfile.scene([run], style: style, measurer: measurer),
                     caption: [TextSpan("Gradient against time lag at the start and the end.", .caption)],
                     in: Rect(x: first.column.x + half + gap, y: lowerTop, width: half, height: first.bottom - lowerTop))

        var second = Page(design: design, measurer: measurer)
        second.text("\(run.label): over training, and what it learned", .heading, gapAfter: 6)
        let secondTop = second.cursor
        let left = second.column.width * 0.56
        let right = second.column.width - left - gap
        let rightX = second.column.x + left + gap
        second.figure(FadingTimeDiagram.filmStrip(run, style: style, measurer: measurer),
                      caption: [TextSpan("The same chain over training, from initialisation (top) to the end (bottom).", .caption)],
                      in: Rect(x: second.column.x, y: secondTop, width: left, height: second.bottom - secondTop))
        let gated = run.run.time.map { !$0.gateMean.isEmpty } ?? false
        let figureHeight = (second.bottom - secondTop) * 0.3
        var y = secondTop
        let curves = second.figure(TrainingCurves.scene([run], style: style, measurer: measurer),
                                   caption: [TextSpan("Training loss and the test \(metricName([run])).", .caption)],
                                   in: Rect(x: rightX, y: y, width: right, height: figureHeight))
        y = curves.maxY + 8
        if gated {
            let memory = second.figure(MemoryAndLearning.scene([run], style: style, measurer: measurer),
                                       caption: [TextSpan("The memory gate over training, averaged over time steps.", .caption)],
                                       in: Rect(x: rightX, y: y, width: right, height: figureHeight))
            y = memory.maxY + 8
        }
        second.column = (rightX, right)
        second.cursor = y + 4
        if let finding = RecurrentFinding(run) {
            second.text("What to notice", .subheading, gapAfter: 4)
            second.paragraph([TextSpan(numbers(finding), .body)], gapAfter: 5)
            second.paragraph([TextSpan(RecurrentStory.cellNote(finding), .body)], gapAfter: 5)
        }
        return [first, second]
    }

    static func explanation(_ runs: [FigureRun], design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        var page = Page(design: design, measurer: measurer)
        page.text("What it means", .heading, gapAfter: 6)
        for paragraph in RecurrentStory.explanation(runs.compactMap(RecurrentFinding.init)) {
            page.paragraph([TextSpan(paragraph, .body)], gapAfter: 8)
        }
        return [page]
    }
}

/// The plain-language story of a recurrent run, written from its own numbers.
enum RecurrentStory {
    /// One sentence: which networks learned the task and which did not, with the gradient share that explains it.
    static func headline(_ findings: [RecurrentFinding]) -> String {
        guard let length = findings.first?.length else { return "" }
        let solved = findings.filter(\.solved).map { $0.run.label }
        let failed = findings.filter { !$0.solved }
        var text = "Over \(length) time steps, "
        if solved.isEmpty {
            text += "no network learned the task. "
        } else {
            text += "\(solved.joined(separator: " and ")) learned the task. "
        }
        if let worst = failed.min(by: { $0.firstStepShareAtStart < $1.firstStepShareAtStart }) {
            text += "\(worst.run.label) did not (\(worst.metricText)): at initialisation its first time step received "
                + "\(RecurrentFinding.amount(worst.firstStepShareAtStart)) of the last step's gradient."
        }
        return text
    }

    static func explanation(_ findings: [RecurrentFinding]) -> [String] {
        var out = [
            "A recurrent network applies the same cell at every time step. Backpropagation through time carries the gradient "
                + "from the last step back to the first through one Jacobian per step: for an Elman cell h_t = φ(W_ih x_t + W_hh h_{t−1} + b), "
                + "∂h_t/∂h_{t−1} = diag(φ′) W_hh. Reaching time step 1 from step T takes the product of T − 1 of these matrices, "
                + "so its size is at most (γ · σ_max(W_hh))^(T−1), with γ the largest slope of φ (1 for tanh) and σ_max the largest singular value. "
                + "When that factor is below 1 the product fades exponentially with the lag; tanh's slope is below 1 wherever a unit is not near 0, "
                + "so in practice it fades even when σ_max is a little above 1.",
            "The LSTM adds a second path: the cell state c_t = f ⊙ c_{t−1} + i ⊙ g. Along it, ∂c_t/∂c_{t−1} = diag(f), no weight matrix and no squashing slope: "
                + "with the forget gate f near 1 the gradient passes back almost unchanged. The GRU does the same with its update gate: "
                + "h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, so ∂h_t/∂h_{t−1} contains diag(z), and z near 1 keeps both the memory and its gradient.",
        ]
        guard let length = findings.first?.length else { return out }
        var measured = "What this run measured, on sequences of \(length) steps: "
        measured += findings.map { f in
            "\(f.run.label) reached \(f.metricText) (\(f.solved ? "solved" : "not learned")), and its first time step received "
                + "\(RecurrentFinding.amount(f.firstStepShareAtStart)) of the last step's gradient at initialisation"
        }.joined(separator: "; ") + "."
        out.append(measured)
        if let elman = findings.first(where: { $0.cell == .tanh || $0.cell == .relu }) {
            let bound = pow(elman.sigmaAtStart, Double(length - 1))
            out.append("For \(elman.run.label), σ_max(W_hh) was \(NumberFormat.fixed(elman.sigmaAtStart, digits: 2)) at initialisation, "
                + "so the bound allows at most \(NumberFormat.scientific(bound, digits: 1)) over \(length - 1) steps; the measured share, "
                + "\(RecurrentFinding.amount(elman.firstStepShareAtStart)), is far smaller, because diag(φ′) shrinks every step too. "
                + "The adding task needs the values at the two marked steps, one in the first half: with so little gradient from there, "
                + "the network is left predicting the mean, which scores MSE 1/6 ≈ 0.167.")
        }
        let gated = findings.filter { $0.gateAtEnd != nil }
        if !gated.isEmpty {
            out.append("The gated cells: " + gated.map { f in
                "\(f.run.label)'s memory gate averaged \(NumberFormat.fixed(f.gateAtEnd ?? 0, digits: 2)) at the end, and \(f.metricText)"
            }.joined(separator: "; ") + ". A gate near 1 is the path along which the early time steps are both remembered and trained.")
        }
        return out
    }

    static func cellNote(_ f: RecurrentFinding) -> String {
        switch f.cell {
        case .tanh, .relu:
            return "An Elman cell has one path back in time, through W_hh and the slope of its nonlinearity at every step; the gradient that reaches the first steps is the product of all of them."
        case .lstm:
            return "The LSTM's cell state carries the gradient back multiplied only by the forget gate f at each step: where f stays near 1, early steps keep receiving gradient."
        case .gru:
            return "The GRU's update gate z mixes the old state straight into the new one: where z stays near 1, the gradient passes back with little loss."
        }
    }
}
