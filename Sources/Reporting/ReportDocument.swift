import Figures
import GradientData
import Graphics

/// A report: its pages as scenes, in order, each with a short title for the contents.
public struct ReportDocument: Hashable, Sendable {
    /// The experiment's name (`zoo`): the report folder's default name.
    public var name: String
    public var title: String
    public var pages: [Scene]
    /// What each page holds, in a few words (`Settings`, `sigmoid: gradients`, …).
    public var pageTitles: [String]

    public init(name: String, title: String, pages: [Scene], pageTitles: [String]) {
        self.name = name
        self.title = title
        self.pages = pages
        self.pageTitles = pageTitles
    }
}

/// A report being laid out: its sections as independent jobs, and the step that puts their pages together.
///
/// The jobs may run on any threads in any order (alongside other work); `document(sections:)`
/// takes their pages in job order.
public struct ReportLayout: Sendable {
    /// One job per section, each returning the section's pages.
    public let sections: [@Sendable () -> [Page]]
    let assemble: @Sendable ([[Page]]) -> ReportDocument

    /// The document from the sections' pages (`sections[i]()` at index `i`): title pages, contents and footers added.
    public func document(sections pages: [[Page]]) -> ReportDocument { assemble(pages) }
}

/// Builds a report document from a history: title page, comparison, pages per network, explanation.
public enum ReportBuilder {
    /// How many runs have pages of their own when a history has more runs than the figures draw.
    static let cappedRunPages = 8

    /// The report of `history`; `data` adds the data set's size and split to the title page.
    ///
    /// A pure function of its arguments: the same history gives the same scenes.
    public static func document(
        for history: GradientHistory, data: DataSummary? = nil, design: ReportDesign = .standard, measurer: TextMeasurer
    ) -> ReportDocument {
        // Sections are independent of each other: they are laid out concurrently, then put in order.
        let layout = layout(for: history, data: data, design: design, measurer: measurer)
        let jobs = layout.sections
        return layout.document(sections: Concurrently.map(jobs.count) { jobs[$0]() })
    }

    /// The report of `history` as `document(for:data:design:measurer:)` lays it out, split into its sections' jobs.
    public static func layout(
        for history: GradientHistory, data: DataSummary? = nil, design: ReportDesign = .standard, measurer: TextMeasurer
    ) -> ReportLayout {
        let findings = Findings(history: history, data: data)
        let runs = FigureRun.all(in: history)
        var builders: [(title: String, pages: @Sendable () -> [Page])] = []
        var headline: [TextSpan]?
        var subtitle: String?
        if history.spec.isRecurrent {
            // Recurrent runs fade through time: their own comparison, network and explanation pages.
            let scale = TimeHeatmap.sharedScale(runs.map(\.run))
            builders.append(("All networks compared", { RecurrentPages.comparison(runs, design: design, measurer: measurer) }))
            for run in runs {
                builders.append(("\(run.label)", { RecurrentPages.network(run, scale: scale, design: design, measurer: measurer) }))
            }
            builders.append(("What it means", { RecurrentPages.explanation(runs, design: design, measurer: measurer) }))
            headline = [TextSpan(RecurrentStory.headline(runs.compactMap(RecurrentFinding.init)))]
            subtitle = "\(Phrases.count(history.spec.networks.count, "network")) trained on the same sequences, the gradient reaching every time step recorded at every step"
        } else if EdgeOfChaos.isAnySweep(history) {
            // A grid of settings: the sweep's own pages replace the per-network ones.
            let spec = history.spec
            builders.append((EdgeOfChaos.isSweep(history) ? "The edge of chaos" : "Test accuracy over the grid", {
                EdgeOfChaosPages.pages(history, design: design, measurer: measurer)
            }))
            headline = EdgeOfChaosStory.headline(history)
            let grid = spec.sweep?.axes.map { "\($0.values.count) \($0.key.rawValue)" }.joined(separator: " × ") ?? ""
            subtitle = "\(Phrases.count(spec.networks.count, "network")) over a grid of \(grid) with \(Phrases.count(spec.seeds.count, "seed")): \(Phrases.count(history.runs.count, "run")) on the same data, a summary of each recorded"
        } else if DepthSweep.isSweep(history) {
            // Hundreds of runs that differ in depth: the sweep's own pages replace the per-network ones.
            let spec = history.spec
            builders.append(("Gradient against depth", { DepthSweepPages.pages(history, design: design, measurer: measurer) }))
            headline = DepthSweepStory.headline(history)
            subtitle = "\(Phrases.count(spec.networks.count, "network")) at \(Phrases.count(spec.depths?.count ?? 0, "depth")) with \(Phrases.count(spec.seeds.count, "seed")): \(Phrases.count(history.runs.count, "run")) on the same data, each layer's gradient recorded"
        } else {
            if LayerDeltaBars.comparesInitialisations(runs) {
                builders.append(("How fast each layer learns", { InitStoryPages.pages(runs, findings: findings, design: design, measurer: measurer) }))
                headline = InitStory.headline(runs, reference: LayerDeltaReference.matching(runs)) + [TextSpan(" ")] + Explanation.headline(findings)
            }
            // Thousands of runs: the figures' capped selection, and the contents say how many are left out.
            let selection = RunSelection(runs)
            let shown = selection.shown
            let scale = GradientHeatmap.sharedScale(shown.map(\.run))
            let comparisonTitle = selection.note == nil ? "All networks compared" : "Networks compared (\(shown.count) of \(selection.total) runs)"
            builders.append((comparisonTitle, {
                ComparisonPage.pages(history, runs: shown, note: selection.note, findings: findings, design: design, measurer: measurer)
            }))
            // A capped report gives pages of their own to fewer runs still, so its contents fit the title page.
            let paged = selection.note == nil ? shown.count : min(shown.count, Self.cappedRunPages)
            for (i, run) in zip(selection.shownIndices, shown).prefix(paged) {
                builders.append(("\(run.label)", {
                    NetworkPages.pages(run, finding: findings.runs[i], findings: findings, scale: scale, design: design, measurer: measurer)
                }))
            }
            if selection.total > paged {
                builders.append(("\(Phrases.count(selection.total - paged, "run")) without pages of their own (all are in history.json)", { [] }))
            }
            builders.append(("What it means", { ExplanationPages.pages(findings, design: design, measurer: measurer) }))
        }
        let titles = builders.map(\.title)
        return ReportLayout(sections: builders.map(\.pages)) { [headline, subtitle] built in
            assemble(history, data: data, design: design, measurer: measurer, findings: findings, headline: headline, subtitle: subtitle,
                     sections: titles.indices.map { (title: titles[$0], pages: built[$0]) })
        }
    }

    /// The title pages (with the contents), then the sections, every page with its footer.
    static func assemble(
        _ history: GradientHistory, data: DataSummary?, design: ReportDesign, measurer: TextMeasurer, findings: Findings,
        headline: [TextSpan]?, subtitle: String?, sections: [(title: String, pages: [Page])]
    ) -> ReportDocument {
        // The title page lists where each section starts, which depends on how many pages it takes itself.
        var titlePages: [Page] = []
        var titleCount = 1
        for _ in 0..<2 {
            var contents: [(String, Int)] = []
            var next = titleCount + 1
            for s in sections {
                contents.append((s.title, next))
                next += s.pages.count
            }
            titlePages = TitlePage.pages(history, findings: findings, data: data, contents: contents, design: design, measurer: measurer,
                                         headline: headline, subtitle: subtitle)
            if titlePages.count == titleCount { break }
            titleCount = titlePages.count
        }
        var pages = titlePages
        var titles = Array(repeating: "Settings", count: titlePages.count)
        for s in sections {
            pages += s.pages
            titles += Array(repeating: s.title, count: s.pages.count)
        }
        let footerLeft = "vanish · \(history.spec.name) · \(history.spec.title)"
        for i in pages.indices {
            pages[i].footer(left: footerLeft, right: "page \(i + 1) of \(pages.count)")
        }
        return ReportDocument(name: history.spec.name, title: history.spec.title, pages: pages.map(\.scene), pageTitles: titles)
    }
}
