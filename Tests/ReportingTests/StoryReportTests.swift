import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Reporting
import Testing
import TestSupport

/// The reports of the depth-sweep and initialisation stories, from the small fixture histories.
@Suite struct StoryReportTests {
    static func fixture(_ name: String) throws -> GradientHistory {
        try GradientHistory.load(contentsOf: TestPaths.fixtures.appendingPathComponent("histories/\(name).json"))
    }

    @Test func sweepReportHasItsOwnPagesInsteadOfOnePerRun() throws {
        let history = try Self.fixture("sweep-small")
        let doc = ReportBuilder.document(for: history, measurer: EstimatedTextMeasurer())
        #expect(doc.pageTitles.first == "Settings")
        #expect(Set(doc.pageTitles) == ["Settings", "Gradient against depth"])
        let all = doc.pages.flatMap(texts).joined(separator: "\n")
        #expect(all.contains("factor per layer"))
        #expect(!all.contains("sigmoid depth 2"), "runs are grouped under their network's name")
        let title = texts(doc.pages[0]).joined(separator: " ")
        #expect(title.contains("3 networks at 4 depths with 3 seeds: 36 runs"))
        #expect(title.contains("2, 4, 8, 12 hidden layers of 16 units"))
    }

    @Test func sweepTextStatesTheFittedFactorFromTheData() throws {
        let history = try Self.fixture("sweep-small")
        let text = DepthSweepStory.sections(history).map(\.plainText).joined(separator: "\n")
        let sigmoid = try #require(DepthSweep.series(history, atEnd: false).first?.factorPerLayer)
        #expect(text.contains("falls by a factor of \(NumberFormat.fixed(sigmoid, digits: 2)) per added layer"))
        #expect(text.contains("sigmoid+residual"))
        #expect(text.contains("orders of magnitude") || text.contains("order of magnitude"))
        let headline = DepthSweepStory.headline(history).map(\.text).joined()
        #expect(headline.contains("In the sigmoid network"))
        #expect(headline.contains("relu and sigmoid+residual each stay within"))
    }

    @Test func initReportStartsWithNielsensChartAndTable() throws {
        let history = try Self.fixture("init-small")
        let doc = ReportBuilder.document(for: history, measurer: EstimatedTextMeasurer())
        #expect(Array(doc.pageTitles.prefix(3)) == ["Settings", "How fast each layer learns", "How fast each layer learns"])
        let chart = texts(doc.pages[1]).joined(separator: " ")
        #expect(chart.contains("Nielsen, MNIST"))
        #expect(chart.contains("0.0030") && chart.contains("0.28"))
        let runs = FigureRun.all(in: history)
        let factors = LayerDeltaBars.factors(LayerDeltaBars.hiddenDeltas(runs[0].run))
        let mean = try #require(InitStory.meanFactor(factors))
        #expect(chart.contains("about \(NumberFormat.fixed(mean, digits: 1)) times more slowly"))
        #expect(InitStory.headline(runs, reference: .nielsenMNIST).map(\.text).joined().contains("Nielsen reports 4.6 on MNIST"))
        #expect(InitStory.meanFactor([4, 9]) == 6)
        #expect(InitStory.meanFactor([4, 0]) == nil)
    }

    @Test(arguments: ["sweep-small", "init-small"])
    func storyPagesKeepTheirTextInsideTheMargins(_ name: String) throws {
        let measurer = try CairoRenderer().measurer
        let doc = ReportBuilder.document(for: try Self.fixture(name), measurer: measurer)
        for (i, page) in doc.pages.enumerated() {
            #expect(texts(page).contains("page \(i + 1) of \(doc.pages.count)"))
            for item in page.items {
                guard case .text(let s, let at, let style, let rotation) = item else { continue }
                let box = style.box(of: s, at: at, measurer: measurer).rotated(by: rotation, about: at)
                #expect(Rect(x: 30, y: 30, width: 782, height: 545).contains(box, tolerance: 0.5), "page \(i + 1): '\(s)' at \(box)")
            }
        }
    }
}

/// The edge-of-chaos report, from the quick preset's history.
@Suite struct EdgeOfChaosReportTests {
    @Test func sweepReportTellsBothSidesInItsOwnNumbers() throws {
        let history = try StoryReportTests.fixture("edge-of-chaos-quick")
        let doc = ReportBuilder.document(for: history, measurer: EstimatedTextMeasurer())
        #expect(Set(doc.pageTitles) == ["Settings", "The edge of chaos"])
        let all = doc.pages.flatMap(texts).joined(separator: " ")
        #expect(all.contains("σ_w² = 1.761"), "the critical σ_w² from theory")
        #expect(all.contains("ordered") && all.contains("chaotic") && all.contains("vanishing gradient") && all.contains("exploding"))
        let sides = try #require(EdgeOfChaosStory.sides(history))
        let ordered = try #require(sides.ordered.measuredFactor), chaotic = try #require(sides.chaotic.measuredFactor)
        #expect(ordered < 1 && chaotic > 1, "vanishing below the edge, exploding above it")
        #expect(all.contains(EdgeOfChaosStory.value(ordered)) && all.contains(EdgeOfChaosStory.value(chaotic)))
        #expect(!all.contains("tanh σw²=1 depth=10"), "runs are grouped under their network's name")
    }
}

extension EdgeOfChaosReportTests {
    @Test func theHeadlineNamesTheDeepestDepthThatLearned() throws {
        let history = try StoryReportTests.fixture("edge-of-chaos-quick")
        let best = try #require(EdgeOfChaosStory.bestAtDepth(history))
        #expect(best.depth == 16 && best.accuracy >= EdgeOfChaosStory.learnedAbove)
        // The quick grid's deepest row: σ_w² = 1.75 learned most (mean of 2 seeds).
        #expect(best.weightVariance == 1.75)
        #expect(EdgeOfChaosStory.headline(history).map(\.text).joined().contains("At depth 16, the deepest where a network learned"))
    }

    /// A sweep where nothing learned (too few steps) says so rather than calling its best cell "learned".
    @Test func aSweepWhereNothingLearnedSaysSo() throws {
        var history = try StoryReportTests.fixture("edge-of-chaos-quick")
        for i in history.runs.indices { history.runs[i].testAccuracy = history.runs[i].testAccuracy.map { _ in 0.12 } }
        let headline = EdgeOfChaosStory.headline(history).map(\.text).joined()
        let half = NumberFormat.percent(0.5, digits: 1)
        #expect(headline.contains("No network reached \(half) test accuracy; at depth 16 the best, \(NumberFormat.percent(0.12, digits: 1))"), "\(headline)")
        #expect(!headline.contains("learned,"))
        let prose = EdgeOfChaosStory.sections(history).flatMap(\.paragraphs).flatMap { $0 }.map(\.text).joined()
        #expect(prose.contains("Here no network reached \(half) test accuracy") && !prose.contains("deepest networks that learned"))
    }

    /// The text tells the first network's story; with several networks it says so, and which one.
    @Test func theHeadlineSaysWhichNetworkItFollows() throws {
        var history = try StoryReportTests.fixture("edge-of-chaos-quick")
        #expect(!EdgeOfChaosStory.headline(history).map(\.text).joined().contains("this text follows"))
        history.spec.networks.append(NetworkSpec(name: "relu", activation: .relu))
        #expect(EdgeOfChaosStory.headline(history).map(\.text).joined()
            .hasPrefix("The figures show all 2 networks (tanh, relu); this text follows the first, tanh. "))
    }
}
