import CCairo
import Graphics

extension CairoSurface {
    /// An ARGB32 surface holding `image`'s pixels, premultiplied as Cairo requires.
    static func premultiplied(_ image: RasterImage) throws -> CairoSurface {
        let surface = try CairoSurface.image(width: image.width, height: image.height)
        cairo_surface_flush(surface.pointer)
        guard let data = cairo_image_surface_get_data(surface.pointer) else {
            throw CairoError.cairo(call: "cairo_image_surface_get_data", status: "returned no pixels")
        }
        let stride = Int(cairo_image_surface_get_stride(surface.pointer))
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<image.height {
                let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                var i = y * image.width * 4
                for x in 0..<image.width {
                    let a = UInt32(src[i + 3])
                    // Cairo's ARGB32 is a native-endian 32-bit word with colour multiplied by alpha.
                    let r = (UInt32(src[i]) * a + 127) / 255
                    let g = (UInt32(src[i + 1]) * a + 127) / 255
                    let b = (UInt32(src[i + 2]) * a + 127) / 255
                    row[x] = a << 24 | r << 16 | g << 8 | b
                    i += 4
                }
            }
        }
        cairo_surface_mark_dirty(surface.pointer)
        try CairoError.check(surface.status, "cairo_surface_mark_dirty")
        return surface
    }

    /// The surface's pixels as straight-alpha RGBA (colour divided by alpha again).
    func rasterImage() throws -> RasterImage {
        cairo_surface_flush(pointer)
        try CairoError.check(status, "cairo_surface_flush")
        let width = Int(cairo_image_surface_get_width(pointer))
        let height = Int(cairo_image_surface_get_height(pointer))
        let stride = Int(cairo_image_surface_get_stride(pointer))
        guard let data = cairo_image_surface_get_data(pointer) else {
            throw CairoError.cairo(call: "cairo_image_surface_get_data", status: "returned no pixels")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        pixels.withUnsafeMutableBufferPointer { dst in
            guard let base = dst.baseAddress else { return }
            for y in 0..<height {
                let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                Self.straightAlpha(row, width: width, into: base + y * width * 4)
            }
        }
        return RasterImage(width: width, height: height, pixels: pixels)
    }

    /// One row of premultiplied ARGB words as straight-alpha RGBA bytes.
    ///
    /// Colour is divided by alpha and rounded; fully transparent pixels become 0, 0, 0, 0.
    static func straightAlpha(_ row: UnsafePointer<UInt32>, width: Int, into out: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            let word = row[x]
            let a = word >> 24
            var r = word >> 16 & 0xFF, g = word >> 8 & 0xFF, b = word & 0xFF
            if a != 0xFF && a != 0 {
                r = min(255, (r &* 255 &+ a / 2) / a)
                g = min(255, (g &* 255 &+ a / 2) / a)
                b = min(255, (b &* 255 &+ a / 2) / a)
            }
            let o = out + 4 * x
            o[0] = UInt8(truncatingIfNeeded: r)
            o[1] = UInt8(truncatingIfNeeded: g)
            o[2] = UInt8(truncatingIfNeeded: b)
            o[3] = UInt8(truncatingIfNeeded: a)
        }
    }
}
