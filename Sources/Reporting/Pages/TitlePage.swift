import Figures
import GradientData
import Graphics

/// The first page: the question, the answer in short, the exact settings, the contents.
enum TitlePage {
    /// The title page, and a second page for the network table when it does not fit under the settings.
    static func pages(
        _ history: GradientHistory, findings: Findings, data: DataSummary?, contents: [(String, Int)],
        design: ReportDesign, measurer: TextMeasurer, headline: [TextSpan]? = nil, subtitle: String? = nil
    ) -> [Page] {
        var page = Page(design: design, measurer: measurer)
        let content = design.contentRect
        let networks = Phrases.count(Set(history.runs.map(\.network)).count, "network")
        page.text("vanish report · \(history.spec.name)", .caption, gapAfter: 6)
        page.text(history.spec.title, .title, gapAfter: 4)
        page.text(subtitle ?? history.spec.importedFrom.map { "\(networks) imported from \($0), each layer's gradient at every logged step" }
                  ?? "\(networks) trained on the same data, each layer's gradient recorded at every step", .body, gapAfter: 14)

        // "In short" call-out.
        let headline = headline ?? Explanation.headline(findings)
        if !headline.isEmpty {
            let inner = content.width - 24
            let height = page.measureParagraph(headline, width: inner) + design.subheadingSize * design.leading + 16
            page.scene.fill(.rectangle(Rect(x: content.minX, y: page.cursor, width: content.width, height: height)), design.panelColor)
            page.scene.fill(.rectangle(Rect(x: content.minX, y: page.cursor, width: 4, height: height)), design.accentColor)
            let top = page.cursor
            page.cursor += 8
            page.column = (content.minX + 14, inner)
            page.text("In short", .subheading, gapAfter: 2)
            page.paragraph(headline, gapAfter: 0)
            page.column = (content.minX, content.width)
            page.cursor = top + height + 16
        }

        // Shared settings as label/value lines, left column; contents on the right.
        let top = page.cursor
        let left = content.width * 0.64
        page.column = (content.minX, left)
        page.text("Settings", .subheading, gapAfter: 4)
        let labelWidth = 112.0
        for (label, value) in SettingsDescription.shared(history, data: data) {
            let y = page.cursor
            page.scene.text(label, at: Point(content.minX, y), style: design.style(.strong, baseline: .top))
            page.column = (content.minX + labelWidth, left - labelWidth)
            page.text(value, gapAfter: 2)
            page.column = (content.minX, left)
        }
        let settingsBottom = page.cursor

        page.column = (content.minX + left + 28, content.width - left - 28)
        page.cursor = top
        page.text("Contents", .subheading, gapAfter: 4)
        for (title, number) in contents {
            let y = page.cursor
            page.scene.text("\(number)", at: Point(page.column.x + page.column.width, y), style: design.style(.body, anchor: .end, baseline: .top))
            page.text(title, width: page.column.width - 30, gapAfter: 2)
        }

        page.column = (content.minX, content.width)
        page.cursor = max(settingsBottom, page.cursor) + 10
        var rows = SettingsDescription.networkRows(history)
        var columns = [Table.Column("network"), Table.Column("activation"), Table.Column("batch norm"),
                       Table.Column("residual"), Table.Column("initialisation"), Table.Column("differs from the settings above")]
        if history.spec.isRecurrent {
            rows = SettingsDescription.recurrentRows(history)
            columns = ["network", "cell", "hidden", "initialisation", "forget bias"].map { Table.Column($0) }
        } else if history.spec.importedFrom != nil {
            // A log knows no architecture: its table says what was logged.
            let imported = SettingsDescription.importedRows(history)
            let names = ["network", "weight layers", "logged", "statistics"]
            // Steps and statistics every network shares are in the settings above already.
            let shown = names.indices.filter { c in c < 2 || Set(imported.map { $0.cells[c] }).count > 1 }
            rows = imported.map { r in (r.cells[0], r.colorIndex, shown.map { r.cells[$0] }, r.diverged.map { [$0] } ?? []) }
            columns = shown.map { Table.Column(names[$0]) }
        }
        // Hundreds of networks: the first ones, as many as the figures show, and how many more there are.
        let allRowCount = rows.count
        rows = Array(rows.prefix(RunSelection.limit))
        let anyDiverged = rows.contains { !$0.diverged.isEmpty }
        if anyDiverged { columns.append(Table.Column("diverged")) }
        var table = Table(columns: columns, rows: rows.map { row in
            var cells = row.cells.map { Table.Cell($0) }
            if anyDiverged {
                cells.append(row.diverged.isEmpty ? Table.Cell("—")
                             : Table.Cell("at step " + row.diverged.map(String.init).joined(separator: ", "), .warning))
            }
            return Table.Row(cells, chip: design.figureStyle.networkColor(row.colorIndex))
        }, size: design.bodySize - 0.5)
        // Many networks: smaller type, then a page of their own, rather than a table running into the footer.
        let headingHeight = design.subheadingSize * design.leading + 4
        func fits(_ t: Table, below y: Double) -> Bool {
            t.items(at: Point(0, 0), maxWidth: content.width, design: design, measurer: measurer).height + headingHeight <= page.bottom - y
        }
        while let size = table.size, size > 8.5, !fits(table, below: page.cursor) {
            table.size = size - 0.5
        }
        var out: [Page] = []
        if !fits(table, below: page.cursor) {
            out.append(page)
            page = Page(design: design, measurer: measurer)
            table.size = design.bodySize - 0.5
            while let size = table.size, size > 7, !fits(table, below: page.cursor) {
                table.size = size - 0.5
            }
        }
        page.text("The networks", .subheading, gapAfter: 4)
        page.table(table)
        if allRowCount > rows.count {
            page.text("The first \(rows.count) of \(allRowCount) networks; history.json lists every one.", .caption)
        }
        out.append(page)
        return out
    }
}
