import Figures
import GradientData
import Graphics

/// The comparison: every network's heatmap on one colour scale with the summary table;
/// then the fading diagrams; then the profile and the curves of all networks together.
enum ComparisonPage {
    static func pages(_ history: GradientHistory, runs: [FigureRun], note: String? = nil, findings: Findings, design: ReportDesign,
                      measurer: TextMeasurer) -> [Page] {
        let style = design.figureStyle
        var first = Page(design: design, measurer: measurer)
        header(&first, "All networks compared", findings: findings)
        // A capped comparison says what it leaves out before it shows anything.
        if let note { first.text(note.prefix(1).uppercased() + note.dropFirst() + "; history.json holds every run.", .caption) }
        let table = summaryTable(runs, design: design)
        let tableSize = table.items(at: Point(0, 0), maxWidth: first.column.width, design: design, measurer: measurer)
                // The caption sits beside the table, where the page has room.
        let captionWidth = first.column.width - tableSize.width - 24
        let caption = [
            TextSpan("One colour scale for all panels: the same colour is the same ‖dL/dW‖ everywhere. Dark: the layer receives almost no gradient and barely learns.", .caption),
            TextSpan("\nlayer 1 / output: the first hidden layer's ‖dL/dW‖ divided by the output layer's; near 1, the gradient reaches the input side intact.", .caption),
        ]
        let captionHeight = first.measureParagraph(caption, width: captionWidth)
        let figureRect = Rect(x: first.column.x, y: first.cursor, width: first.column.width,
                              height: first.bottom - first.cursor - max(tableSize.height, captionHeight) - design.bodySize)
        let placed = first.place(GradientHeatmap.smallMultiples(runs, style: style, measurer: measurer), in: figureRect)
        first.cursor = placed.maxY + design.bodySize
        let tableTop = first.cursor
        first.table(table)
        first.column = (first.column.x + tableSize.width + 24, captionWidth)
        first.cursor = tableTop + 2
        first.paragraph(caption)

        var second = Page(design: design, measurer: measurer)
        header(&second, "All networks compared: which layers still learn", findings: findings)
        second.figure(FadingLayerDiagram.smallMultiples(runs, style: style, measurer: measurer),
                      caption: [TextSpan("Each network drawn layer by layer, input on the left. A layer is as solid and as bright as its gradient ‖dL/dW‖ compared with the output layer's, at the end of training; layers that fade away no longer learn.", .caption)],
                      in: Rect(x: second.column.x, y: second.cursor, width: second.column.width, height: second.bottom - second.cursor))

        // Without a loss (an imported log may have none) the profile has the page to itself.
        let curves = FigureCatalog.available(in: history).contains(.curves)
        var third = Page(design: design, measurer: measurer)
        header(&third, "All networks compared: gradient by layer" + (curves ? ", and learning" : ""), findings: findings)
        let top = third.cursor
        let height = curves ? (third.bottom - top - 10) / 2 : third.bottom - top
        let guide = GradientProfile.guideRun(runs) != nil ? " The dashed line falls by 0.25 per layer, the most a sigmoid's slope lets through." : ""
        third.figure(GradientProfile.scene(runs, style: style, measurer: measurer),
                     caption: [TextSpan("Gradient size by layer (log scale), at the start and at the end of training." + guide, .caption)],
                     in: Rect(x: third.column.x, y: top, width: third.column.width, height: height))
        guard curves else { return [first, second, third] }
        third.figure(TrainingCurves.scene(runs, style: style, measurer: measurer),
                     caption: [TextSpan(runs.allSatisfy { $0.run.testAccuracy.isEmpty } ? "Training loss (log scale) at every logged step."
                                                                                         : "Training loss (log scale) at every step and test accuracy after each epoch.", .caption)],
                     in: Rect(x: third.column.x, y: top + height + 10, width: third.column.width, height: height))
        return [first, second, third]
    }

    /// The page heading, with a badge for every diverged network.
    static func header(_ page: inout Page, _ title: String, findings: Findings) {
        let y = page.cursor
        page.heading(title)
        page.divergedBadges(findings.diverged, top: y)
    }

    /// The summary table in the report's type: the figures' summary rows, diverged runs in the warning colour.
    static func summaryTable(_ runs: [FigureRun], design: ReportDesign) -> Table {
        let shown = SummaryTable.columns(runs)
        let columns = shown.map { i in
            Table.Column(lines: SummaryTable.headers[i], alignment: i == 0 ? .start : .end)
        }
        let rows = SummaryTable.rows(runs).map { row in
            Table.Row(shown.map { c in
                Table.Cell(row.cells[c], row.diverged != nil && (c == 0 || c == row.cells.count - 1) ? .warning : .body)
            }, chip: design.figureStyle.networkColor(row.colorIndex))
        }
        return Table(columns: columns, rows: rows, size: design.bodySize - 1)
    }
}
