import CCairo
import CPNG
import Foundation

/// Writes Cairo image surfaces as PNG files through libpng (`vanish_png_encode`: the Up filter and
/// zlib's run-length strategy at its fastest level, which suit figures of flat colour and sharp edges).
enum PNGWriter {
    /// PNG bytes for an ARGB32 surface: 8-bit RGB when every pixel is opaque, else 8-bit RGBA,
    /// with a pHYs chunk recording `dpi`. Colour is divided by alpha again (PNG is straight alpha).
    ///
    /// `opaque`: the caller knows every pixel is opaque (an opaque background was painted first),
    /// which saves looking at every pixel's alpha.
    static func encode(_ surface: CairoSurface, dpi: Double, opaque knownOpaque: Bool = false) throws -> Data {
        cairo_surface_flush(surface.pointer)
        try CairoError.check(surface.status, "cairo_surface_flush")
        guard cairo_image_surface_get_format(surface.pointer) == CAIRO_FORMAT_ARGB32,
            let data = cairo_image_surface_get_data(surface.pointer)
        else { throw CairoError.cairo(call: "PNG encoding", status: "surface is not an ARGB32 image") }
        let width = Int(cairo_image_surface_get_width(surface.pointer))
        let height = Int(cairo_image_surface_get_height(surface.pointer))
        let stride = Int(cairo_image_surface_get_stride(surface.pointer))
        func row(_ y: Int) -> UnsafePointer<UInt32> {
            UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
        }
        let opaque = knownOpaque || (0..<height).allSatisfy { y in
            let r = row(y)
            return (0..<width).allSatisfy { r[$0] >> 24 == 0xFF }
        }
        let perMetre = dpi.isFinite && dpi > 0 ? UInt32(min(Double(UInt32.max), (dpi / 0.0254).rounded())) : 0
        if opaque {
            // libpng reads Cairo's words as they are and drops their alpha byte.
            return try encode(UnsafePointer(data), stride: stride, width: width, height: height,
                              layout: Int32(VANISH_PNG_ROWS_CAIRO_OPAQUE), pixelsPerMetre: perMetre)
        }
        var straight = [UInt8](repeating: 0, count: width * height * 4)
        return try straight.withUnsafeMutableBufferPointer { pixels in
            guard let base = pixels.baseAddress else { throw CairoError.cairo(call: "PNG encoding", status: "no pixels") }
            for y in 0..<height { CairoSurface.straightAlpha(row(y), width: width, into: base + y * width * 4) }
            return try encode(base, stride: width * 4, width: width, height: height,
                              layout: Int32(VANISH_PNG_ROWS_RGBA), pixelsPerMetre: perMetre)
        }
    }

    /// libpng's file for rows laid out as `layout` (a `VANISH_PNG_ROWS_…`); `pixelsPerMetre` 0 writes no pHYs.
    static func encode(_ pixels: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int, layout: Int32,
                       pixelsPerMetre: UInt32) throws(PNGWriteError) -> Data {
        guard width > 0, height > 0 else {
            throw PNGWriteError(reason: "a PNG needs at least one pixel (image is \(width) x \(height))")
        }
        var result = vanish_png_encoded()
        vanish_png_encode(pixels, stride, UInt32(width), UInt32(height), layout, pixelsPerMetre, &result)
        guard result.status == VANISH_PNG_OK, let bytes = result.bytes else {
            let message = withUnsafeBytes(of: result.message) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw PNGWriteError(reason: message.isEmpty ? "libpng failed" : message)
        }
        return Data(bytesNoCopy: bytes, count: result.size, deallocator: .free)
    }
}
