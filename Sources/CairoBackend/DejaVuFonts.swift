import CCairo
import Foundation
import Graphics

/// A FreeType library and one face loaded from a font file; both freed in `deinit`.
///
/// Each face has its own `FT_Library`, so faces never share FreeType state across threads.
final class FreeTypeFace {
    let library: OpaquePointer
    let face: FT_Face

    init(path: String) throws {
        var library: OpaquePointer?
        let initError = FT_Init_FreeType(&library)
        guard initError == 0, let library else { throw CairoError.freeType(call: "FT_Init_FreeType", code: initError) }
        var face: FT_Face?
        let faceError = FT_New_Face(library, path, 0, &face)
        guard faceError == 0, let face else {
            FT_Done_FreeType(library)
            throw CairoError.freeType(call: "FT_New_Face(\((path as NSString).lastPathComponent))", code: faceError)
        }
        self.library = library
        self.face = face
    }

    deinit {
        FT_Done_Face(face)
        FT_Done_FreeType(library)
    }
}

/// A Cairo font face over a `FreeTypeFace`; the FreeType face lives as long as Cairo uses it.
///
/// Cairo caches font faces beyond our last reference, so the `FreeTypeFace` is retained by
/// the Cairo face itself (user data) and released only when Cairo destroys it.
final class CairoFontFace {
    let pointer: OpaquePointer

    init(_ freeType: FreeTypeFace) throws {
        guard let pointer = cairo_ft_font_face_create_for_ft_face(freeType.face, 0) else {
            throw CairoError.cairo(call: "cairo_ft_font_face_create_for_ft_face", status: "returned no font face")
        }
        try CairoError.check(cairo_font_face_status(pointer), "cairo_ft_font_face_create_for_ft_face")
        let owner = Unmanaged.passRetained(freeType).toOpaque()
        let status = cairo_font_face_set_user_data(pointer, Self.ownerKey, owner) { owner in
            if let owner { Unmanaged<FreeTypeFace>.fromOpaque(owner).release() }
        }
        if status != CAIRO_STATUS_SUCCESS {
            Unmanaged<FreeTypeFace>.fromOpaque(owner).release()
            cairo_font_face_destroy(pointer)
            try CairoError.check(status, "cairo_font_face_set_user_data")
        }
        self.pointer = pointer
    }

    deinit { cairo_font_face_destroy(pointer) }

    /// Cairo identifies user data by the key's address, which must stay fixed for the process.
    nonisolated(unsafe) private static let ownerKey = UnsafeMutablePointer<cairo_user_data_key_t>.allocate(capacity: 1)
}

/// An owned `cairo_font_options_t`.
final class CairoFontOptions {
    let pointer: OpaquePointer

    /// Grey antialiasing, no hinting, unhinted metrics: glyph shapes and advances depend only
    /// on the font file and FreeType's rasteriser, never on the machine's font configuration.
    init() throws {
        guard let pointer = cairo_font_options_create() else {
            throw CairoError.cairo(call: "cairo_font_options_create", status: "returned no options")
        }
        cairo_font_options_set_antialias(pointer, CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_subpixel_order(pointer, CAIRO_SUBPIXEL_ORDER_DEFAULT)
        cairo_font_options_set_hint_style(pointer, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(pointer, CAIRO_HINT_METRICS_OFF)
        let status = cairo_font_options_status(pointer)
        if status != CAIRO_STATUS_SUCCESS {
            cairo_font_options_destroy(pointer)
            try CairoError.check(status, "cairo_font_options_create")
        }
        self.pointer = pointer
    }

    deinit { cairo_font_options_destroy(pointer) }
}

/// Where a line of text's baseline starts, and its extents, as both drawing and measuring use it.
struct TextPlacement {
    var extents: TextExtents
    /// Offset from the anchor to the start of the baseline, before rotation.
    var dx: Double
    var dy: Double
}

/// DejaVu Sans and DejaVu Sans Bold from the package's resources, with the fixed font options.
///
/// Immutable after `init`; Cairo font faces and scaled fonts are reference counted atomically
/// and locked internally, so one instance serves every thread.
final class DejaVuFonts: @unchecked Sendable {
    let regular: CairoFontFace
    let bold: CairoFontFace
    let options: CairoFontOptions
    /// Extents already measured: layout measures the same labels and growing lines many times,
    /// and each measurement asks Cairo for a scaled font and every glyph's metrics under its locks.
    let measured = SharedCache<ExtentsKey, TextExtents>(limit: 100_000)

    init() throws {
        regular = try CairoFontFace(FreeTypeFace(path: try Self.resourcePath("DejaVuSans")))
        bold = try CairoFontFace(FreeTypeFace(path: try Self.resourcePath("DejaVuSans-Bold")))
        options = try CairoFontOptions()
    }

    /// Loaded once per process: loading is cheap but Cairo caches glyphs per face.
    static let shared: Result<DejaVuFonts, CairoError> = {
        do { return .success(try DejaVuFonts()) } catch let error as CairoError {
            return .failure(error)
        } catch {
            return .failure(.missingFont("DejaVuSans.ttf (\(error))"))
        }
    }()

    /// The path of a shipped font file.
    ///
    /// Looks where SwiftPM puts this module's resources next to the executable, then in the
    /// source tree. `Bundle.module` is not used: it stops the process when its bundle is
    /// missing (a copied binary), where a clear error is wanted.
    static func resourcePath(_ name: String) throws -> String {
        var bundles: [URL] = []
        for base in [Bundle.main.bundleURL, Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()] {
            guard let base else { continue }
            bundles.append(base.appendingPathComponent("vanish_CairoBackend.resources"))  // Linux
            bundles.append(base.appendingPathComponent("vanish_CairoBackend.bundle"))  // macOS
        }
        for folder in bundles {
            if let url = Bundle(url: folder)?.url(forResource: name, withExtension: "ttf") { return url.path }
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources").appendingPathComponent("\(name).ttf")
        if FileManager.default.fileExists(atPath: source.path) { return source.path }
        throw CairoError.missingFont("\(name).ttf (looked in \(bundles.first?.path ?? "the executable's folder") and \(source.deletingLastPathComponent().path))")
    }

    func face(_ weight: FontWeight) -> CairoFontFace {
        switch weight {
        case .regular: return regular
        case .bold: return bold
        }
    }

    /// Extents and anchor offset of `text` in `style`, in user units (points).
    ///
    /// Metrics are unhinted, so they are the same at every device scale: the one scaled font
    /// made here with an identity device transform serves the measurer and every surface.
    func placement(_ text: String, style: TextStyle) throws -> TextPlacement {
        let size = style.size
        guard size.isFinite, size > 0, !text.isEmpty else {
            return TextPlacement(extents: TextExtents(width: 0, ascent: 0, descent: 0), dx: 0, dy: 0)
        }
        // A cached value is the very one Cairo returned, so measuring and drawing give the same numbers.
        let extents = try measured.value(ExtentsKey(text: text, size: size, weight: style.weight)) {
            var fontMatrix = cairo_matrix_t()
            cairo_matrix_init_scale(&fontMatrix, size, size)
            var identity = cairo_matrix_t()
            cairo_matrix_init_identity(&identity)
            guard let scaled = cairo_scaled_font_create(face(style.weight).pointer, &fontMatrix, &identity, options.pointer) else {
                throw CairoError.cairo(call: "cairo_scaled_font_create", status: "returned no font")
            }
            defer { cairo_scaled_font_destroy(scaled) }
            try CairoError.check(cairo_scaled_font_status(scaled), "cairo_scaled_font_create(size \(size))")
            var fontExtents = cairo_font_extents_t()
            cairo_scaled_font_extents(scaled, &fontExtents)
            var textExtents = cairo_text_extents_t()
            cairo_scaled_font_text_extents(scaled, text, &textExtents)
            try CairoError.check(cairo_scaled_font_status(scaled), "cairo_scaled_font_text_extents")
            return TextExtents(width: textExtents.x_advance, ascent: fontExtents.ascent, descent: fontExtents.descent)
        }
        let dx: Double
        switch style.anchor {
        case .start: dx = 0
        case .middle: dx = -extents.width / 2
        case .end: dx = -extents.width
        }
        let dy: Double
        switch style.baseline {
        case .alphabetic: dy = 0
        case .middle: dy = (extents.ascent - extents.descent) / 2
        case .top: dy = extents.ascent
        case .bottom: dy = -extents.descent
        }
        return TextPlacement(extents: extents, dx: dx, dy: dy)
    }
}

/// What a line of text's extents depend on: the text, the size and the weight (with the fixed fonts and options).
struct ExtentsKey: Hashable {
    var text: String
    var size: Double
    var weight: FontWeight
}
