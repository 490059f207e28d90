import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Testing
import TestSupport
import VanishCommands

/// `vanish figure`: which figure a request picks, at which step, and what it refuses.
@Suite struct SingleFigureTests {
    let measurer: TextMeasurer
    let zoo: GradientHistory

    init() throws {
        measurer = try CairoTextMeasurer()
        zoo = try FigureFixtures.load("zoo-small")
    }

    func choose(_ kind: String, network: String? = nil, seed: Int? = nil, moment: TrainingMoment? = nil,
                history: GradientHistory? = nil, notes: inout [String]) throws -> ChosenFigure {
        var heard: [String] = []
        let chosen = try SingleFigure.choose(FigureRequest(kind: kind, historyPath: "h.json", network: network, seed: seed, moment: moment),
                                             history: history ?? zoo, measurer: measurer) { heard.append($0) }
        notes += heard
        return chosen
    }

    func refusal(_ kind: String, network: String? = nil, seed: Int? = nil, moment: TrainingMoment? = nil,
                 history: GradientHistory? = nil) -> String {
        var notes: [String] = []
        do {
            _ = try choose(kind, network: network, seed: seed, moment: moment, history: history, notes: &notes)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func theKindsAreTheFileNamesRenderWrites() throws {
        let names = FigureCatalog.jobs(for: zoo, measurer: measurer).map(\.name)
        var notes: [String] = []
        for kind in ["heatmaps", "fading", "profile", "profile-delta", "curves", "saturation", "summary"] {
            let chosen = try choose(kind, notes: &notes)
            #expect(chosen.job.name == kind && chosen.job.run == nil)
            #expect(names.contains(chosen.job.name))
        }
        for kind in ["heatmap", "filmstrip", "fading"] {
            let chosen = try choose(kind, network: "tanh", notes: &notes)
            #expect(chosen.job.name == "\(kind)-tanh", "\(kind)")
            #expect(chosen.defaultName == "\(kind)-tanh")
        }
        // A comparison narrowed to one network keeps that network's colour.
        let profile = try choose("profile", network: "relu", notes: &notes)
        #expect(profile.history.runs.map(\.network) == ["relu"])
        #expect(FigureRun.all(in: profile.history).first?.colorIndex == 2)
        #expect(profile.defaultName == "profile-relu")
        let recurrent = try choose("time-heatmap", network: "lstm", history: try FigureFixtures.load("through-time-quick"), notes: &notes)
        #expect(recurrent.job.name == "time-heatmap-lstm")
        #expect(notes.isEmpty)
    }

    @Test func aStepIsTheNearestRecordedOneAndIsNamed() throws {
        var thinned = zoo
        for i in thinned.runs.indices {
            let keep = thinned.runs[i].steps.indices.filter { $0 % 10 == 0 || $0 == thinned.runs[i].steps.count - 1 }
            let run = thinned.runs[i]
            thinned.runs[i].steps = keep.map { run.steps[$0] }
            thinned.runs[i].stats.weightGradNorm = keep.map { run.stats.weightGradNorm[$0] }
        }
        var notes: [String] = []
        let chosen = try choose("fading", network: "sigmoid", moment: .step(17), history: thinned, notes: &notes)
        #expect(chosen.step == 20)
        #expect(notes == ["step 17 was not recorded: drawing the nearest recorded step, 20"])
        #expect(chosen.defaultName == "fading-sigmoid-step20")
        #expect(chosen.history.runs[0].steps.last == 20)
        let title = chosen.job.scene().placedTexts(measurer: measurer).first?.string ?? ""
        #expect(title.contains("at step 20"), "\(title)")
        // A comparison at a step says that step, not "the end of training".
        let comparison = try choose("fading", moment: .step(20), notes: &notes)
        let heading = comparison.job.scene().placedTexts(measurer: measurer).first?.string ?? ""
        #expect(heading.hasSuffix("at step 20"), "\(heading)")
        notes = []
        let tenth = try choose("heatmap", network: "relu", moment: .fraction(0.1), notes: &notes)
        // 10 % of steps 0…45 is 4.5: the tie goes to the earlier step.
        #expect(tenth.step == 4 && notes == ["drawing step 4"])
    }

    @Test func mistakesNameWhatIsValid() throws {
        #expect(refusal("heatmapz").contains("unknown figure 'heatmapz'; did you mean \"heatmaps\"?"))
        #expect(refusal("heatmapz").contains("this history draws: heatmaps, fading, profile, profile-delta, curves, saturation, summary, heatmap, filmstrip"))
        #expect(refusal("heatmap") == "figure 'heatmap' draws one network: add --network NAME (one of sigmoid, tanh, relu, sigmoid+batchnorm, sigmoid+residual)")
        #expect(refusal("heatmap", network: "sigmiod") == "unknown network 'sigmiod'; did you mean \"sigmoid\"? (this history has: sigmoid, tanh, relu, sigmoid+batchnorm, sigmoid+residual)")
        #expect(refusal("heatmap", network: "tanh", seed: 3) == "--seed 3: tanh has no run with that seed; its seeds: 0")
        #expect(refusal("heatmap", network: "tanh", moment: .step(46)) == "--step 46 is outside the history: its recorded steps run 0 to 45")
        #expect(refusal("heatmap", network: "tanh", moment: .step(-1)).contains("outside the history"))
        #expect(refusal("time-heatmap").contains("unknown figure"))
        #expect(throws: RenderError.self) { try TrainingMoment.parseFraction("150%") }
        #expect(throws: RenderError.self) { try TrainingMoment.parseFraction("abc") }
        #expect(try TrainingMoment.parseFraction("10%") == .fraction(0.1))
        #expect(try TrainingMoment.parseFraction("0.25") == .fraction(0.25))
        #expect(throws: RenderError.self) { try SingleFigure.format(of: "figure.jpg") }
        #expect(try SingleFigure.format(of: "Figure.PDF") == "pdf")
    }

    @Test func aOneNetworkHistoryNeedsNoNetwork() throws {
        var one = zoo
        one.runs = [zoo.runs[1]]
        var notes: [String] = []
        #expect(try choose("heatmap", history: one, notes: &notes).job.name == "heatmap-tanh")
        #expect(try choose("filmstrip", history: one, notes: &notes).job.name == "filmstrip-tanh")
    }

    @Test func writesOneFileInTheFormatOfItsExtensionAGIFAnimated() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-figure")
        let history = TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json").path
        for ext in ["png", "svg", "pdf"] {
            let out = folder.appendingPathComponent("fading.\(ext)").path
            let written = try SingleFigure.run(FigureRequest(kind: "fading", historyPath: history, network: "sigmoid", outputPath: out,
                                                             appearance: FigureAppearance(size: .aspect(width: 16, height: 9), theme: .dark)))
            #expect(written == out)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
            let magic: [String: [UInt8]] = ["png": [0x89, 0x50, 0x4E, 0x47], "svg": Array("<?xml".utf8), "pdf": Array("%PDF".utf8)]
            #expect(Array(bytes.prefix(magic[ext]?.count ?? 0)) == magic[ext], "\(ext)")
        }
        let png = try PNGCodec.decode(contentsOf: folder.appendingPathComponent("fading.png"))
        #expect(png.width == 1440 && png.height == 810)
        // A .gif is the figure animated over training, in the same size and theme.
        let gif = folder.appendingPathComponent("fading.gif")
        var notes: [String] = []
        let written = try SingleFigure.run(FigureRequest(kind: "fading", historyPath: history, network: "sigmoid", outputPath: gif.path,
                                                         appearance: FigureAppearance(size: .aspect(width: 16, height: 9), theme: .dark),
                                                         frames: 4),
                                           note: { notes.append($0) })
        #expect(written == gif.path)
        #expect(notes.count == 1 && notes[0].hasPrefix("4 frames"), "\(notes)")
        let bytes = try Data(contentsOf: gif)
        #expect(Array(bytes.prefix(6)) == Array("GIF89a".utf8))
    }

    @Test func aFigureScaledDownToFitSaysSo() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-figure")
        defer { try? FileManager.default.removeItem(at: folder) }
        let history = TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json").path
        let column = FigureAppearance(size: try FigureSize.parse("8.5cmx6.5cm"))
        var notes: [String] = []
        _ = try SingleFigure.run(FigureRequest(kind: "heatmaps", historyPath: history, outputPath: folder.appendingPathComponent("a.png").path,
                                               appearance: column), note: { notes.append($0) })
        #expect(notes.count == 1 && notes[0].hasPrefix("heatmaps does not fit this size") && notes[0].contains("× larger"), "\(notes)")
        notes = []
        _ = try SingleFigure.run(FigureRequest(kind: "heatmap", historyPath: history, network: "tanh",
                                               outputPath: folder.appendingPathComponent("b.png").path, appearance: column),
                                 note: { notes.append($0) })
        #expect(notes.isEmpty, "one network's heatmap fits the column: \(notes)")
    }
}
