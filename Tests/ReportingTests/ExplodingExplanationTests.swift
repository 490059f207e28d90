import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Reporting
import Testing
import TestSupport
import VanishCommands

/// The exploding story's text: growth per layer, what happened without clipping, what clipping changed.
@Suite struct ExplodingExplanationTests {
    /// Two tanh networks whose layer 1 gets 20 and 24 times the output layer's gradient at step 0; the second clips at 1.
    static func history() -> GradientHistory {
        var history = HistoryFixtures.history([
            .init(name: "tanh", activation: .tanh, ratio: 1e-3, startFactor: 2e4, accuracy: 0.15, saturated: 0.7),
            .init(name: "tanh+clipping", activation: .tanh, ratio: 3, startFactor: 8, accuracy: 0.9),
        ])
        history.runs[1].settings.clipNorm = 1
        return history
    }

    static func text(_ history: GradientHistory) -> String {
        Explanation.sections(Findings(history: history, data: nil)).map(\.plainText).joined(separator: "\n")
    }

    @Test func explainsGrowthPerLayerAndWhatClippingChanged() {
        let findings = Findings(history: Self.history(), data: nil)
        #expect(Explanation.tellsExplodingStory(findings))
        let text = Self.text(Self.history())
        #expect(text.contains("Exploding gradients, and what clipping changes"))
        // 20^(1/6) and 24^(1/6): six layers between layer 1 and the output layer.
        #expect(text.contains("tanh network by a factor of 1.65 per layer, so that its first layer receives 20 times"))
        #expect(text.contains("tanh+clipping network by a factor of 1.70 per layer"))
        #expect(text.contains("70\u{2009}% of its hidden units end up saturated"))
        // Weight and bias norms are equal in the fixture: at step 0 the norm is √2 times the weights' norm.
        #expect(text.contains("clipping is at work in 5 of 5 recorded steps"))
        #expect(text.contains("Without clipping: 15.0\u{2009}%"))
        #expect(!text.contains("Why sigmoid and tanh shrink it"))
        let headline = Explanation.headline(findings).map(\.text).joined()
        #expect(headline.hasPrefix("The gradient explodes: at initialisation it grows by a factor of 1.65 to 1.70 per layer"))
        #expect(headline.contains("Clipped at 1, tanh+clipping reaches 90.0\u{2009}% test accuracy."))
    }

    @Test func vanishingStoriesDoNotTellIt() {
        let history = HistoryFixtures.history([
            .init(name: "sigmoid", activation: .sigmoid, ratio: 1e-9, accuracy: 0.1),
            .init(name: "relu", activation: .relu, ratio: 0.5, accuracy: 0.95),
        ])
        #expect(!Explanation.tellsExplodingStory(Findings(history: history, data: nil)))
        #expect(!Self.text(history).contains("Exploding gradients"))
    }
}

/// A report from an imported gradient log: the pages and figures it has data for, and no training settings.
@Suite struct ImportedReportTests {
    static func history(loss: Bool) throws -> GradientHistory {
        var text = "network,step,layer,weightGradNorm" + (loss ? ",loss" : "") + "\n"
        for network in ["sigmoid", "relu"] {
            for step in 0..<4 {
                for (i, layer) in ["inp", "hidden.0", "hidden.1", "out"].enumerated() {
                    let norm = network == "sigmoid" ? pow(10, Double(i - 3) * 2) : 0.5 + 0.1 * Double(i)
                    text += "\(network),\(step),\(layer),\(norm)" + (loss ? ",\(2.3 - 0.1 * Double(step))" : "") + "\n"
                }
            }
        }
        return try GradientLogImport.read(Data(text.utf8), source: "runs.csv")
    }

    @Test func onlyTheFiguresWithDataAreDrawn() throws {
        let measurer = EstimatedTextMeasurer()
        let bare = FigureCatalog.figures(for: try Self.history(loss: false), measurer: measurer).map(\.name)
        #expect(bare == ["heatmaps", "fading", "profile", "summary", "heatmap-sigmoid", "fading-sigmoid", "filmstrip-sigmoid",
                         "heatmap-relu", "fading-relu", "filmstrip-relu"])
        let withLoss = FigureCatalog.figures(for: try Self.history(loss: true), measurer: measurer).map(\.name)
        #expect(withLoss.contains("curves") && !withLoss.contains("saturation") && !withLoss.contains("profile-delta"))
    }

    @Test func theReportHasItsPagesAndClaimsNoTrainingSettings() throws {
        let measurer = try CairoRenderer().measurer
        let doc = ReportBuilder.document(for: try Self.history(loss: false), measurer: measurer)
        #expect(doc.pageTitles == ["Settings"] + Array(repeating: "All networks compared", count: 3)
                + ["sigmoid", "sigmoid", "relu", "relu", "What it means"])
        let title = texts(doc.pages[0]).joined(separator: "\n")
        #expect(title.contains("Gradients imported from runs.csv"))
        #expect(title.contains("2 networks imported from runs.csv"))
        #expect(title.contains("inp, hidden.0, …, out") || title.contains("inp, hidden.0, hidden.1, out"))
        for claim in ["SGD", "Batch size", "Xavier", "trained on the same data", "digits", "hidden layers of"] {
            #expect(!title.contains(claim), "the title page claims '\(claim)'")
        }
        let all = doc.pages.flatMap(texts).joined(separator: "\n")
        // Without accuracies the summary table has no accuracy columns.
        #expect(!texts(doc.pages[1]).contains("final test") && texts(doc.pages[1]).contains("at step 0"))
        #expect(!all.contains("test accuracy after each epoch") && !all.contains("no test accuracy recorded"))
        let prose = Explanation.sections(Findings(history: try Self.history(loss: false), data: nil)).map(\.plainText).joined()
        #expect(prose.contains("An imported log: vanish did not train these networks"))
        #expect(prose.contains("In sigmoid the gradient has all but vanished"))
        #expect(!prose.contains("What ReLU changes"))
    }
}

/// `vanish run --import` and `vanish render RUNS.csv`: the report folder from a log, or one line and nothing written.
@Suite struct ImportRunTests {
    @Test func aLogBecomesAReportFolderAndABadOneWritesNothing() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-import")
        defer { try? FileManager.default.removeItem(at: root) }
        let log = root.appendingPathComponent("runs.csv")
        try ImportedReportTests.history(loss: false).csvData().write(to: log)
        let out = root.appendingPathComponent("report")
        let result = try RunReport.run(RunRequest(outputFolder: out.path, formats: [.pdf, .png], historyPath: log.path))
        let names = result.written.map(\.lastPathComponent)
        #expect(names.prefix(3) == ["history.json", "history.csv", "report.pdf"])
        #expect(names.contains("heatmaps.png") && !names.contains("curves.png") && !names.contains("saturation.png"))

        let bad = root.appendingPathComponent("bad.csv")
        try Data("network,step,layer,weightGradNorm\nm,0,inp,1\nm,0,out,oops\n".utf8).write(to: bad)
        let badOut = root.appendingPathComponent("bad-report")
        do {
            _ = try RunReport.run(RunRequest(outputFolder: badOut.path, historyPath: bad.path))
            Issue.record("a malformed log must fail")
        } catch {
            #expect("\(error)" == "cannot import gradient log \(bad.path), line 3: weightGradNorm 'oops' is not a number")
        }
        #expect(throws: (any Error).self) {
            try RenderFigures.run(RenderRequest(historyPath: bad.path, outputFolder: badOut.path), measurer: EstimatedTextMeasurer()) { _, _, _ in Data() }
        }
        #expect(!FileManager.default.fileExists(atPath: badOut.path))
    }
}

@Suite struct ClippingNoteTests {
    @Test func aClippedNetworksNotesSayHowOftenItClipped() {
        let findings = Findings(history: ExplodingExplanationTests.history(), data: nil)
        let notes = Explanation.networkNotes(findings.runs[1], findings).map { $0.map(\.text).joined() }
        #expect(notes.contains("Clipping: the gradient norm exceeded 1 in 5 of 5 recorded steps; each of those updates was scaled down to that norm."))
        #expect(!Explanation.networkNotes(findings.runs[0], findings).map { $0.map(\.text).joined() }.contains { $0.hasPrefix("Clipping") })
    }
}
