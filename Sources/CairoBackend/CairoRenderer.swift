import CCairo
import Foundation
import Graphics

/// A file format the Cairo backend writes.
public enum ImageFormat: String, CaseIterable, Sendable {
    case png, svg, pdf
}

/// The fixed document information of a PDF; the dates are fixed so equal pages give equal bytes.
public struct PDFMetadata: Hashable, Sendable {
    public var title: String
    public var creator: String
    /// ISO 8601 date written as both creation and modification date.
    public var date: String

    public init(title: String = "", creator: String = "vanish", date: String = PDFMetadata.fixedDate) {
        self.title = title
        self.creator = creator
        self.date = date
    }

    /// The date every vanish PDF carries unless told otherwise.
    public static let fixedDate = "2000-01-01T00:00:00Z"
}

/// Replays scenes onto Cairo surfaces and returns the file bytes (PNG, SVG, PDF) or pixels.
///
/// Scene units are points (1/72 inch); a PNG at `dpi` has `dpi / 72` pixels per point.
/// Text uses the DejaVu Sans fonts shipped in this module with fixed font options, so output
/// depends only on the scene, the fonts and the Cairo/FreeType libraries. PNG and PDF bytes
/// are deterministic; SVG is not (Cairo numbers its glyph and surface ids per process).
/// Thread-safe: every call makes its own surface and context.
public struct CairoRenderer: Sendable {
    let fonts: DejaVuFonts

    /// Resolution of PNGs and raster images unless one is given: two pixels per point.
    public static let defaultDPI = 144.0

    /// Loads the shipped fonts (once per process); throws if they cannot be loaded.
    public init() throws {
        fonts = try DejaVuFonts.shared.get()
    }

    /// A measurer that agrees exactly with how this renderer places text.
    public var measurer: CairoTextMeasurer { CairoTextMeasurer(fonts: fonts) }

    /// The scene as a PNG file: 8-bit RGB if every pixel is opaque, else RGBA (transparent where
    /// the scene has no background); the file records `dpi`.
    public func png(_ scene: Scene, dpi: Double = CairoRenderer.defaultDPI) throws -> Data {
        // Painting an opaque background first leaves every pixel opaque: the scene's items are all
        // drawn with OVER, which keeps an opaque pixel opaque.
        try PNGWriter.encode(try rasterSurface(scene, dpi: dpi), dpi: dpi, opaque: scene.background?.alpha == 1)
    }

    /// The scene's pixels at `dpi`, straight-alpha RGBA, for tests and image comparison.
    public func image(_ scene: Scene, dpi: Double = CairoRenderer.defaultDPI) throws -> RasterImage {
        try rasterSurface(scene, dpi: dpi).rasterImage()
    }

    /// The scene as an SVG document, one SVG unit per point, text drawn as glyph outlines.
    public func svg(_ scene: Scene) throws -> Data {
        try checkPage(scene, index: nil)
        let sink = ByteSink()
        let surface = try CairoSurface(
            owning: cairo_svg_surface_create_for_stream(ByteSink.write, sink.closure, scene.width, scene.height),
            call: "cairo_svg_surface_create_for_stream", sink: sink)
        let replay = try replay(scene, on: surface, target: .svg)
        try surface.finish()
        return SVGFinishing.finish(sink.data, drawn: replay.drawnImages)
    }

    /// The scenes as the pages of one PDF, in order, written by one Cairo surface; each page
    /// takes its scene's size.
    public func pdf(pages: [Scene], metadata: PDFMetadata = PDFMetadata()) throws -> Data {
        guard let first = pages.first else { throw CairoError.noPages }
        for (index, page) in pages.enumerated() { try checkPage(page, index: index) }
        let sink = ByteSink()
        let surface = try CairoSurface(
            owning: cairo_pdf_surface_create_for_stream(ByteSink.write, sink.closure, first.width, first.height),
            call: "cairo_pdf_surface_create_for_stream", sink: sink)
        let entries: [(cairo_pdf_metadata_t, String)] = [
            (CAIRO_PDF_METADATA_TITLE, metadata.title),
            (CAIRO_PDF_METADATA_CREATOR, metadata.creator),
            (CAIRO_PDF_METADATA_CREATE_DATE, metadata.date),
            (CAIRO_PDF_METADATA_MOD_DATE, metadata.date),
        ]
        for (key, value) in entries where !value.isEmpty {
            cairo_pdf_surface_set_metadata(surface.pointer, key, value)
            try CairoError.check(surface.status, "cairo_pdf_surface_set_metadata(\(value))")
        }
        for (index, page) in pages.enumerated() {
            cairo_pdf_surface_set_size(surface.pointer, page.width, page.height)
            try CairoError.check(surface.status, "cairo_pdf_surface_set_size (page \(index + 1))")
            var batched = page
            batched.items = PathBatching.merged(page.items)
            let context = try replay(batched, on: surface, target: .pdf).context
            cairo_show_page(context.pointer)
            try context.check("cairo_show_page (page \(index + 1))")
        }
        try surface.finish()
        return sink.data
    }

    /// A rough estimate of the time Cairo takes to draw a scene: per operation and per path
    /// point, strokes about three times fills (Cairo works out a stroke's outline to bound it).
    /// Good enough to tell a figure of many shapes from one of few (`RunReport` starts the
    /// costliest jobs first).
    public static func cost(_ scene: Scene) -> Double {
        func cost(_ items: [SceneItem]) -> Double {
            items.reduce(0) { sum, item in
                switch item {
                case .fill(let path, _): return sum + 2 + Double(path.elements.count)
                case .stroke(let path, _): return sum + 6 + 3 * Double(path.elements.count)
                case .text(let string, _, _, _): return sum + 4 + Double(string.utf8.count) / 8
                case .image(let image, _, _): return sum + 4 + Double(image.width * image.height) / 2000
                case .group(let inner, _, let opacity): return sum + (opacity < 1 ? 20 : 2) + cost(inner)
                }
            }
        }
        return 1 + cost(scene.items)
    }

    /// The scene in `format`: `dpi` applies to PNG only; a PDF gets one page and default metadata.
    public func data(_ scene: Scene, format: ImageFormat, dpi: Double = CairoRenderer.defaultDPI) throws -> Data {
        switch format {
        case .png: return try png(scene, dpi: dpi)
        case .svg: return try svg(scene)
        case .pdf: return try pdf(pages: [scene])
        }
    }

    // MARK: - Surfaces

    /// An image surface with the scene drawn on it at `dpi / 72` pixels per point.
    ///
    /// The pixel size is the page size times the scale, rounded to the nearest pixel.
    func rasterSurface(_ scene: Scene, dpi: Double) throws -> CairoSurface {
        guard dpi.isFinite, dpi > 0 else { throw CairoError.invalidSize("resolution \(dpi) dpi is not a positive number") }
        try checkPage(scene, index: nil)
        let scale = dpi / 72
        let width = (scene.width * scale).rounded(), height = (scene.height * scale).rounded()
        let limit = Double(CairoSurface.maxImageSide)
        guard width >= 1, height >= 1, width <= limit, height <= limit else {
            throw CairoError.invalidSize(
                "a \(scene.width) × \(scene.height) pt scene at \(dpi) dpi would be \(width) × \(height) pixels; "
                    + "each side must be 1 to \(CairoSurface.maxImageSide) pixels")
        }
        let surface = try CairoSurface.image(width: Int(width), height: Int(height))
        let context = try CairoContext(surface: surface, fonts: fonts)
        cairo_scale(context.pointer, scale, scale)
        var replay = SceneReplay(context: context, fonts: fonts, target: .image)
        try replay.draw(scene)
        return surface
    }

    /// Draws `scene` on a new context of `surface`; the replay keeps the context (for `show_page`).
    private func replay(_ scene: Scene, on surface: CairoSurface, target: SceneReplay.Target) throws -> SceneReplay {
        let context = try CairoContext(surface: surface, fonts: fonts)
        var replay = SceneReplay(context: context, fonts: fonts, target: target)
        try replay.draw(scene)
        return replay
    }

    private func checkPage(_ scene: Scene, index: Int?) throws {
        guard scene.width.isFinite, scene.height.isFinite, scene.width > 0, scene.height > 0 else {
            let which = index.map { "page \($0 + 1)" } ?? "scene"
            throw CairoError.invalidSize("\(which) size \(scene.width) × \(scene.height) pt is not positive and finite")
        }
    }
}
