import CairoBackend
import Foundation
import GradientData
import Graphics
import Reporting
import TestSupport
import Testing

/// Every line of text on a page, in drawing order.
func texts(_ scene: Scene) -> [String] {
    scene.placedTexts(measurer: EstimatedTextMeasurer()).map(\.string)
}

@Suite struct ReportBuilderTests {
    static func explanationPages(_ history: GradientHistory) -> Int {
        ReportBuilder.document(for: history, measurer: EstimatedTextMeasurer()).pageTitles.filter { $0 == "What it means" }.count
    }

    @Test func titlePageStatesTheExactSettings() throws {
        let measurer = try CairoRenderer().measurer
        let data = DataSummary(name: "digits", examples: 1797, features: 64, classes: 10, trainCount: 1437, testCount: 360)
        let doc = ReportBuilder.document(for: HistoryFixtures.zooLike, data: data, measurer: measurer)
        let page = texts(doc.pages[0]).joined(separator: "\n")
        #expect(page.contains("Why deep sigmoid networks stop learning"))
        for expected in ["1797 examples, 64 inputs, 10", "1437 for training, 360 for testing", "6 hidden layers of 16 units",
                         "SGD, learning rate 0.01, momentum 0.9", "Batch size", "32", "2 epochs (4 steps)", "Seeds",
                         "Xavier normal", "He normal", "sigmoid+batchnorm", "yes"] {
            #expect(page.contains(expected), "title page lacks '\(expected)'")
        }
        #expect(!page.contains("20"), "the title page carries no date")
    }

    static let eightNetworks = HistoryFixtures.history((1...8).map {
        HistoryFixtures.RunShape(name: "network number \($0)", activation: $0 % 2 == 0 ? .relu : .sigmoid,
                                 ratio: $0 % 2 == 0 ? 0.5 : 1e-9, accuracy: $0 % 2 == 0 ? 0.9 : 0.1, diverged: $0 == 3 ? 2 : nil)
    })

    @Test(arguments: [HistoryFixtures.zooLike, eightNetworks])
    func everyPageFitsAndIsNumbered(_ history: GradientHistory) throws {
        let measurer = try CairoRenderer().measurer
        let doc = ReportBuilder.document(for: history, measurer: measurer)
        #expect(doc.pages.count == doc.pageTitles.count)
        let settings = doc.pageTitles.filter { $0 == "Settings" }.count
        #expect(settings == (history.runs.count > 6 ? 2 : 1))
        #expect(Array(doc.pageTitles[settings..<(settings + 3)]) == ["All networks compared", "All networks compared", "All networks compared"])
        // The contents give each section's first page.
        let title = texts(doc.pages[0])
        if let i = title.firstIndex(of: "What it means"), let start = doc.pageTitles.firstIndex(of: "What it means") {
            #expect(title[i - 1] == "\(start + 1)")
        } else {
            Issue.record("the contents list no explanation")
        }
        for (i, page) in doc.pages.enumerated() {
            #expect(page.width == 842 && page.height == 595)
            #expect(texts(page).contains("page \(i + 1) of \(doc.pages.count)"))
            // Text and rules placed by the report itself (not inside a figure) stay inside the margins.
            for item in page.items {
                if case .stroke(let path, _) = item {
                    for case .line(let p) in path.elements { #expect(p.y <= 595 - 30, "page \(i + 1): a line at y \(p.y)") }
                }
                guard case .text(let s, let at, let style, let rotation) = item else { continue }
                let box = style.box(of: s, at: at, measurer: measurer).rotated(by: rotation, about: at)
                #expect(Rect(x: 30, y: 30, width: 782, height: 545).contains(box, tolerance: 0.5), "page \(i + 1): '\(s)' at \(box)")
            }
        }
    }

    @Test func aDivergedRunIsMarkedOnEveryPageWhereItAppears() throws {
        let h = HistoryFixtures.history([
            .init(name: "sigmoid", activation: .sigmoid, ratio: 1e-9, accuracy: 0.1),
            .init(name: "relu-hot", activation: .relu, ratio: 3000, accuracy: 0.1, diverged: 17),
        ])
        let doc = ReportBuilder.document(for: h, measurer: EstimatedTextMeasurer())
        var marked = 0
        for (i, page) in doc.pages.enumerated() {
            let all = texts(page)
            guard all.contains(where: { $0.contains("relu-hot") }) else { continue }
            #expect(all.contains { $0.contains("diverged at step 17") } || all.contains("at step 17"),
                    "page \(i + 1) shows relu-hot but does not say it diverged")
            marked += 1
        }
        #expect(marked >= 5)
    }

    @Test func explanationNumbersReachThePage() {
        let doc = ReportBuilder.document(for: HistoryFixtures.zooLike, measurer: EstimatedTextMeasurer())
        let last = doc.pages.indices.filter { doc.pageTitles[$0] == "What it means" }.flatMap { texts(doc.pages[$0]) }.joined(separator: " ")
        #expect(last.contains("10⁻¹²"))
        #expect(last.contains("a trillionth"))
    }
}
