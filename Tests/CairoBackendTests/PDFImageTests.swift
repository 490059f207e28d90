@testable import CairoBackend
import CZlib
import Foundation
import Graphics
import Testing

/// Opaque images drawn without smoothing are written into PDFs by vanish (`PDFImage`), with the
/// pixels, padding and placement Cairo gives them; other images stay Cairo's.
@Suite struct PDFImageTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    /// A `width` × `height` opaque image whose pixel (x, y) has colour `colour(x, y)` of `count`
    /// distinct, saturated (never grey) colours.
    static func image(width: Int, height: Int, colours count: Int, colour: (Int, Int) -> Int) -> RasterImage {
        var image = RasterImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let k = colour(x, y) % count
                // Distinct colours, red and blue apart: never grey, none a PDF delimiter's worth of trouble.
                image[x, y] = Color(rgb8: UInt8(k % 256), UInt8((k / 256) * 40 % 256), UInt8(255 - k % 200))
            }
        }
        return image
    }

    /// Images Cairo pads on one side, on several sides and not at all, of 6, 256 and more than
    /// 256 colours; one inside a clipped group.
    static func scene() -> Scene {
        var scene = Scene(width: 400, height: 300, background: .white)
        let heatmap = image(width: 37, height: 9, colours: 6) { x, y in (x * 7 + y * 3) / 5 }
        let strip = image(width: 1, height: 256, colours: 256) { _, y in y }
        let many = image(width: 40, height: 12, colours: 480) { x, y in x + 40 * y }
        scene.append(.image(heatmap, rect: Rect(x: 20.3, y: 15.7, width: 101.13, height: 40.9), interpolation: .nearest))
        scene.append(.image(strip, rect: Rect(x: 140.77, y: 20.359, width: 8.914, height: 144.848), interpolation: .nearest))
        scene.append(.image(many, rect: Rect(x: 170.5, y: 30.25, width: 120.75, height: 36.1), interpolation: .nearest))
        scene.append(.image(heatmap, rect: Rect(x: 20, y: 100, width: 74, height: 27), interpolation: .nearest))
        scene.append(.group([.image(heatmap, rect: Rect(x: 200.6, y: 150.2, width: 150.1, height: 60.3), interpolation: .nearest)],
                            clip: Rect(x: 230.5, y: 160, width: 90, height: 40), opacity: 1))
        scene.text("images", at: Point(20, 280), style: TextStyle(size: 12))
        return scene
    }

    /// An image object of a PDF: its size, `/Interpolate`, and its samples as RGB.
    struct WrittenImage: Equatable {
        var width: Int, height: Int, interpolate: Bool, rgb: [UInt8]
    }

    /// The image objects of `pdf`, in file order, palettes looked up.
    static func images(_ pdf: Data) throws -> [WrittenImage] {
        try PDFVectorBlockTests.objects(pdf).compactMap { slice -> WrittenImage? in
            let object = Array(slice)
            guard let start = PDFJoin.File.firstRange(of: PDFJoin.File.streamMarker, in: object) else { return nil }
            let head = String(decoding: object[..<start.lowerBound], as: UTF8.self)
            guard head.contains("/Subtype /Image") else { return nil }
            func value(_ key: String) throws -> Int {
                let range = try #require(head.range(of: key + " "))
                return try #require(Int(head[range.upperBound...].prefix { $0.isNumber }))
            }
            let width = try value("/Width"), height = try value("/Height")
            var palette: [UInt8]?
            if head.contains("/Indexed /DeviceRGB ") {
                // The palette is a literal string: `(` … `)` with `\`-escapes.
                let open = try #require(object.firstIndex(of: UInt8(ascii: "("))), close = object[..<start.lowerBound].lastIndex(of: UInt8(ascii: ")"))
                var bytes: [UInt8] = [], i = open + 1
                while i < (close ?? open) {
                    var b = object[i]
                    if b == UInt8(ascii: "\\") {
                        i += 1
                        b = object[i] == UInt8(ascii: "n") ? 0x0A : object[i] == UInt8(ascii: "r") ? 0x0D : object[i]
                    }
                    bytes.append(b)
                    i += 1
                }
                palette = bytes
            } else {
                #expect(head.contains("/ColorSpace /DeviceRGB"))
            }
            let end = try #require(object.indices.reversed().first { object[$0...].starts(with: Array("\nendstream".utf8)) })
            var data = Array(object[start.upperBound..<end])
            let samples = width * height * (palette == nil ? 3 : 1)
            if head.contains("/Filter /FlateDecode") { data = try #require(PDFVectorBlocks.inflate(data, expected: samples)) }
            #expect(data.count == samples)
            let rgb = palette.map { palette in data.flatMap { palette[3 * Int($0)..<3 * Int($0) + 3] } } ?? data
            return WrittenImage(width: width, height: height, interpolate: head.contains("/Interpolate true"), rgb: rgb)
        }
    }

    @Test func imagesAreWrittenWithCairosPixelsPaddingAndPlace() throws {
        let scene = Self.scene()
        let pdf = try renderer.pdf(pages: [scene])
        let cairoOnly = try renderer.pdfFile([scene], metadata: PDFMetadata(), firstPage: 0, vectorBlocks: false)
        try PDFJoinTests.checkCrossReferences(pdf)
        #expect(try PDFVectorBlockTests.objects(pdf).allSatisfy { PDFVectorBlocks.placeholderIndex($0) == nil })
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.components(separatedBy: "/Indexed /DeviceRGB").count - 1 == 4, "all but the image of 480 colours")

        // The same samples, padded to the same size, as Cairo writes (it writes RGB).
        let ours = try Self.images(pdf), cairos = try Self.images(cairoOnly)
        #expect(ours.count == 5 && ours == cairos)
        #expect(ours.allSatisfy { !$0.interpolate }, "drawn with nearest-neighbour: /Interpolate false, as Cairo writes it")
        #expect(zip(ours.map(\.width), [37, 1, 40, 37, 37]).contains { $0 != $1 }, "some of them padded")

        // Placed where Cairo places them: the pages rasterise to the same pixels.
        for dpi in [50, 96] {
            let a = try PDFVectorBlockTests.rasterised(pdf, dpi: dpi), b = try PDFVectorBlockTests.rasterised(cairoOnly, dpi: dpi)
            #expect(a == b, "pages differ at \(dpi) dpi")
        }
    }

    @Test func imagesVanishDoesNotWriteStayWithCairo() throws {
        var translucent = Self.image(width: 5, height: 4, colours: 3) { x, y in x + y }
        translucent[2, 1] = Color(red: 0.2, green: 0.5, blue: 0.9, alpha: 0.5)
        var scene = Scene(width: 200, height: 120)
        scene.append(.image(translucent, rect: Rect(x: 10.5, y: 10.25, width: 50, height: 40), interpolation: .nearest))
        scene.append(.image(SampleScenes.quad, rect: Rect(x: 80.5, y: 10.25, width: 50, height: 40), interpolation: .smooth))
        scene.append(.image(SampleScenes.quad, rect: Rect(x: 150, y: 10, width: -30, height: 40), interpolation: .nearest))
        let pdf = try renderer.pdf(pages: [scene])
        #expect(pdf == (try renderer.pdfFile([scene], metadata: PDFMetadata(), firstPage: 0, vectorBlocks: false)))
        #expect(String(decoding: pdf, as: UTF8.self).contains("/Interpolate true"), "the smooth image keeps Cairo's flag")
    }

    @Test func drawingClippedAwayOrOffThePageStaysWithCairoAndTheRestIsStillVanishs() throws {
        var scene = Scene(width: 200, height: 120)
        let heatmap = Self.image(width: 20, height: 5, colours: 4) { x, y in x + y }
        scene.append(.image(heatmap, rect: Rect(x: 10.5, y: 10.25, width: 50, height: 40), interpolation: .nearest))
        let run = PDFVectorBlockTests.layers().items.filter { if case .group = $0 { return true } else { return false } }
        scene.append(.group([.image(heatmap, rect: Rect(x: 100, y: 10, width: 50, height: 40), interpolation: .nearest)] + run,
                            clip: Rect(x: 100, y: 0, width: 5, height: 5), opacity: 1))
        scene.append(.image(heatmap, rect: Rect(x: 300, y: 10, width: 50, height: 40), interpolation: .nearest))
        let pdf = try renderer.pdf(pages: [scene])
        let text = String(decoding: pdf, as: UTF8.self)
        // Not rendered again by Cairo alone because placeholders were missing.
        #expect(text.components(separatedBy: "/Indexed /DeviceRGB").count - 1 == 1, "the visible image is vanish's")
        #expect(try Self.images(pdf).count == 1)
        try PDFJoinTests.checkCrossReferences(pdf)
    }

    @Test func paletteStringsEscapeDelimitersAndLineEnds() {
        var out: [UInt8] = []
        PDFImage.appendString([0x28, 0x29, 0x5C, 0x0D, 0x0A, 0x41, 0x00, 0xFF], to: &out)
        #expect(out == Array("(\\(\\)\\\\\\r\\nA".utf8) + [0x00, 0xFF, 0x29])
    }

    @Test func cairoPadsOnlyWhenTheOperationReachesAWholePixelBeyondTheImage() {
        let page = (x0: 0, y0: 0, x1: 400, y1: 300)
        // Corners on whole points and whole pixels: nothing to pad.
        let aligned = PDFImage.cairoWindow(rect: Rect(x: 20, y: 100, width: 74, height: 27), width: 37, height: 9, clip: page)
        #expect(aligned.columns == 0..<37 && aligned.rows == 0..<9)
        // The colour bar of a report page: 1 × 256 pixels over 8.9 × 144.8 pt.
        let bar = PDFImage.cairoWindow(rect: Rect(x: 674.77, y: 139.359, width: 8.914, height: 144.848), width: 1, height: 256,
                                       clip: (0, 0, 842, 595))
        #expect(bar.columns == -1..<2 && bar.rows == -1..<258)
        // Samples outside the image repeat its edges.
        let padded = PDFImage.window([1, 2, 3, 4, 5, 6], width: 3, height: 2, bytes: 1, columns: -1..<4, rows: 0..<3)
        #expect(padded == [1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 4, 4, 5, 6, 6])
    }
}
