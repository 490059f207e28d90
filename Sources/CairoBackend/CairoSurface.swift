import CCairo
import Foundation

/// An owned `cairo_surface_t`, destroyed when the last reference goes.
final class CairoSurface {
    let pointer: OpaquePointer
    /// Where a stream surface (PDF, SVG) writes. Held here because Cairo may still write while
    /// the surface is destroyed (it finishes an unfinished file), which happens in `deinit`.
    let sink: ByteSink?

    /// Takes ownership of `pointer` (one reference) and throws if the surface is in an error state.
    ///
    /// `sink` must be the closure the surface was created with, if it writes to a stream.
    init(owning pointer: OpaquePointer?, call: String, sink: ByteSink? = nil) throws {
        guard let pointer else { throw CairoError.cairo(call: call, status: "returned no surface") }
        let status = cairo_surface_status(pointer)
        if status != CAIRO_STATUS_SUCCESS {
            cairo_surface_destroy(pointer)
            try CairoError.check(status, call)
        }
        self.pointer = pointer
        self.sink = sink
    }

    deinit { cairo_surface_destroy(pointer) }

    /// An ARGB32 image surface of `width` × `height` pixels, cleared to transparent.
    static func image(width: Int, height: Int) throws -> CairoSurface {
        guard width > 0, height > 0, width <= maxImageSide, height <= maxImageSide else {
            throw CairoError.invalidSize(
                "image of \(width) × \(height) pixels cannot be made; each side must be 1 to \(maxImageSide) pixels")
        }
        return try CairoSurface(
            owning: cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)),
            call: "cairo_image_surface_create(\(width) × \(height))")
    }

    /// Cairo's largest image side (pixman's coordinate limit).
    static let maxImageSide = 32767

    var status: cairo_status_t { cairo_surface_status(pointer) }

    /// Flushes drawing and completes the file of a stream surface (PDF, SVG); checks the result.
    func finish() throws {
        cairo_surface_finish(pointer)
        try CairoError.check(status, "cairo_surface_finish")
    }
}

/// An owned `cairo_t` drawing on a surface, with the package's fixed font options.
final class CairoContext {
    let pointer: OpaquePointer
    /// Kept so the surface outlives every drawing call made through this context.
    let surface: CairoSurface

    init(surface: CairoSurface, fonts: DejaVuFonts) throws {
        guard let pointer = cairo_create(surface.pointer) else {
            throw CairoError.cairo(call: "cairo_create", status: "returned no context")
        }
        let status = cairo_status(pointer)
        if status != CAIRO_STATUS_SUCCESS {
            cairo_destroy(pointer)
            try CairoError.check(status, "cairo_create")
        }
        self.pointer = pointer
        self.surface = surface
        // Same options on every context, whatever the surface's defaults, so text does not vary.
        cairo_set_font_options(pointer, fonts.options.pointer)
        try check("cairo_set_font_options")
    }

    deinit { cairo_destroy(pointer) }

    /// Throws if the context has entered an error state, naming what was being done.
    func check(_ call: @autoclosure () -> String) throws {
        try CairoError.check(cairo_status(pointer), call())
    }
}

/// Collects the bytes a Cairo stream surface writes (PNG, PDF, SVG).
final class ByteSink {
    var data = Data()

    /// The C callback Cairo calls with each chunk; `closure` is an unretained `ByteSink`.
    static let write: cairo_write_func_t = { closure, bytes, length in
        guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        if let bytes, length > 0 { sink.data.append(bytes, count: Int(length)) }
        return CAIRO_STATUS_SUCCESS
    }

    /// The opaque pointer to hand to Cairo; valid while `self` is alive (the surface keeps it so).
    var closure: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
