import CairoBackend
import Foundation
import Graphics
import Testing

/// PNG, PDF and SVG files: valid, deterministic, paged, with fixed metadata.
@Suite struct OutputFormatTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    @Test func pngIsValidAndRecordsItsSize() throws {
        let png = try renderer.png(SampleScenes.mixed(), dpi: 144)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let bytes = [UInt8](png)
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
        #expect(u32(16) == 640 && u32(20) == 400)
        #expect(bytes[24] == 8 && bytes[25] == 2)  // 8-bit RGB: the page is opaque
        #expect(String(decoding: bytes[bytes.count - 8..<bytes.count - 4], as: UTF8.self) == "IEND")
        let transparent = [UInt8](try renderer.png(Scene(width: 10, height: 10, background: nil), dpi: 72))
        #expect(transparent[25] == 6)  // RGBA
    }

    @Test func pngAtDPIRecordsPixelsPerMetre() throws {
        let bytes = [UInt8](try renderer.png(Scene(width: 10, height: 10), dpi: 254))
        let phys = try #require(Self.range(of: Array("pHYs".utf8), in: bytes))
        let perMetre = bytes[phys + 4..<phys + 8].reduce(0) { $0 << 8 | Int($1) }
        #expect(perMetre == 10000)
    }

    @Test func samePNGBytesEveryTime() throws {
        let first = try renderer.png(SampleScenes.mixed(), dpi: 144)
        let again = try CairoRenderer().png(SampleScenes.mixed(), dpi: 144)
        #expect(first == again)
        let heatmap = PerformanceTests.heatmapScene()
        #expect(try renderer.png(heatmap, dpi: 144) == renderer.png(heatmap, dpi: 144))
    }

    @Test func pngDecodesToTheRenderedPixels() throws {
        // The PNG holds exactly the pixels `image` returns (checked through the package's decoder).
        let scene = SampleScenes.mixed()
        let decoded = try PNGCodec.decode(try renderer.png(scene, dpi: 100))
        #expect(decoded == (try renderer.image(scene, dpi: 100)))
        var translucent = scene
        translucent.background = nil
        let decodedTranslucent = try PNGCodec.decode(try renderer.png(translucent, dpi: 72))
        #expect(decodedTranslucent == (try renderer.image(translucent, dpi: 72)))
    }

    @Test func sameBytesWhenRenderingInParallel() throws {
        let scene = SampleScenes.mixed()
        let expectedPNG = try renderer.png(scene, dpi: 144)
        let expectedPDF = try renderer.pdf(pages: [scene])
        nonisolated(unsafe) let same = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 8)
        defer { same.deallocate() }
        let r = renderer
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            same[i] = i % 2 == 0 ? (try? r.png(scene, dpi: 144)) == expectedPNG : (try? r.pdf(pages: [scene])) == expectedPDF
        }
        #expect(same.allSatisfy { $0 })
    }

    @Test func samePDFBytesEveryTime() throws {
        let pages = [SampleScenes.mixed(), PerformanceTests.heatmapScene()]
        let metadata = PDFMetadata(title: "vanish test", creator: "vanish tests")
        let first = try renderer.pdf(pages: pages, metadata: metadata)
        let again = try CairoRenderer().pdf(pages: pages, metadata: metadata)
        #expect(first == again)
    }

    @Test func pdfHasOnePagePerSceneWithItsSize() throws {
        let pages = [Scene(width: 200, height: 100), SampleScenes.mixed(), Scene(width: 595, height: 842)]
        let pdf = try renderer.pdf(pages: pages)
        let text = String(decoding: pdf, as: UTF8.self)
        let pageObjects = text.components(separatedBy: "/Type /Page").count - 1 - (text.components(separatedBy: "/Type /Pages").count - 1)
        #expect(pageObjects == 3)
        #expect(text.contains("/MediaBox [ 0 0 200 100 ]"))
        #expect(text.contains("/MediaBox [ 0 0 320 200 ]"))
        #expect(text.contains("/MediaBox [ 0 0 595 842 ]"))
        #expect(text.contains("/Count 3"))
    }

    @Test func pdfCarriesTheFixedDateAndTitle() throws {
        let pdf = try renderer.pdf(pages: [SampleScenes.mixed()], metadata: PDFMetadata(title: "Vanishing gradients", creator: "vanish 1"))
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(PDFMetadata.fixedDate == "2000-01-01T00:00:00Z")
        #expect(text.contains("/CreationDate (20000101000000Z)"))
        #expect(text.contains("/ModDate (20000101000000Z)"))
        #expect(text.contains("/Title (Vanishing gradients)"))
        #expect(text.contains("/Creator (vanish 1)"))
    }

    @Test func pdfKeepsNearestImagesSharpAndEmbedsFonts() throws {
        let text = String(decoding: try renderer.pdf(pages: [SampleScenes.mixed()]), as: UTF8.self)
        #expect(text.contains("/Interpolate false"))
        #expect(text.contains("DejaVuSans"))
        #expect(text.contains("DejaVuSans-Bold"))
    }

    @Test func svgIsAnSVGDocumentWithSharpHeatmapCells() throws {
        var scene = SampleScenes.mixed()
        scene.append(.image(RasterImage(width: 3, height: 5, fill: .black), rect: Rect(x: 0, y: 0, width: 30, height: 50), interpolation: .smooth))
        scene.append(.image(RasterImage(width: 7, height: 2, fill: .black), rect: Rect(x: 0, y: 0, width: 70, height: 20), interpolation: .nearest))
        let svg = String(decoding: try renderer.svg(scene), as: UTF8.self)
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("<svg") && svg.contains("width=\"320") && svg.contains("height=\"200"))
        let images = svg.components(separatedBy: "<image ").dropFirst().map { String($0.prefix(while: { $0 != ">" })) }
        #expect(images.count == 3)
        let sharp = images.filter { $0.contains("image-rendering:pixelated") }
        #expect(sharp.count == 2)
        #expect(sharp.contains { $0.contains("width=\"2\" height=\"2\"") })
        #expect(sharp.contains { $0.contains("width=\"7\" height=\"2\"") })
        #expect(!images.contains { $0.contains("width=\"3\" height=\"5\"") && $0.contains("pixelated") })
    }

    @Test func dataDispatchesOnFormat() throws {
        let scene = SampleScenes.mixed()
        #expect(try renderer.data(scene, format: .png, dpi: 72) == renderer.png(scene, dpi: 72))
        #expect(try renderer.data(scene, format: .pdf, dpi: 72).starts(with: Array("%PDF-".utf8)))
        #expect(String(decoding: try renderer.data(scene, format: .svg, dpi: 72), as: UTF8.self).contains("<svg"))
        #expect(ImageFormat(rawValue: "pdf") == .pdf && ImageFormat.allCases.count == 3)
    }

    @Test func writesTheSampleForLooking() throws {
        // VANISH_SAMPLE_OUT=/tmp/x writes /tmp/x.png, .pdf, .svg to look at; otherwise checks sizes only.
        let png = try renderer.png(SampleScenes.mixed())
        let pdf = try renderer.pdf(pages: [SampleScenes.mixed(), PerformanceTests.heatmapScene()])
        let svg = try renderer.svg(SampleScenes.mixed())
        #expect(png.count > 1000 && pdf.count > 1000 && svg.count > 1000)
        if let out = ProcessInfo.processInfo.environment["VANISH_SAMPLE_OUT"] {
            try png.write(to: URL(fileURLWithPath: out + ".png"))
            try pdf.write(to: URL(fileURLWithPath: out + ".pdf"))
            try svg.write(to: URL(fileURLWithPath: out + ".svg"))
            try renderer.png(PerformanceTests.heatmapScene()).write(to: URL(fileURLWithPath: out + "-heatmap.png"))
        }
    }

    static func range(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
