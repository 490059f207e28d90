import Foundation
import Testing
import Graphics
import TestSupport
import VanishCommands

@Suite struct RenderFiguresTests {
    static let fakeEncoder: RenderFigures.Encoder = { scene, format, dpi in
        Data("\(format.rawValue) \(Int(scene.width))x\(Int(scene.height)) @\(Int(dpi))".utf8)
    }

    @Test func writesOneFilePerFigurePerFormatNamedAfterTheFigure() throws {
        let out = try TestPaths.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let history = TestPaths.fixtures.appendingPathComponent("histories/edge-cases.json").path
        let written = try RenderFigures.run(
            RenderRequest(historyPath: history, outputFolder: out.path, formats: [.png, .svg], dpi: 144),
            measurer: EstimatedTextMeasurer(), encode: Self.fakeEncoder)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0 != ".vanish-files" }.sorted()
        #expect(written.count == names.count)
        #expect(names.count == 2 * (7 + 3 * 4))
        for expected in ["heatmaps.png", "heatmaps.svg", "heatmap-zeros-nan-inf.png", "heatmap-deep-300.svg",
                         "fading.png", "fading-single-step.png", "filmstrip-one-layer.png", "profile.png",
                         "profile-delta.png", "curves.png", "saturation.png", "summary.svg"] {
            #expect(names.contains(expected), "\(expected) missing")
        }
        #expect(!names.contains { $0.hasPrefix(".") }, "no temporary file is left behind")
        let heatmap = try String(contentsOf: out.appendingPathComponent("heatmap-one-layer.png"), encoding: .utf8)
        #expect(heatmap == "png 680x460 @144")
    }

    @Test func badInputIsOneClearErrorAndWritesNothing() throws {
        let out = try TestPaths.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(throws: RenderError.self) { try FigureFormat.parseList("png,gif") }
        #expect((try? FigureFormat.parseList("PNG, pdf,png")) == [.png, .pdf])
        do {
            _ = try FigureFormat.parseList("png,gif")
        } catch {
            #expect("\(error)" == "unknown format 'gif' in --format; valid: png, svg, pdf")
        }

        let bad = out.appendingPathComponent("bad.json")
        try Data(#"{"schema": 1, "spec": {}}"#.utf8).write(to: bad)
        let target = out.appendingPathComponent("figures")
        do {
            _ = try RenderFigures.run(RenderRequest(historyPath: bad.path, outputFolder: target.path),
                                      measurer: EstimatedTextMeasurer(), encode: Self.fakeEncoder)
            Issue.record("a broken history was accepted")
        } catch {
            #expect("\(error)".hasPrefix("cannot read history \(bad.path): "))
            #expect("\(error)".contains("missing"))
        }
        do {
            _ = try RenderFigures.run(RenderRequest(historyPath: out.appendingPathComponent("none.json").path, outputFolder: target.path),
                                      measurer: EstimatedTextMeasurer(), encode: Self.fakeEncoder)
            Issue.record("a missing history was accepted")
        } catch {
            #expect("\(error)".contains("none.json: no such file"))
        }
        let history = TestPaths.fixtures.appendingPathComponent("histories/edge-cases.json").path
        #expect(throws: RenderError.self) {
            try RenderFigures.run(RenderRequest(historyPath: history, outputFolder: target.path, dpi: 5),
                                  measurer: EstimatedTextMeasurer(), encode: Self.fakeEncoder)
        }
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }
}
