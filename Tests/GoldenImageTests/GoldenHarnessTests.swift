import CairoBackend
import Foundation
import GoldenImage
import Graphics
import Testing
import TestSupport

@Suite("Golden test harness")
struct GoldenHarnessTests {
    @Test func missingBaselineFailsAndSavesTheActualImage() throws {
        let baselines = try TestPaths.makeTemporaryFolder()
        let failures = try TestPaths.makeTemporaryFolder()
        let image = TestImages.gradient()
        let message = try #require(
            Golden.check(image, named: "figure", record: false, baselineFolder: baselines, failureFolder: failures))
        #expect(message.contains("no baseline fixtures/golden/figure.png"))
        #expect(message.contains("VANISH_RECORD_GOLDENS=1"))
        let actual = failures.appendingPathComponent("figure-actual.png")
        #expect(message.contains(actual.path))
        #expect(try PNGCodec.decode(contentsOf: actual) == image)
        #expect(!FileManager.default.fileExists(atPath: baselines.appendingPathComponent("figure.png").path))
    }

    @Test func recordingWritesTheBaselineAndStillFails() throws {
        let baselines = try TestPaths.makeTemporaryFolder()
        let failures = try TestPaths.makeTemporaryFolder()
        let image = TestImages.gradient()
        let message = try #require(
            Golden.check(image, named: "sub/figure", record: true, baselineFolder: baselines, failureFolder: failures))
        #expect(message.hasPrefix("golden: recorded fixtures/golden/sub/figure.png (no baseline existed)"))
        let baseline = baselines.appendingPathComponent("sub/figure.png")
        #expect(try PNGCodec.decode(contentsOf: baseline) == image)
        // The next, normal run passes; recording again with nothing changed records nothing.
        #expect(Golden.check(image, named: "sub/figure", record: false, baselineFolder: baselines, failureFolder: failures) == nil)
        #expect(Golden.check(image, named: "sub/figure", record: true, baselineFolder: baselines, failureFolder: failures) == nil)
    }

    @Test func mismatchWritesActualExpectedDiffAndSideBySide() throws {
        let baselines = try TestPaths.makeTemporaryFolder()
        let failures = try TestPaths.makeTemporaryFolder()
        let expected = TestImages.gradient()
        try PNGCodec.encode(expected).write(to: baselines.appendingPathComponent("plot.png"))
        let actual = TestImages.changing(expected, x: 2, y: 3, by: 1)
        let message = try #require(
            Golden.check(actual, named: "plot", record: false, baselineFolder: baselines, failureFolder: failures))
        #expect(message.hasPrefix("golden plot differs from fixtures/golden/plot.png: different: 1 pixel changed"))
        for kind in ["actual", "expected", "diff", "side-by-side"] {
            let url = failures.appendingPathComponent("plot-\(kind).png")
            #expect(message.contains(url.path), "message names \(kind)")
            #expect(FileManager.default.fileExists(atPath: url.path))
        }
        #expect(try PNGCodec.decode(contentsOf: failures.appendingPathComponent("plot-actual.png")) == actual)
        // Within a stated tolerance it passes.
        #expect(Golden.check(actual, named: "plot", threshold: 1, record: false, baselineFolder: baselines, failureFolder: failures) == nil)
    }

    @Test func pngBytesAreDecodedBeforeComparing() throws {
        let baselines = try TestPaths.makeTemporaryFolder()
        let image = TestImages.gradient(opaque: true)
        try PNGCodec.encode(image).write(to: baselines.appendingPathComponent("p.png"))
        #expect(Golden.check(png: try PNGCodec.encode(image), named: "p", record: false, baselineFolder: baselines) == nil)
        let message = Golden.check(png: Data("nope".utf8), named: "p", record: false, baselineFolder: baselines)
        #expect(message == "golden p: rendered p: not a PNG file (bad signature)")
    }
}

@Suite("Golden test harness, damaged baselines")
struct GoldenDamagedBaselineTests {
    @Test func unreadableBaselineFailsNamingItAndSavesTheActualImage() throws {
        let baselines = try TestPaths.makeTemporaryFolder()
        let failures = try TestPaths.makeTemporaryFolder()
        let baseline = baselines.appendingPathComponent("cut.png")
        try PNGCodec.encode(TestImages.gradient()).prefix(50).write(to: baseline)
        let message = try #require(
            Golden.check(TestImages.gradient(), named: "cut", record: false, baselineFolder: baselines, failureFolder: failures))
        #expect(message.hasPrefix("golden cut: unreadable baseline: \(baseline.path): truncated PNG"))
        #expect(FileManager.default.fileExists(atPath: failures.appendingPathComponent("cut-actual.png").path))
        // Recording replaces it, and still fails.
        let recorded = try #require(
            Golden.check(TestImages.gradient(), named: "cut", record: true, baselineFolder: baselines, failureFolder: failures))
        #expect(recorded.contains("(the baseline was unreadable)"))
        #expect(try PNGCodec.decode(contentsOf: baseline) == TestImages.gradient())
    }
}
