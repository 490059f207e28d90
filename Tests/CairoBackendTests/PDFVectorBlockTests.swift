@testable import CairoBackend
import Foundation
import Graphics
import Testing

/// Runs of plain vector drawing on PDF pages are written by vanish as Form XObjects in place
/// of placeholders Cairo draws; the pages look as Cairo would have drawn them.
@Suite struct PDFVectorBlockTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    /// Layers drawn as the fading diagram draws them: faded groups of a translucent plane, its
    /// outline, wires (bands), rims and cores (ellipses); an underflow layer's dashed outline;
    /// a faded group inside a faded group; a mitred polyline and a curved fill; text around.
    static func layers(width: Double = 400, height: Double = 220) -> Scene {
        var scene = Scene(width: width, height: height)
        scene.text("Layers", at: Point(10, 20), style: TextStyle(size: 12))
        let color = Color(red: 0.27, green: 0.6, blue: 0.55)
        let outline = Color(red: 0.15, green: 0.33, blue: 0.3)
        for k in 0..<6 {
            let x = 30 + Double(k) * 45
            let corners = [Point(x, 180), Point(x, 80), Point(x + 24, 66), Point(x + 24, 166)]
            var items: [SceneItem] = []
            if k == 2 {
                items.append(.stroke(.polygon(corners), StrokeStyle(color: .black, width: 0.9, dash: [2.5, 3])))
            } else {
                items.append(.fill(.polygon(corners), color.withAlpha(0.45)))
                items.append(.stroke(.polygon(corners), StrokeStyle(color: outline, width: 1.2, join: .round)))
                var wires = Path(), rims = Path(), cores = Path()
                for j in 0..<4 {
                    let c = Point(x + 12, 165 - Double(j) * 25)
                    for t in max(0, j - 1)...min(3, j + 1) {
                        wires.addBand(from: c, to: Point(x + 57, 165 - Double(t) * 25), width: 0.8)
                    }
                    rims.addEllipse(in: Rect(x: c.x - 5, y: c.y - 6, width: 10, height: 12))
                    cores.addEllipse(in: Rect(x: c.x - 4, y: c.y - 5, width: 8, height: 10))
                }
                if k < 5 { items.append(.fill(wires, outline.withAlpha(0.7))) }
                items.append(.fill(rims, outline))
                items.append(.fill(cores, color))
                if k == 4 {
                    items.append(.group([.fill(.circle(center: Point(x + 12, 60), radius: 6), SampleScenes.red)], clip: nil, opacity: 0.5))
                }
            }
            scene.append(.group(items, clip: nil, opacity: [0.05, 0.3, 1, 0.6, 0.8, 1][k]))
        }
        scene.stroke(.polyline([Point(300, 200), Point(330, 190), Point(340, 205), Point(390, 185)]),
                     StrokeStyle(color: SampleScenes.blue, width: 2))
        var blob = Path()
        blob.move(to: Point(310, 40))
        blob.curve(to: Point(380, 60), control1: Point(330, 10), control2: Point(370, 20))
        blob.line(to: Point(350, 90))
        blob.close()
        scene.fill(blob, Color(red: 0.9, green: 0.6, blue: 0.1, alpha: 0.8))
        scene.text("after", at: Point(300, 215), style: TextStyle(size: 10))
        return scene
    }

    /// The page as pdftoppm (poppler-utils, which `scripts/bootstrap` installs) rasterises it.
    static func rasterised(_ pdf: Data, dpi: Int = 96) throws -> RasterImage {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vanish-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("page.pdf")
        try pdf.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pdftoppm", "-png", "-r", String(dpi), "-singlefile", file.path, folder.appendingPathComponent("page").path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pdftoppm failed (is poppler-utils installed? scripts/bootstrap installs it)")
        return try PNGCodec.decode(contentsOf: folder.appendingPathComponent("page.png"))
    }

    /// Every object of `pdf`, as the cross-reference table finds them.
    static func objects(_ pdf: Data) throws -> [ArraySlice<UInt8>] {
        let file = try PDFJoin.File(Array(pdf))
        return file.order.map { PDFVectorBlocks.object($0, of: file) }
    }

    @Test func vectorRunsBecomeFormsThatLookLikeCairosDrawing() throws {
        let scene = Self.layers()
        let pdf = try renderer.pdf(pages: [scene])
        let cairoOnly = try renderer.pdfFile([scene], metadata: PDFMetadata(), firstPage: 0, vectorBlocks: false)
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/Matrix ["), "the run is a form of vanish's")
        #expect(!text.contains("/Subtype /Image"), "no placeholder is left")
        // The faded groups (5, one inside another) and the root form.
        #expect(text.components(separatedBy: "/Subtype /Form").count - 1 == 6)
        #expect(try Self.objects(pdf).allSatisfy { PDFVectorBlocks.placeholderIndex($0) == nil })
        try PDFJoinTests.checkCrossReferences(pdf)

        let ours = try Self.rasterised(pdf), cairos = try Self.rasterised(cairoOnly)
        #expect(ours.width == cairos.width && ours.height == cairos.height)
        var inked = 0, differing = 0, far = 0
        for y in 0..<ours.height {
            for x in 0..<ours.width {
                let a = ours.rgba(x, y), b = cairos.rgba(x, y)
                if b != [255, 255, 255, 255] { inked += 1 }
                let d = zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
                if d > 8 { differing += 1 }
                if d > 64 { far += 1 }
            }
        }
        // Antialiased edges may move by a level or a pixel; nothing else may change.
        #expect(inked > 5000)
        #expect(differing * 50 < inked, "\(differing) of \(inked) inked pixels differ by more than 8 levels")
        #expect(far * 500 < inked, "\(far) of \(inked) inked pixels differ by more than 64 levels")
    }

    @Test func partsRenderedSeparatelyJoinToTheSameBytesWithNoPlaceholderLeft() throws {
        let pages = [Self.layers(), SampleScenes.mixed(), Self.layers(width: 300, height: 240), SampleScenes.mixed()]
        let pdf = try renderer.pdf(pages: pages)
        let job = try renderer.pdfJob(pages: pages)
        #expect(job.parts.count == 2)
        let parts = try job.parts.indices.map { try renderer.pdfPart(job, $0) }
        #expect(try renderer.joinPDF(job, parts: parts) == pdf)
        try PDFJoinTests.checkCrossReferences(pdf)
        #expect(try Self.objects(pdf).allSatisfy { PDFVectorBlocks.placeholderIndex($0) == nil })
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.components(separatedBy: "/Matrix [").count - 1 == 2, "one form of vanish's per page of layers")
        #expect(text.components(separatedBy: "/Subtype /Image").count - 1 == 2, "the mixed pages' images")
    }

    @Test func runsVanishCannotWriteOrThatAreShortStayWithCairo() throws {
        var scene = Scene(width: 300, height: 200)
        // Short runs between texts.
        for k in 0..<12 {
            scene.stroke(.polyline([Point(10, 10 + Double(k) * 15), Point(60, 12 + Double(k) * 15)]), StrokeStyle(color: .black))
            scene.text("\(k)", at: Point(70, 12 + Double(k) * 15), style: TextStyle(size: 8))
        }
        // Long runs, each with one item vanish leaves to Cairo: a dash of zero length, a point
        // far beyond Cairo's range, a clipped group, an image (smoothed: an image vanish leaves to Cairo).
        let many = (0..<40).map { k in SceneItem.stroke(.polyline([Point(100, Double(k) * 4), Point(200, Double(k) * 4 + 2)]), StrokeStyle(color: .black)) }
        // (The strokes cross every line, so no line is moved past them to join the others.)
        let odd: [SceneItem] = [
            .stroke(.polyline([Point(100, 0), Point(200, 160)]), StrokeStyle(color: .black, width: 2, dash: [0, 4], cap: .round)),
            .stroke(.polyline([Point(100, 0), Point(200, 160), Point(5e6, 100)]), StrokeStyle(color: .black)),
            .group([.fill(.rectangle(Rect(x: 220, y: 20, width: 40, height: 40)), SampleScenes.red)], clip: Rect(x: 220, y: 20, width: 20, height: 20), opacity: 1),
            .image(SampleScenes.quad, rect: Rect(x: 250, y: 150, width: 20, height: 20), interpolation: .smooth),
        ]
        for item in odd {
            scene.append(contentsOf: Array(many[..<20]))
            scene.append(item)
            scene.append(contentsOf: Array(many[20...]))
            scene.text("between", at: Point(100, 190), style: TextStyle(size: 8))
        }
        let pdf = try renderer.pdf(pages: [scene])
        #expect(pdf == (try renderer.pdfFile([scene], metadata: PDFMetadata(), firstPage: 0, vectorBlocks: false)))
    }

    @Test func aFileWhosePlaceholdersAreMissingIsRefused() throws {
        let blocks = PDFVectorBlocks()
        // A surface the run lies on (a placeholder outside the clip is not painted at all).
        let context = try CairoContext(surface: try CairoSurface.image(width: 400, height: 220), fonts: renderer.fonts)
        let run = Self.layers().items.filter { if case .group = $0 { return true } else { return false } }
        #expect(try blocks.place(run[...], on: context.pointer))
        let plain = try renderer.pdfFile([Self.layers()], metadata: PDFMetadata(), firstPage: 0, vectorBlocks: false)
        #expect(throws: PDFJoin.Unsupported.self) { try blocks.substitute(plain) }
    }

    @Test func numbersArePlainDecimalsWithoutTrailingZerosOrNegativeZero() {
        func printed(_ v: Double, _ decimals: Int = 3) -> String {
            var bytes: [UInt8] = []
            PDFNumbers.append(v, decimals: decimals, to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(printed(0) == "0")
        #expect(printed(-0.0004) == "0")
        #expect(printed(-0.0006) == "-0.001")
        #expect(printed(2) == "2")
        #expect(printed(100) == "100")
        #expect(printed(-2.25) == "-2.25")
        #expect(printed(0.05) == "0.05")
        #expect(printed(1234.5678) == "1234.568")
        #expect(printed(0.45, 4) == "0.45")
        #expect(printed(1.0 / 237, 10) == "0.0042194093")
        #expect(printed(123_456.5, 0) == "123457")
    }
}
