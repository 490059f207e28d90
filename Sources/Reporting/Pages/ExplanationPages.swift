import Figures
import Graphics

/// The plain-language explanation, flowed over two columns and as many pages as it needs.
enum ExplanationPages {
    /// `sections` in one column, starting on `page` and continuing on as many pages as they need;
    /// a heading is kept with its first paragraph.
    static func flow(_ sections: [ProseSection], onto page: Page, design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        var pages: [Page] = []
        var page = page
        func nextPage() {
            pages.append(page)
            page = Page(design: design, measurer: measurer)
            page.heading("What it means (continued)")
        }
        for section in sections {
            let headingHeight = design.subheadingSize * design.leading + 2
            let firstHeight = section.paragraphs.first.map { page.measureParagraph($0, width: page.column.width) } ?? 0
            if page.cursor + headingHeight + firstHeight > page.bottom { nextPage() }
            page.text(section.heading, .subheading, gapAfter: 2)
            for paragraph in section.paragraphs {
                if page.cursor + page.measureParagraph(paragraph, width: page.column.width) > page.bottom { nextPage() }
                page.paragraph(paragraph)
            }
            page.cursor += design.bodySize * 0.4
        }
        pages.append(page)
        return pages
    }

    static func pages(_ findings: Findings, design: ReportDesign, measurer: TextMeasurer) -> [Page] {
        let gap = 30.0
        var pages: [Page] = []
        var page = Page(design: design, measurer: measurer)
        page.heading("What it means")
        let columnTop = page.cursor
        let width = (page.column.width - gap) / 2
        var columnIndex = 0
        page.column = (design.contentRect.minX, width)

        /// Moves to the next column, or to a new page after the second column.
        func nextColumn() {
            if columnIndex == 0 {
                columnIndex = 1
                page.column = (design.contentRect.minX + width + gap, width)
                page.cursor = columnTop
            } else {
                pages.append(page)
                page = Page(design: design, measurer: measurer)
                page.heading("What it means (continued)")
                columnIndex = 0
                page.column = (design.contentRect.minX, width)
            }
        }

        for section in Explanation.sections(findings) {
            let headingHeight = design.subheadingSize * design.leading + 2
            let firstHeight = section.paragraphs.first.map { page.measureParagraph($0, width: width) } ?? 0
            // Keep a heading with its first paragraph.
            if page.cursor + headingHeight + firstHeight > page.bottom { nextColumn() }
            page.text(section.heading, .subheading, gapAfter: 2)
            for paragraph in section.paragraphs {
                if page.cursor + page.measureParagraph(paragraph, width: width) > page.bottom { nextColumn() }
                page.paragraph(paragraph)
            }
            page.cursor += design.bodySize * 0.4
        }
        pages.append(page)
        // A diverged run named on a page is marked there, like on every other page.
        for i in pages.indices {
            let strings = pages[i].scene.items.compactMap { item -> String? in
                if case .text(let s, _, _, _) = item { return s }
                return nil
            }
            let named = findings.diverged.filter { r in strings.contains { $0.contains(r.label) } }
            pages[i].column = (design.contentRect.minX, design.contentRect.width)
            pages[i].divergedBadges(named, top: design.contentRect.minY)
        }
        return pages
    }
}
