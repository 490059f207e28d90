import Figures
import GradientData
import Graphics

/// The comparison: every network's heatmap on one colour scale, and the summary table;
/// then the fading diagrams, the profile and the curves of all networks together.
enum ComparisonPage {
    static func pages(_ history: GradientHistory, runs: [FigureRun], findings: Findings, design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        let style = design.figureStyle
        var first = Page(design: design, measurer: measurer)
        header(&first, "All networks compared", findings: findings)
        let table = summaryTable(runs, design: design)
        let tableHeight = table.items(at: Point(0, 0), maxWidth: first.column.width, design: design, measurer: measurer).height
        let caption = [TextSpan("Gradient of every layer during training. ", .caption),
                       TextSpan("Bottom row of each panel: layer 1 (input side); top row: the output layer. One colour scale for all: the same colour is the same ‖dL/dW‖ in every panel. Dark means the layer receives almost no gradient and barely learns.", .caption)]
        let figureRect = Rect(x: first.column.x, y: first.cursor, width: first.column.width,
                              height: first.bottom - first.cursor - tableHeight - design.bodySize * 2.2)
        let placed = first.figure(GradientHeatmap.smallMultiples(runs, style: style, measurer: measurer), caption: caption, in: figureRect)
        first.cursor = placed.maxY + design.bodySize
        first.table(table)

        var second = Page(design: design, measurer: measurer)
        header(&second, "All networks compared: where the gradient goes", findings: findings)
        let top = second.cursor
        let half = (second.column.width - 24) / 2
        let height = second.bottom - top
        second.figure(FadingLayerDiagram.smallMultiples(runs, style: style, measurer: measurer),
                      caption: [TextSpan("Each layer drawn as solid as its gradient is large, relative to the output layer, at the end of training. Faded layers no longer learn.", .caption)],
                      in: Rect(x: second.column.x, y: top, width: half, height: height * 0.56))
        second.figure(GradientProfile.scene(runs, style: style, measurer: measurer),
                      caption: [TextSpan("Gradient size by layer (log scale), at the start and the end. The dashed line falls by 0.25 per layer: the sigmoid's limit.", .caption)],
                      in: Rect(x: second.column.x + half + 24, y: top, width: half, height: height * 0.5))
        second.figure(TrainingCurves.scene(runs, style: style, measurer: measurer),
                      caption: [TextSpan("Training loss (log scale) and test accuracy after each epoch.", .caption)],
                      in: Rect(x: second.column.x + half + 24, y: top + height * 0.5 + 6, width: half, height: height * 0.5 - 6))
        second.figure(SummaryTable.scene(runs, style: style, measurer: measurer), caption: [],
                      in: Rect(x: second.column.x, y: top + height * 0.6, width: half, height: height * 0.4))
        return [first, second]
    }

    /// The page heading, with a badge for every diverged network.
    static func header(_ page: inout Page, _ title: String, findings: Findings) {
        let y = page.cursor
        page.heading(title)
        page.divergedBadges(findings.diverged, top: y)
    }

    /// The summary table in the report's type: the figures' summary rows, diverged runs in the warning colour.
    static func summaryTable(_ runs: [FigureRun], design: ReportDesign) -> Table {
        let columns = SummaryTable.headers.enumerated().map { i, h in
            Table.Column(lines: h, alignment: i == 0 ? .start : .end)
        }
        let rows = SummaryTable.rows(runs).map { row in
            Table.Row(row.cells.enumerated().map { c, text in
                Table.Cell(text, row.diverged != nil && (c == 0 || c == row.cells.count - 1) ? .warning : .body)
            }, chip: design.figureStyle.networkColor(row.colorIndex))
        }
        return Table(columns: columns, rows: rows, size: design.bodySize - 0.5)
    }
}
