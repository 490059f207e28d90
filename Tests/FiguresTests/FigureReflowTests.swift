import CairoBackend
@testable import Figures
import Foundation
import GradientData
import Graphics
import Testing
import TestSupport

/// Every figure laid out at a slide, a paper column and a square post: the page is the size asked for,
/// and no label leaves it or runs into another.
@Suite struct FigureReflowTests {
    let measurer: TextMeasurer

    init() throws {
        measurer = try CairoTextMeasurer()
    }

    /// The sizes a teaching figure is asked for.
    static let sizes = ["16:9", "4:3", "8.5cmx6.5cm", "1080x1080"]
    static let histories = ["edge-cases", "zoo-small", "through-time-quick", "init-small", "sweep-small", "edge-of-chaos-quick"]

    @Test(arguments: sizes)
    func everyFigureFitsTheCanvasWithoutCollisions(size: String) throws {
        let appearance = FigureAppearance(size: try FigureSize.parse(size))
        let style = appearance.style()
        for name in Self.histories {
            let history = try FigureFixtures.load(name)
            let natural = FigureCatalog.jobs(for: history, measurer: measurer)
            let jobs = FigureCatalog.jobs(for: history, style: style, measurer: measurer)
            #expect(jobs.map(\.name) == natural.map(\.name))
            for (job, naturalJob) in zip(jobs, natural) {
                let scene = job.scene()
                let where_ = "\(size) \(name)/\(job.name)"
                // A capped comparison adds its note below the canvas; the rest is the canvas exactly.
                let expected = style.canvas?.size(natural: { let s = naturalJob.scene(); return (s.width, s.height) }())
                if let expected {
                    #expect(abs(scene.width - expected.width) < 1e-6 && abs(scene.height - expected.height) < 1e-6,
                            "\(where_): \(scene.width)×\(scene.height), asked \(expected.width)×\(expected.height)")
                }
                let boxes = scene.placedTexts(measurer: measurer).filter { !$0.string.isEmpty }
                for text in boxes {
                    #expect(scene.bounds.contains(text.bounds, tolerance: 0.5),
                            "\(where_): '\(text.string)' at \(text.bounds) leaves the page \(scene.width)×\(scene.height)")
                }
                for i in boxes.indices {
                    for j in boxes.indices where j > i {
                        let a = boxes[i].bounds.insetBy(dx: 0.5, dy: 1.5), b = boxes[j].bounds.insetBy(dx: 0.5, dy: 1.5)
                        #expect(!a.intersects(b), "\(where_): '\(boxes[i].string)' overlaps '\(boxes[j].string)'")
                    }
                }
            }
        }
    }

    /// Reflow, not scaling: a square canvas stacks the comparison's panels in more rows than a wide one,
    /// and a paper column's type is smaller than a slide's while its page is smaller still.
    @Test func comparisonsRearrangeTheirPanelsForTheCanvas() throws {
        let runs = FigureRun.all(in: try FigureFixtures.load("zoo-small"))
        func panelTitleRows(_ size: String) throws -> Int {
            let style = FigureAppearance(size: try FigureSize.parse(size)).style()
            let scene = GradientHeatmap.smallMultiples(runs, style: style, measurer: measurer)
            let titles = scene.placedTexts(measurer: measurer).filter { t in runs.contains { $0.label == t.string } }
            return Set(titles.map { Int($0.bounds.minY.rounded()) }).count
        }
        let wide = try panelTitleRows("3:1"), square = try panelTitleRows("1080x1080"), slide = try panelTitleRows("16:9")
        #expect(wide == 2 && slide == 2 && square == 3, "rows: 3:1 \(wide), 16:9 \(slide), square \(square)")
        let heatmap = GradientHeatmap.scene(runs[0], style: FigureAppearance(size: try FigureSize.parse("8.5cmx6.5cm")).style(),
                                            measurer: measurer)
        #expect(abs(heatmap.width - 8.5 / 2.54 * 72) < 1e-9)
    }

    /// A figure whose labels cannot all fit the canvas at its type size is laid out on a larger page
    /// of the same shape and scaled down to the canvas: smaller type, nothing clipped or colliding.
    /// A figure that fits keeps its type.
    @Test func aFigureTooFullForItsCanvasIsLaidOutLargerAndScaledDown() throws {
        let history = try FigureFixtures.load("zoo-small")
        let column = FigureAppearance(size: try FigureSize.parse("8.5cmx6.5cm")).style()
        let jobs = FigureCatalog.jobs(for: history, style: column, measurer: measurer)
        func axisTitleHeight(_ name: String) throws -> Double {
            let scene = try #require(jobs.first { $0.name == name }).scene()
            return try #require(scene.placedTexts(measurer: measurer).first { $0.string == "training step" }).bounds.height
        }
        let alone = try axisTitleHeight("heatmap-sigmoid"), compared = try axisTitleHeight("heatmaps")
        let asked = column.text(column.labelSize).box(of: "training step", at: Point(0, 0), measurer: measurer).height
        #expect(abs(alone - asked) < 1e-9, "one network's heatmap keeps its type: \(alone) against \(asked)")
        #expect(compared < alone * 0.9 && compared > alone * 0.2, "five panels: \(compared) against \(alone)")
    }
}

/// Step ticks of a heatmap fall on whole steps, each labelled once, however few the steps.
@Suite struct HeatmapStepTickTests {
    @Test(arguments: [2, 3, 4, 7])
    func aFewStepsGetEachLabelOnce(count: Int) throws {
        let measurer = try CairoTextMeasurer()
        let ticks = HeatmapPanel.stepTicks(Array(0..<count), count: count, width: 600, style: .standard, measurer: measurer)
        let labels = ticks.map(\.label)
        #expect(Set(labels).count == labels.count, "\(labels)")
        #expect(labels.first == "0")
        #expect(labels.allSatisfy { Int($0) != nil }, "\(labels)")
    }
}
