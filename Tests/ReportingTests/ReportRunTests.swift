import CairoBackend
import Foundation
import GradientData
import Reporting
import TestSupport
import Testing
import VanishCommands

/// The number of pages of a PDF: its `/Type /Page` objects (not `/Pages`).
func pdfPageCount(_ data: Data) -> Int {
    let text = String(decoding: data, as: UTF8.self)
    var count = 0
    var rest = text[...]
    while let r = rest.range(of: "/Type /Page") {
        let next = rest[r.upperBound...].first
        if next != "s" { count += 1 }
        rest = rest[r.upperBound...]
    }
    return count
}

/// Collects callback values from worker threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [Int] = []
    private var seenTotals: [Int] = []

    func record(_ value: Int, _ total: Int) {
        lock.lock()
        seen.append(value)
        if !seenTotals.contains(total) { seenTotals.append(total) }
        lock.unlock()
    }

    var values: [Int] { lock.lock(); defer { lock.unlock() }; return seen.sorted() }
    var totals: [Int] { lock.lock(); defer { lock.unlock() }; return seenTotals }
}

@Suite(.serialized) struct ReportRunTests {
    @Test func quickPresetWritesTheWholeReportFolderTwiceTheSame() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-run")
        defer { try? FileManager.default.removeItem(at: root) }
        let first = root.appendingPathComponent("a")
        let finished = Counter()
        let result = try RunReport.run(RunRequest(specOrPreset: "quick", outputFolder: first.path, threads: 2),
                                       runFinished: { done, total in finished.record(done, total) })
        #expect(finished.values == [1, 2, 3, 4, 5])
        #expect(finished.totals == [5])
        let names = result.written.map { $0.path.replacingOccurrences(of: first.path + "/", with: "") }
        #expect(Array(names.prefix(3)) == ["history.json", "history.csv", "report.pdf"])
        for name in ["heatmaps", "fading", "profile", "curves", "saturation", "summary", "heatmap-sigmoid",
                     "fading-sigmoid", "filmstrip-sigmoid", "heatmap-sigmoid-residual"] {
            #expect(names.contains("figures/\(name).png"), "missing figures/\(name).png")
        }
        for url in result.written {
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            #expect(size > 100, "\(url.lastPathComponent) is \(size) bytes")
        }
        let png = try Data(contentsOf: first.appendingPathComponent("figures/heatmaps.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let pdf = try Data(contentsOf: first.appendingPathComponent("report.pdf"))
        // Title, three comparison pages, two per network (5), explanation.
        #expect(pdfPageCount(pdf) >= 5)
        #expect(pdfPageCount(pdf) == 1 + 3 + 2 * 5 + ReportBuilderTests.explanationPages(result.history))
        let reread = try GradientHistory.load(contentsOf: first.appendingPathComponent("history.json"))
        #expect(reread.runs.count == 5)
        let csv = try String(contentsOf: first.appendingPathComponent("history.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("network,seed,step,layer,"))
        // No temporary file is left behind; the one hidden file is the list of what was written.
        let hidden = try FileManager.default.contentsOfDirectory(atPath: first.path).filter { $0.hasPrefix(".") }
        #expect(hidden == [".vanish-files"])

        let second = root.appendingPathComponent("b")
        _ = try RunReport.run(RunRequest(specOrPreset: "quick", outputFolder: second.path, threads: 1))
        let again = try Data(contentsOf: second.appendingPathComponent("report.pdf"))
        #expect(again == pdf, "report.pdf differs between two runs of the same spec")
    }

    @Test func aHistoryIsReRenderedWithoutTrainingIntoTheSameBytes() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-rerender")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json").path
        let a = try RunReport.run(RunRequest(outputFolder: root.appendingPathComponent("a").path, formats: [.pdf, .svg], historyPath: source))
        #expect(a.written.map(\.lastPathComponent).contains("heatmaps.svg"))
        #expect(!a.written.map(\.lastPathComponent).contains("heatmaps.png"))
        _ = try RunReport.run(RunRequest(outputFolder: root.appendingPathComponent("b").path, formats: [.pdf], historyPath: source))
        let pdfA = try Data(contentsOf: root.appendingPathComponent("a/report.pdf"))
        let pdfB = try Data(contentsOf: root.appendingPathComponent("b/report.pdf"))
        #expect(pdfA == pdfB)
        #expect(String(decoding: pdfA, as: UTF8.self).contains("/CreationDate (20000101000000Z)"))
    }

    @Test func badInputIsOneClearErrorAndWritesNothing() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-bad")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        #expect(throws: (any Error).self) { try RunReport.run(RunRequest(specOrPreset: "no-such-spec", outputFolder: out.path)) }
        #expect(throws: (any Error).self) { try RunReport.run(RunRequest(outputFolder: out.path, formats: [], historyPath: "x.json")) }
        do {
            _ = try RunReport.run(RunRequest(outputFolder: out.path, historyPath: root.appendingPathComponent("missing.json").path))
            Issue.record("a missing history must fail")
        } catch {
            #expect("\(error)".contains("missing.json"))
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func presetsAreListedOneLineEach() {
        let lines = PresetList.lines()
        #expect(lines.count == ExperimentSpec.presets.count)
        #expect(lines.contains { $0.hasPrefix("zoo ") && $0.contains("depth 20, width 64, 30 epochs") })
        #expect(lines.contains { $0.hasPrefix("quick") && $0.contains("sigmoid, tanh, relu, sigmoid+batchnorm, sigmoid+residual") })
    }

    @Test func progressBarShowsStepsAndTimes() {
        let start = Date(timeIntervalSinceReferenceDate: 0)
        let bar = RunProgress(runs: 5, enabled: true, now: start, write: { _ in })
        bar.update(done: 250, total: 1000, now: start.addingTimeInterval(10))
        bar.finishRun(done: 1, now: start.addingTimeInterval(10))
        #expect(bar.line(now: start.addingTimeInterval(10)) == "training ██████░░░░░░░░░░░░░░░░░░ 1/5 runs · 250/1000 steps · 0:10 elapsed · 0:30 left")
        #expect(RunProgress.clock(3725) == "1:02:05")
        let silent = RunProgress(runs: 5, enabled: false, write: { _ in Issue.record("a disabled bar must not write") })
        silent.update(done: 1, total: 2)
        silent.show("rendering")
    }
}
