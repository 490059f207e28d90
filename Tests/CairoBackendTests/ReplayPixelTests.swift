import CairoBackend
import Foundation
import Graphics
import Testing

/// Pixel colours of fills, strokes, images, groups and backgrounds, rendered at 72 dpi (1 px = 1 pt).
@Suite struct ReplayPixelTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    func render(_ items: [SceneItem], width: Double = 100, height: Double = 100, background: Color? = .white, dpi: Double = 72) throws -> RasterImage {
        try renderer.image(Scene(width: width, height: height, background: background, items: items), dpi: dpi)
    }

    @Test func imageSizeFollowsDPI() throws {
        let image = try renderer.image(Scene(width: 100, height: 50), dpi: 144)
        #expect(image.width == 200 && image.height == 100)
        let third = try renderer.image(Scene(width: 100, height: 50), dpi: 72 * 1.5)
        #expect(third.width == 150 && third.height == 75)
    }

    @Test func fillHasExactColourInsideAndBackgroundOutside() throws {
        let purple = Color(rgb8: 0x44, 0x01, 0x54)
        let image = try render([.fill(.rectangle(Rect(x: 10, y: 20, width: 30, height: 40)), purple)])
        #expect(image.rgba(25, 40) == [0x44, 0x01, 0x54, 255])
        #expect(image.rgba(10, 20) == [0x44, 0x01, 0x54, 255])  // pixel-aligned edge: no blending
        #expect(image.rgba(39, 59) == [0x44, 0x01, 0x54, 255])
        #expect(image.rgba(9, 40) == [255, 255, 255, 255])
        #expect(image.rgba(40, 40) == [255, 255, 255, 255])
        #expect(image.rgba(25, 60) == [255, 255, 255, 255])
    }

    @Test func fillUsesNonZeroWinding() throws {
        // Two nested squares drawn the same way round: non-zero winding fills the hole too.
        var path = Path.rectangle(Rect(x: 10, y: 10, width: 80, height: 80))
        path.elements += Path.rectangle(Rect(x: 30, y: 30, width: 40, height: 40)).elements
        let image = try render([.fill(path, .black)])
        #expect(image.rgba(50, 50) == [0, 0, 0, 255])
        #expect(image.rgba(20, 20) == [0, 0, 0, 255])
    }

    @Test func strokeWidthAndDash() throws {
        let style = StrokeStyle(color: SampleScenes.red, width: 4, dash: [10, 10])
        let image = try render([.stroke(.polyline([Point(0, 50), Point(100, 50)]), style)])
        // The line covers y 48..<52; dashes on at x 0..<10, off at 10..<20.
        #expect(image.rgba(5, 49) == [255, 0, 0, 255])
        #expect(image.rgba(5, 48) == [255, 0, 0, 255])
        #expect(image.rgba(5, 51) == [255, 0, 0, 255])
        #expect(image.rgba(5, 47) == [255, 255, 255, 255])
        #expect(image.rgba(5, 52) == [255, 255, 255, 255])
        #expect(image.rgba(15, 49) == [255, 255, 255, 255])
        #expect(image.rgba(25, 49) == [255, 0, 0, 255])
    }

    @Test func strokeCapsExtendTheLine() throws {
        let butt = try render([.stroke(.polyline([Point(20, 50), Point(80, 50)]), StrokeStyle(color: .black, width: 10, cap: .butt))])
        let square = try render([.stroke(.polyline([Point(20, 50), Point(80, 50)]), StrokeStyle(color: .black, width: 10, cap: .square))])
        #expect(butt.rgba(17, 50) == [255, 255, 255, 255])
        #expect(square.rgba(17, 50) == [0, 0, 0, 255])
        #expect(square.rgba(82, 50) == [0, 0, 0, 255])
    }

    @Test func strokeJoinsDiffer() throws {
        let corner = Path.polyline([Point(20, 80), Point(50, 20), Point(80, 80)])
        let miter = try render([.stroke(corner, StrokeStyle(color: .black, width: 10, join: .miter))])
        let bevel = try render([.stroke(corner, StrokeStyle(color: .black, width: 10, join: .bevel))])
        // The miter's point reaches above the corner; the bevel cuts it off.
        #expect(miter.rgba(50, 12) == [0, 0, 0, 255])
        #expect(bevel.rgba(50, 12) == [255, 255, 255, 255])
    }

    @Test func nearestImageBlocksAreSharp() throws {
        let image = try render([.image(SampleScenes.quad, rect: Rect(x: 10, y: 10, width: 80, height: 80), interpolation: .nearest)])
        #expect(image.rgba(30, 30) == [255, 0, 0, 255])
        #expect(image.rgba(70, 30) == [0, 255, 0, 255])
        #expect(image.rgba(30, 70) == [0, 0, 255, 255])
        #expect(image.rgba(70, 70) == [255, 255, 0, 255])
        // Every pixel of the drawn rectangle is one of the four colours: no blending, no faded edge.
        let allowed: Set<[UInt8]> = [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 0, 255]]
        var foreign = 0
        for y in 10..<90 { for x in 10..<90 where !allowed.contains(image.rgba(x, y)) { foreign += 1 } }
        #expect(foreign == 0)
        #expect(image.rgba(49, 49) == [255, 0, 0, 255] && image.rgba(50, 50) == [255, 255, 0, 255])
        #expect(image.rgba(9, 50) == [255, 255, 255, 255] && image.rgba(90, 50) == [255, 255, 255, 255])
    }

    @Test func nearestImageKeepsEdgesAtFractionalScale() throws {
        // 3 × 1 cells over 100 px at 144 dpi: blocks of 66.7 device pixels; the edge pixels keep their colour.
        var strip = RasterImage(width: 3, height: 1)
        strip[0, 0] = SampleScenes.red
        strip[1, 0] = SampleScenes.blue
        strip[2, 0] = SampleScenes.red
        let image = try render([.image(strip, rect: Rect(x: 0, y: 0, width: 100, height: 100), interpolation: .nearest)], dpi: 144)
        #expect(image.rgba(0, 0) == [255, 0, 0, 255])
        #expect(image.rgba(199, 199) == [255, 0, 0, 255])
        #expect(image.rgba(100, 100) == [0, 0, 255, 255])
    }

    @Test func smoothImageBlends() throws {
        let image = try render([.image(SampleScenes.quad, rect: Rect(x: 0, y: 0, width: 100, height: 100), interpolation: .smooth)])
        let centre = image.rgba(50, 50)
        #expect(centre != [255, 0, 0, 255] && centre != [255, 255, 0, 255])
        // Padded edges: the corner keeps its colour rather than fading towards transparent.
        let corner = image.rgba(0, 0)
        #expect(corner[0] == 255 && corner[1] < 30 && corner[3] == 255)
    }

    @Test func translucentImagePixelsKeepStraightAlpha() throws {
        let image = try render([.image(RasterImage(width: 1, height: 1, fill: SampleScenes.red.withAlpha(0.5)),
                                       rect: Rect(x: 0, y: 0, width: 10, height: 10), interpolation: .nearest)],
                               width: 10, height: 10, background: nil)
        #expect(image.rgba(5, 5) == [255, 0, 0, 128])
    }

    @Test func noBackgroundIsTransparent() throws {
        let image = try render([.fill(.rectangle(Rect(x: 0, y: 0, width: 50, height: 100)), SampleScenes.blue.withAlpha(0.25))], background: nil)
        #expect(image.rgba(75, 50) == [0, 0, 0, 0])
        let px = image.rgba(25, 50)
        #expect(px[2] == 255 && px[3] == 64)
    }

    @Test func backgroundColourFillsThePage() throws {
        let image = try render([], background: Color(rgb8: 10, 20, 30))
        #expect(image.rgba(0, 0) == [10, 20, 30, 255])
        #expect(image.rgba(99, 99) == [10, 20, 30, 255])
    }

    @Test func groupOpacityCompositesTheGroupAsOneLayer() throws {
        let a = SceneItem.fill(.rectangle(Rect(x: 0, y: 0, width: 60, height: 100)), SampleScenes.blue)
        let b = SceneItem.fill(.rectangle(Rect(x: 40, y: 0, width: 60, height: 100)), SampleScenes.blue)
        let image = try render([.group([a, b], clip: nil, opacity: 0.5)])
        let single = image.rgba(20, 50), overlap = image.rgba(50, 50)
        #expect(single == overlap)  // members do not show through each other
        #expect(abs(Int(single[0]) - 128) <= 1 && single[2] == 255 && single[3] == 255)
    }

    @Test func groupClipHidesOutside() throws {
        let fill = SceneItem.fill(.rectangle(Rect(x: 0, y: 0, width: 100, height: 100)), .black)
        let image = try render([.group([fill], clip: Rect(x: 20, y: 30, width: 40, height: 20), opacity: 1)])
        #expect(image.rgba(40, 40) == [0, 0, 0, 255])
        #expect(image.rgba(19, 40) == [255, 255, 255, 255])
        #expect(image.rgba(60, 40) == [255, 255, 255, 255])
        #expect(image.rgba(40, 29) == [255, 255, 255, 255])
        #expect(image.rgba(40, 50) == [255, 255, 255, 255])
    }

    @Test func clipEndsWithTheGroup() throws {
        let clipped = SceneItem.group([], clip: Rect(x: 0, y: 0, width: 10, height: 10), opacity: 1)
        let image = try render([clipped, .fill(.rectangle(Rect(x: 50, y: 50, width: 10, height: 10)), .black)])
        #expect(image.rgba(55, 55) == [0, 0, 0, 255])
    }

    @Test func fadedGroupKeepsEveryPixelOfItsStrokes() throws {
        // A faded group is drawn on a layer bounded by its members: each stroke's joins and caps
        // must still fit. An invisible fill over the whole page widens the layer to the page.
        let corners = [Point(20.3, 80.6), Point(20.3, 30.2), Point(70.8, 10.7), Point(70.8, 60.1)]
        let strokes: [SceneItem] = [
            .stroke(.polygon(corners), StrokeStyle(color: .black, width: 6, join: .round)),
            .stroke(.polyline([Point(30.5, 50.5), Point(60.5, 40.5)]), StrokeStyle(color: .black, width: 7, cap: .square, join: .bevel)),
            .stroke(.polyline([Point(80.5, 85.5), Point(88.5, 95.5), Point(96.5, 85.5)]), StrokeStyle(color: .black, width: 3)),
        ]
        for stroke in strokes {
            let page = SceneItem.fill(.rectangle(Rect(x: 0, y: 0, width: 100, height: 100)), Color.black.withAlpha(0))
            let bounded = try render([.group([stroke], clip: nil, opacity: 0.5)], dpi: 144)
            let whole = try render([.group([stroke, page], clip: nil, opacity: 0.5)], dpi: 144)
            #expect(bounded.pixels == whole.pixels)
            #expect(bounded.inkBounds() != nil)
        }
    }

    @Test func rasterToleranceOnlyCoarsensRasterCurves() throws {
        let exact = Path.ellipse(in: Rect(x: 10.3, y: 20.6, width: 60.2, height: 50.9))
        var coarse = exact
        coarse.rasterTolerance = 2
        let a = try render([.fill(exact, .black)]), b = try render([.fill(coarse, .black)])
        #expect(a.pixels != b.pixels)  // up to two pixels inside the curve: other edge pixels
        // Vector output keeps the curves: the tolerance does not reach the PDF.
        let page = { (path: Path) in Scene(width: 100, height: 100, items: [.fill(path, .black)]) }
        #expect(try renderer.pdf(pages: [page(exact)]) == renderer.pdf(pages: [page(coarse)]))
        // The next fill is flattened at the default tolerance again.
        let other = Path.ellipse(in: Rect(x: 74.2, y: 74.7, width: 21.3, height: 20.9))
        let after = try render([.fill(coarse, .black), .fill(other, SampleScenes.blue)]), alone = try render([.fill(other, SampleScenes.blue)])
        for y in 72..<100 { for x in 72..<100 { #expect(after.rgba(x, y) == alone.rgba(x, y)) } }
    }

    @Test func invisibleGroupDrawsNothing() throws {
        let image = try render([.group([.fill(.rectangle(Rect(x: 0, y: 0, width: 100, height: 100)), .black)], clip: nil, opacity: 0)])
        #expect(image.inkBounds() == nil)
    }
}
