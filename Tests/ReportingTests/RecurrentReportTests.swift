import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Reporting
import TestSupport
import Testing
import VanishCommands

/// A recurrent spec trained and reported end to end: a tanh RNN and a GRU reading the digits
/// pixel by pixel, small enough to train in seconds.
@Suite(.serialized) struct RecurrentReportTests {
    static let spec = """
        {"name": "digits-sequence-small", "title": "Digits read pixel by pixel", "task": {"kind": "digits-sequence"},
         "batchSize": 32, "steps": 60, "optimizer": {"kind": "adam", "learningRate": 0.02}, "seeds": [0],
         "networks": [{"name": "rnn", "cell": "tanh", "hidden": 12}, {"name": "gru", "cell": "gru", "hidden": 12}]}
        """

    @Test func aDigitsSequenceSpecTrainsAndWritesItsWholeReport() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-recurrent-report")
        defer { try? FileManager.default.removeItem(at: root) }
        let specFile = root.appendingPathComponent("digits-sequence-small.json")
        try Data(Self.spec.utf8).write(to: specFile)
        let out = root.appendingPathComponent("report")
        let result = try RunReport.run(RunRequest(specOrPreset: specFile.path, outputFolder: out.path, threads: 2))

        // Every figure of a recurrent history is written, comparisons and per-network ones.
        let names = Set(result.written.map { $0.path.replacingOccurrences(of: out.path + "/", with: "") })
        for name in ["time-heatmaps", "fading-time", "time-profile", "memory", "curves"]
            + ["rnn", "gru"].flatMap({ ["time-heatmap-\($0)", "fading-time-\($0)", "filmstrip-time-\($0)"] }) {
            #expect(names.contains("figures/\(name).png"), "missing figures/\(name).png")
        }

        // Title page, four comparison pages, two per network, the explanation.
        let pdf = try Data(contentsOf: out.appendingPathComponent("report.pdf"))
        #expect(pdfPageCount(pdf) == 1 + 4 + 2 * 2 + 1)

        // The test metric is the accuracy on the digits' 360 test images, at step 0, every steps / 25 and the end.
        for run in result.history.runs {
            let time = try #require(run.time)
            #expect(time.evaluationSteps.first == 0 && time.evaluationSteps.last == 60)
            #expect(time.testMetric.count == time.evaluationSteps.count)
            for accuracy in time.testMetric {
                #expect((0...1).contains(accuracy))
                let correct = Double(accuracy) * 360
                #expect(abs(correct - correct.rounded()) < 1e-3, "\(accuracy) is not a share of 360 images")
            }
        }

        // The report quotes each network's final accuracy, and its curves are labelled as accuracy.
        let document = ReportBuilder.document(for: result.history, measurer: try CairoRenderer().measurer)
        #expect(document.pages.count == 10)
        let words = document.pages.flatMap { texts($0) }.joined(separator: " ")
        for run in result.history.runs {
            let final = Phrases.accuracy(Double(run.time?.testMetric.last ?? .nan))
            #expect(words.contains("\(run.network) (") && words.contains("test accuracy \(final)"), "\(run.network): \(final)")
        }
        let curves = TrainingCurves.scene(FigureRun.all(in: result.history), measurer: try CairoRenderer().measurer)
        let curveTexts = texts(curves)
        #expect(curveTexts.contains("Training loss and test accuracy"))
        #expect(curveTexts.contains("loss (cross-entropy)") && curveTexts.contains("test accuracy") && curveTexts.contains(NumberFormat.percent(1, digits: 0)))
        #expect(!curveTexts.contains { $0.contains("epoch") }, "a recurrent run's metric is drawn against training steps")
    }
}
