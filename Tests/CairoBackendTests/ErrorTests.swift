import CairoBackend
import Foundation
import Graphics
import Testing

/// Bad sizes and styles give a typed, descriptive `CairoError`, never a crash.
@Suite struct ErrorTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    func error(_ body: () throws -> Any) -> CairoError? {
        do {
            _ = try body()
            return nil
        } catch let error as CairoError {
            return error
        } catch {
            return nil
        }
    }

    @Test func absurdSizeIsAnError() throws {
        let huge = Scene(width: 1e9, height: 1e9)
        let e = try #require(error { try renderer.png(huge, dpi: 144) })
        guard case .invalidSize = e else { Issue.record("expected invalidSize, got \(e)"); return }
        #expect(e.description.contains("32767"))
        #expect(error { try renderer.image(Scene(width: 40000, height: 10), dpi: 72) } != nil)
    }

    @Test func nonFiniteOrEmptySizesAreErrors() {
        for scene in [Scene(width: .nan, height: 10), Scene(width: 10, height: 0), Scene(width: -5, height: 10), Scene(width: .infinity, height: 1)] {
            #expect(error { try renderer.png(scene, dpi: 72) } != nil)
            #expect(error { try renderer.svg(scene) } != nil)
            #expect(error { try renderer.pdf(pages: [Scene(width: 10, height: 10), scene]) } != nil)
        }
        let e = error { try renderer.pdf(pages: [Scene(width: 10, height: 10), Scene(width: 10, height: 0)]) }
        #expect(e?.description.contains("page 2") == true)
    }

    @Test func badResolutionIsAnError() {
        #expect(error { try renderer.png(Scene(width: 10, height: 10), dpi: 0) } == .invalidSize("resolution 0.0 dpi is not a positive number"))
        #expect(error { try renderer.image(Scene(width: 10, height: 10), dpi: .nan) } != nil)
        // So small a resolution that the page has no pixel.
        #expect(error { try renderer.png(Scene(width: 10, height: 10), dpi: 1) } != nil)
    }

    @Test func imageTooWideForCairoIsAnError() throws {
        var scene = Scene(width: 100, height: 100)
        scene.append(.image(RasterImage(width: 40000, height: 1), rect: Rect(x: 0, y: 0, width: 100, height: 10), interpolation: .nearest))
        let e = try #require(error { try renderer.png(scene, dpi: 72) })
        #expect(e.description.contains("40000"))
    }

    @Test func pdfWithoutPagesIsAnError() {
        #expect(error { try renderer.pdf(pages: []) } == .noPages)
    }

    @Test func negativeDashIsCairosErrorNamingTheItem() throws {
        var scene = Scene(width: 10, height: 10)
        scene.fill(.rectangle(Rect(x: 0, y: 0, width: 5, height: 5)), .black)
        scene.append(.group([.stroke(.polyline([Point(0, 0), Point(5, 5)]), StrokeStyle(color: .black, dash: [-1, 2]))], clip: nil, opacity: 1))
        let e = try #require(error { try renderer.png(scene, dpi: 72) })
        guard case .cairo(let call, let status) = e else { Issue.record("expected a cairo error, got \(e)"); return }
        #expect(call.contains("dash") && call.contains("item 1.0"))
        #expect(status.contains("dash"))
    }

    @Test func nonFiniteNumbersInItemsNeverCrash() {
        // A figure bug may pass NaN or infinity: the backend either skips it or reports it.
        let nan = Double.nan, inf = Double.infinity
        let items: [SceneItem] = [
            .fill(.polygon([Point(nan, 1), Point(5, inf), Point(9, 9)]), .black),
            .stroke(.polyline([Point(0, 0), Point(nan, nan)]), StrokeStyle(color: .black, width: nan)),
            .stroke(.polyline([Point(0, 0), Point(5, 5)]), StrokeStyle(color: .black, width: 1, dash: [nan, 1])),
            .fill(.rectangle(Rect(x: 0, y: 0, width: 5, height: 5)), Color(red: nan, green: 2, blue: -1, alpha: nan)),
            .image(SampleScenes.quad, rect: Rect(x: nan, y: 0, width: inf, height: 5), interpolation: .nearest),
            .text("x", at: Point(nan, 3), style: TextStyle(size: 10), rotation: 0),
            .text("x", at: Point(3, 3), style: TextStyle(size: inf), rotation: 0),
            .text("x", at: Point(3, 3), style: TextStyle(size: 10), rotation: nan),
            .group([.fill(.rectangle(Rect(x: 0, y: 0, width: 5, height: 5)), .black)], clip: Rect(x: nan, y: 0, width: 1, height: 1), opacity: nan),
        ]
        for item in items {
            let scene = Scene(width: 20, height: 20, items: [item])
            for format in ImageFormat.allCases {
                do {
                    _ = try renderer.data(scene, format: format, dpi: 72)
                } catch let error as CairoError {
                    #expect(!error.description.isEmpty)
                } catch {
                    Issue.record("untyped error \(error)")
                }
            }
        }
    }

    @Test func errorsDescribeThemselves() {
        #expect(CairoError.cairo(call: "cairo_create", status: "out of memory").description == "cairo: cairo_create failed: out of memory")
        #expect(CairoError.freeType(call: "FT_New_Face", code: 1).description.contains("FT_New_Face"))
        #expect(CairoError.missingFont("DejaVuSans.ttf").description.contains("DejaVuSans.ttf"))
    }

    @Test func oddButValidInputDrawsWithoutError() throws {
        var scene = Scene(width: 20, height: 20)
        scene.text("", at: Point(1, 1), style: TextStyle(size: 10))
        scene.text("zero size", at: Point(1, 1), style: TextStyle(size: 0))
        scene.append(.image(RasterImage(width: 0, height: 0), rect: Rect(x: 0, y: 0, width: 5, height: 5), interpolation: .nearest))
        scene.append(.image(RasterImage(width: 2, height: 2, fill: .black), rect: Rect(x: 5, y: 5, width: 0, height: 5), interpolation: .nearest))
        scene.stroke(Path(), StrokeStyle(color: .black))
        scene.fill(.polygon([]), .black)
        let image = try renderer.image(scene, dpi: 72)
        #expect(image.inkBounds() == nil)
    }
}
