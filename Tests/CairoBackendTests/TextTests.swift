import CairoBackend
import Foundation
import Graphics
import Testing

/// Text is drawn where the measurer says, in the shipped fonts, at every anchor and rotation.
@Suite struct TextTests {
    let renderer: CairoRenderer
    let measurer: CairoTextMeasurer
    init() throws {
        renderer = try CairoRenderer()
        measurer = try CairoTextMeasurer()
    }

    func render(_ text: String, at p: Point = Point(100, 100), style: TextStyle, rotation: Double = 0) throws -> RasterImage {
        var scene = Scene(width: 200, height: 200)
        scene.text(text, at: p, style: style, rotation: rotation)
        return try renderer.image(scene, dpi: 72)
    }

    @Test func measuredWidthGrowsWithTheString() {
        let style = TextStyle(size: 12)
        let widths = ["1", "10", "100", "1000 steps"].map { measurer.measure($0, style: style).width }
        #expect(widths == widths.sorted() && Set(widths).count == 4)
        #expect(measurer.measure("", style: style).width == 0)
        // Metrics scale linearly with the size (unhinted).
        let w12 = measurer.measure("layer", style: style).width
        let w24 = measurer.measure("layer", style: TextStyle(size: 24)).width
        #expect(abs(w24 - 2 * w12) < 1e-9)
        #expect(measurer.measure("layer", style: TextStyle(size: 12, weight: .bold)).width > w12)
    }

    @Test func fontMetricsAreDejaVuSans() {
        // DejaVu Sans: ascent 0.928 em, descent 0.236 em; "0" advances 0.636 em (1303/2048).
        let e = measurer.measure("0", style: TextStyle(size: 100))
        #expect(abs(e.ascent - 92.8) < 0.5)
        #expect(abs(e.descent - 23.6) < 0.5)
        #expect(abs(e.width - 63.62) < 0.05)
    }

    @Test func rendererMeasurerAgreesWithStandaloneMeasurer() {
        let style = TextStyle(size: 9.5, weight: .bold)
        #expect(renderer.measurer.measure("10⁻¹²", style: style) == measurer.measure("10⁻¹²", style: style))
    }

    @Test func textInkLiesInsideItsMeasuredBox() throws {
        let style = TextStyle(size: 20)
        let text = "Heatmap 10⁻¹²"
        let image = try render(text, at: Point(20, 100), style: style)
        let box = style.box(of: text, at: Point(20, 100), measurer: measurer)
        let ink = try #require(image.inkBounds())
        #expect(Double(ink.minX) >= box.minX - 1 && Double(ink.maxX) <= box.maxX + 1)
        #expect(Double(ink.minY) >= box.minY - 1 && Double(ink.maxY) <= box.maxY + 1)
        // The glyphs span most of the advance (not a single missing-glyph box).
        #expect(Double(ink.maxX - ink.minX) > 0.9 * box.width)
        #expect(image.inkCount(x: Int(box.minX)..<Int(box.maxX), y: Int(box.minY)..<Int(box.maxY)) > 200)
    }

    @Test func superscriptsRenderAsRaisedGlyphs() throws {
        // "⁻¹²" sits in the upper part of the line: all ink above the middle of the x-height.
        let style = TextStyle(size: 40)
        let image = try render("⁻¹²", at: Point(20, 100), style: style)
        let ink = try #require(image.inkBounds())
        #expect(ink.maxY < 100 - 12)
        #expect(ink.minY > 100 - 40)
        #expect(measurer.measure("⁻¹²", style: style).width > 0.5 * 40)
    }

    @Test func anchorsPlaceTheText() throws {
        let style = TextStyle(size: 20)
        let middle = try #require(try render("HHHH", style: TextStyle(size: 20, anchor: .middle)).inkBounds())
        #expect(abs(Double(middle.minX + middle.maxX) / 2 - 100) <= 1.5)
        let end = try #require(try render("HHHH", style: TextStyle(size: 20, anchor: .end)).inkBounds())
        #expect(end.maxX < 100 && end.maxX >= 95)
        let start = try #require(try render("HHHH", style: style).inkBounds())
        #expect(start.minX >= 100 && start.minX <= 104)
    }

    @Test func baselinesPlaceTheText() throws {
        // "H" stands on the baseline and reaches the cap height (0.729 em).
        let alphabetic = try #require(try render("H", style: TextStyle(size: 40)).inkBounds())
        #expect(alphabetic.maxY == 99)
        let e = measurer.measure("H", style: TextStyle(size: 40))
        let top = try #require(try render("H", style: TextStyle(size: 40, baseline: .top)).inkBounds())
        #expect(abs(Double(top.maxY + 1) - (100 + e.ascent)) <= 1)
        let bottom = try #require(try render("H", style: TextStyle(size: 40, baseline: .bottom)).inkBounds())
        #expect(abs(Double(bottom.maxY + 1) - (100 - e.descent)) <= 1)
        let middle = try #require(try render("H", style: TextStyle(size: 40, baseline: .middle)).inkBounds())
        #expect(abs(Double(middle.maxY + 1) - (100 + (e.ascent - e.descent) / 2)) <= 1)
    }

    @Test func rotationTurnsClockwiseAboutTheAnchor() throws {
        let style = TextStyle(size: 20)
        // +π/2 (clockwise, y down): the baseline runs down the page and the glyphs stand to its right.
        let down = try #require(try render("HHHH", style: style, rotation: .pi / 2).inkBounds())
        #expect(down.maxY - down.minY > 3 * (down.maxX - down.minX))
        #expect(down.minY >= 100 && down.minX >= 100)
        // −π/2 (a y-axis label): reads upwards, above the anchor, glyphs to the left of it.
        let up = try #require(try render("HHHH", style: style, rotation: -.pi / 2).inkBounds())
        #expect(up.maxY < 100 && up.maxX < 100)
        // A middle-anchored, middle-baseline label rotated by any angle stays centred on its anchor.
        let centred = try #require(try render("HHHH", style: TextStyle(size: 20, anchor: .middle, baseline: .middle), rotation: 0.7).inkBounds())
        #expect(abs(Double(centred.minX + centred.maxX) / 2 - 100) <= 2)
        #expect(abs(Double(centred.minY + centred.maxY) / 2 - 100) <= 3)
    }

    @Test(arguments: [72.0, 144.0, 300.0])
    func placedTextBoxesHoldTheirInkAtEveryResolution(dpi: Double) throws {
        // Figures lay out labels with `placedTexts`; the drawn glyphs must stay inside those boxes.
        var scene = Scene(width: 240, height: 240)
        scene.text("10⁻¹²", at: Point(30, 40), style: TextStyle(size: 14))
        scene.text("layer (1 = input side)", at: Point(20, 130), style: TextStyle(size: 11, anchor: .middle, baseline: .middle), rotation: -.pi / 2)
        scene.text("step", at: Point(200, 200), style: TextStyle(size: 12, weight: .bold, anchor: .end, baseline: .top), rotation: 0.3)
        let image = try renderer.image(scene, dpi: dpi)
        let scale = dpi / 72
        var covered = 0
        for placed in scene.placedTexts(measurer: measurer) {
            let b = placed.bounds
            let inside = (x: Int((b.minX * scale).rounded(.down))..<Int((b.maxX * scale).rounded(.up)),
                          y: Int((b.minY * scale).rounded(.down))..<Int((b.maxY * scale).rounded(.up)))
            covered += image.inkCount(x: inside.x, y: inside.y)
            #expect(image.inkCount(x: inside.x, y: inside.y) > 20, "no ink for \(placed.string)")
        }
        // All ink of the page lies in the boxes (their union is the only place text was drawn).
        #expect(image.inkCount(x: 0..<image.width, y: 0..<image.height) == covered)
    }

    @Test func textColourIsUsed() throws {
        let image = try render("█", style: TextStyle(size: 40, color: SampleScenes.blue))
        let ink = try #require(image.inkBounds())
        #expect(image.rgba((ink.minX + ink.maxX) / 2, (ink.minY + ink.maxY) / 2) == [0, 0, 255, 255])
    }

    @Test func measuringIsThreadSafe() {
        let style = TextStyle(size: 11)
        let expected = measurer.measure("gradient 10⁻⁸", style: style)
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<TextExtents>.allocate(capacity: 64)
        defer { results.deallocate() }
        let m = measurer
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            results[i] = m.measure("gradient 10⁻⁸", style: style)
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
