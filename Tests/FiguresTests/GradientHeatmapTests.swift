import Foundation
import Testing
import Figures
import Graphics
import GradientData

@Suite struct GradientHeatmapTests {
    /// Layer l's gradient is 10^-(depth − l): 1 at the output, 1e-5 at layer 1 of a 5-layer net.
    let run = FigureFixtures.run("sigmoid", depth: 5, steps: 4) { _, l in Float(pow(10, Double(l - 5))) }

    @Test func aLayersPixelIsTheMapsColourAtItsValue() {
        let scale = LogScale(lowerExponent: -6, upperExponent: 0)
        let image = GradientHeatmap.image(run, scale: scale, map: .viridis)
        #expect(image.width == 4 && image.height == 6)
        for layer in 0..<6 {
            let value = pow(10, Double(layer - 5))
            let expected = RasterImage.bytes(ColorMap.viridis.color(at: scale.position(ofExponent: log10(value))))
            // The output layer is on the top row, layer 1 at the bottom.
            let got = RasterImage.bytes(image[2, 5 - layer])
            #expect(got == expected, "layer \(layer + 1)")
        }
    }

    @Test func nanAndZeroCellsGetTheirOwnColours() {
        let broken = FigureFixtures.run("broken", depth: 2, steps: 3) { s, l in
            if s == 1 && l == 0 { return .nan }
            if s == 2 && l == 1 { return 0 }
            if s == 0 && l == 2 { return .infinity }
            return 0.1
        }
        let image = GradientHeatmap.image(broken, scale: LogScale(lowerExponent: -3, upperExponent: 0), map: .viridis)
        #expect(image[1, 2] == Color(rgb8: 0xE4, 0x1A, 0x1C))
        #expect(RasterImage.bytes(image[1, 2]) == RasterImage.bytes(ColorMap.viridis.nonFiniteColor))
        #expect(RasterImage.bytes(image[2, 1]) == RasterImage.bytes(ColorMap.viridis.underflowColor))
        #expect(RasterImage.bytes(image[0, 0]) == RasterImage.bytes(ColorMap.viridis.nonFiniteColor))
        #expect(RasterImage.bytes(image[0, 1]) == RasterImage.bytes(ColorMap.viridis.color(at: 2.0 / 3.0)))
    }

    @Test func sharedScaleCoversEveryPanel() {
        let small = FigureFixtures.run("small", depth: 3, steps: 2) { _, l in Float(3 * pow(10, Double(-12 + l))) }
        let large = FigureFixtures.run("large", depth: 3, steps: 2) { _, _ in 30 }
        let scale = GradientHeatmap.sharedScale([small, large])
        #expect(scale.lowerExponent == -12)
        #expect(scale.upperExponent == 2)
        // Every positive finite value of both runs lies inside the scale.
        for r in [small, large] {
            for v in r.stats.weightGradNorm.joined() {
                let e = log10(Double(v))
                #expect(e >= Double(scale.lowerExponent) && e <= Double(scale.upperExponent))
            }
        }
    }

    @Test func moreStepsThanPixelsAreMergedByGeometricMeanKeepingSpecials() {
        // 1000 steps, alternating 1e-2 and 1e-4 on layer 1: each pair averages to 1e-3 in log space.
        let long = FigureFixtures.run("long", depth: 1, steps: 1000) { s, l in
            if l == 1 { return s == 500 ? .nan : 1 }
            return s % 2 == 0 ? 1e-2 : 1e-4
        }
        let scale = LogScale(lowerExponent: -4, upperExponent: 0)
        let image = GradientHeatmap.image(long, scale: scale, map: .viridis, maxColumns: 500)
        #expect(image.width == 500)
        let mean = (log10(Double(Float(1e-2))) + log10(Double(Float(1e-4)))) / 2
        #expect(abs(mean + 3) < 1e-6)
        #expect(RasterImage.bytes(image[10, 1]) == RasterImage.bytes(ColorMap.viridis.color(at: scale.position(ofExponent: mean))))
        // The NaN at step 500 survives the merge in its column (steps 500 and 501).
        #expect(RasterImage.bytes(image[250, 0]) == RasterImage.bytes(ColorMap.viridis.nonFiniteColor))
        #expect(RasterImage.bytes(image[249, 0]) == RasterImage.bytes(ColorMap.viridis.color(at: 1)))
    }

    @Test func heatmapSceneDrawsOneNearestNeighbourImage() {
        let scene = GradientHeatmap.scene(FigureRun.all(in: FigureFixtures.history([run]))[0], measurer: EstimatedTextMeasurer())
        let images = scene.items.compactMap { item -> (RasterImage, ImageInterpolation)? in
            if case .image(let img, _, let interp) = item, img.width == 4 { return (img, interp) }
            return nil
        }
        #expect(images.count == 1)
        #expect(images.first?.1 == .nearest)
        let texts = scene.placedTexts(measurer: EstimatedTextMeasurer()).map(\.string)
        #expect(texts.contains("out"))
        #expect(texts.contains("10⁻⁵"))
        #expect(texts.contains("NaN / Inf"))
        #expect(texts.contains("0 / underflow"))
    }
}

@Suite struct FadingLayerDiagramTests {
    @Test func outputIsOpaqueAndATrillionthIsNearlyTransparent() {
        let run = FigureFixtures.run("sigmoid", depth: 12, steps: 1) { _, l in Float(pow(10, Double(l - 12))) }
        let a = FadingLayerDiagram.appearances(run, index: 0, map: .viridis)
        #expect(a.count == 13)
        #expect(a[12].opacity == 1)
        #expect(a[12].color == ColorMap.viridis.colors[255])
        #expect(a[0].ratio < 1.01e-12)
        #expect(a[0].opacity <= 0.05)
        // Opacity rises monotonically towards the output layer.
        for l in 1..<13 { #expect(a[l].opacity > a[l - 1].opacity) }
        #expect(FadingLayerDiagram.opacity(ratio: 1e-6) > 0.5 && FadingLayerDiagram.opacity(ratio: 1e-6) < 0.55)
    }

    @Test func specialValuesAndALostOutputGradient() {
        let run = FigureFixtures.run("broken", depth: 3, steps: 2) { s, l in
            if s == 0 { return l == 0 ? 0 : (l == 1 ? .nan : 0.5) }
            return l == 3 ? .nan : 0.25
        }
        let a = FadingLayerDiagram.appearances(run, index: 0, map: .viridis)
        #expect(a[0].kind == .underflow)
        #expect(a[1].kind == .nonFinite && a[1].opacity == 1)
        #expect(a[2].kind == .value && a[2].opacity == 1)
        // Step 1: the output gradient is NaN, so the largest finite layer is the reference.
        #expect(FadingLayerDiagram.reference(run, index: 1) == FadingLayerDiagram.Reference(value: 0.25, isOutputLayer: false))
    }

    @Test func sceneGroupsCarryTheLayersOpacity() {
        let run = FigureFixtures.run("sigmoid", depth: 12, steps: 1) { _, l in Float(pow(10, Double(l - 12))) }
        let figureRun = FigureRun.all(in: FigureFixtures.history([run]))[0]
        let scene = FadingLayerDiagram.scene(figureRun, measurer: EstimatedTextMeasurer())
        let opacities = scene.items.compactMap { item -> Double? in
            if case .group(let items, nil, let o) = item, items.count > 3 { return o }
            return nil
        }
        #expect(opacities.count == 13)
        #expect(opacities.last == 1)
        #expect((opacities.first ?? 1) <= 0.05)
    }
}

@Suite struct ProfileAndSummaryTests {
    @Test func sigmoidGuideFallsByAQuarterPerLayerFromTheOutput() throws {
        let run = FigureFixtures.run("sigmoid", depth: 3, steps: 2) { _, l in l == 3 ? 0.8 : 0.1 }
        let guide = try #require(GradientProfile.sigmoidGuide(run, index: 1))
        #expect(guide.count == 4)
        #expect(abs(guide[3] - 0.8) < 1e-6)
        #expect(abs(guide[0] - 0.8 * 0.25 * 0.25 * 0.25) < 1e-6)
        let relu = FigureFixtures.run("relu", .relu, depth: 3, steps: 2) { _, _ in 1 }
        let runs = FigureRun.all(in: FigureFixtures.history([relu, run]))
        #expect(GradientProfile.guideRun(runs)?.label == "sigmoid")
    }

    @Test func lossTitleCountsStepsNotRowsInBucketedRuns() {
        // 690 rows, one bucket of 50 steps each: the 13-row window covers 650 steps.
        var run = FigureFixtures.run("sigmoid", depth: 2, steps: 690) { _, _ in 0.1 }
        run.steps = run.steps.map { $0 * 50 }
        let scene = TrainingCurves.scene(FigureRun.all(in: FigureFixtures.history([run])), measurer: EstimatedTextMeasurer())
        let texts = scene.placedTexts(measurer: EstimatedTextMeasurer()).map(\.string)
        #expect(texts.contains { $0.contains("mean of 650 steps") }, "\(texts)")
    }

    @Test func lossSmoothingIsAGeometricMeanThatKeepsGaps() {
        #expect(TrainingCurves.smoothingWindow(50) == 1)
        #expect(TrainingCurves.smoothingWindow(690) == 13)
        let m = TrainingCurves.movingGeometricMean([1, 100, 1, .nan, 10, 1000], window: 3)
        #expect(abs(m[0] - 10) < 1e-9)
        #expect(abs(m[1] - pow(100, 1.0 / 3)) < 1e-9)
        #expect(m[3].isNaN)
        #expect(abs(m[4] - 100) < 1e-9)
        #expect(TrainingCurves.movingGeometricMean([2, 3], window: 1) == [2, 3])
    }

    @Test func summaryRowsHoldTheNumbers() {
        var run = FigureFixtures.run("sigmoid", depth: 3, steps: 3) { s, l in l == 0 ? Float(1e-12) * Float(s + 1) : 1 }
        run.testAccuracy = [0.2, 0.85, 0.9]
        run.diverged = nil
        var broken = FigureFixtures.run("relu", .relu, depth: 1, steps: 2) { _, _ in .nan }
        broken.diverged = 1
        broken.testAccuracy = []
        let rows = SummaryTable.rows(FigureRun.all(in: FigureFixtures.history([run, broken])))
        #expect(rows[0].cells == ["sigmoid", "0.767", "90.0\u{2009}%", "1.0×10⁻¹²", "3.0×10⁻¹²", "2", "—"])
        #expect(rows[1].cells == ["relu", "1.150", "—", "NaN", "NaN", "—", "1"])
    }
}
