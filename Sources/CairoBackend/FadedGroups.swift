import CCairo
import CPNG
import Foundation

/// Groups drawn at an opacity below 1 on image surfaces (the layers of fading diagrams and film
/// strips), with the pixels Cairo gives them but a fraction of Cairo's cost.
///
/// Cairo draws such a group with `cairo_push_group`, which allocates a new zeroed layer the size
/// of the clip, and `cairo_paint_with_alpha`, which composites every pixel of it. Here the layer
/// is drawn in memory kept from group to group, and composited by `vanish_composite_over_alpha`,
/// which skips the layer's empty pixels. The layer is what `cairo_push_group` makes (Cairo 1.16,
/// `_cairo_default_context_push_group`): an ARGB32 image the size of the clip's extents, offset
/// so that it sits where the clip is, drawn with the same matrix, tolerance and antialiasing, and
/// known to Cairo as clear (Cairo draws the first shape on a clear surface as SOURCE).
/// Only groups whose clip is whole pixels: inside the layer such a clip clips nothing, so the
/// layer's own context needs none.
enum FadedGroups {
    /// Draws a group at `opacity` onto `context`'s target: `members` draws the group's items on the
    /// context of the layer it is given. Returns false, having drawn nothing, when the group is not
    /// one described above; Cairo must then draw it.
    static func draw(opacity: Double, on context: CairoContext, fonts: DejaVuFonts,
                     members: (CairoContext) throws -> Void) throws -> Bool {
        let cr = context.pointer
        // cairo_paint_with_alpha paints without a mask from 0xff00 / 0xffff up, and nothing up to
        // 0x00ff / 0xffff; in between, its mask holds the high byte of the 16-bit alpha.
        guard opacity > 255.0 / 65535, opacity < 65280.0 / 65535, cairo_get_operator(cr) == CAIRO_OPERATOR_OVER,
              let target = ImageTarget(cr), let clips = ImageTarget.clipRectangles(cr), clips.count == 1,
              let matrix = invertibleMatrix(cr)
        else { return false }
        let mask = UInt8(UInt16(opacity * 65535 + 0.5) >> 8)
        let box = clips[0]
        let left = Int(box.x), top = Int(box.y), width = Int(box.width), height = Int(box.height)
        guard width > 0, height > 0, left + target.offsetX >= 0, top + target.offsetY >= 0,
              left + target.offsetX + width <= target.width, top + target.offsetY + height <= target.height
        else { return false }

        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, Int32(width)))
        let memory = PixelMemory.shared.take(stride * height)
        defer { PixelMemory.shared.give(memory) }
        try drawLayer(in: memory.pointer, width: width, height: height, stride: stride, at: (left, top),
                      matrix: matrix, like: cr, fonts: fonts, members: members)

        guard let (data, targetStride) = target.pixels() else { return false }
        let origin = data + (top + target.offsetY) * targetStride + (left + target.offsetX) * 4
        vanish_composite_over_alpha(origin, targetStride, memory.pointer.assumingMemoryBound(to: UInt8.self), stride,
                                    Int32(width), Int32(height), mask, simd)
        cairo_surface_mark_dirty_rectangle(target.surface, Int32(left), Int32(top), Int32(width), Int32(height))
        return true
    }

    static let simd = vanish_png_simd()

    /// Draws the members on a layer over `memory` whose pixel (0, 0) is device point (`at`); the
    /// layer's surface is finished (it no longer refers to `memory`) when this returns.
    private static func drawLayer(in memory: UnsafeMutableRawPointer, width: Int, height: Int, stride: Int,
                                  at origin: (x: Int, y: Int), matrix: cairo_matrix_t, like cr: OpaquePointer,
                                  fonts: DejaVuFonts, members: (CairoContext) throws -> Void) throws {
        let layer = try CairoSurface(
            owning: cairo_image_surface_create_for_data(memory.assumingMemoryBound(to: UInt8.self), CAIRO_FORMAT_ARGB32,
                                                        Int32(width), Int32(height), Int32(stride)),
            call: "cairo_image_surface_create_for_data(\(width) × \(height) layer)")
        defer { cairo_surface_finish(layer.pointer) }
        cairo_surface_set_device_offset(layer.pointer, Double(-origin.x), Double(-origin.y))
        let context = try CairoContext(surface: layer, fonts: fonts)
        let lcr = context.pointer
        // Clearing with CLEAR also tells Cairo that the layer is clear, as a new one would be.
        cairo_set_operator(lcr, CAIRO_OPERATOR_CLEAR)
        cairo_paint(lcr)
        cairo_set_operator(lcr, CAIRO_OPERATOR_OVER)
        var matrix = matrix
        cairo_set_matrix(lcr, &matrix)
        cairo_set_tolerance(lcr, cairo_get_tolerance(cr))
        cairo_set_antialias(lcr, cairo_get_antialias(cr))
        try context.check("clearing a group's layer")
        try members(context)
        cairo_surface_flush(layer.pointer)
        try CairoError.check(layer.status, "drawing a group's layer")
    }

    /// `cr`'s matrix, if the inverse Cairo keeps of it is the one `cairo_set_matrix` computes
    /// (after `cairo_scale` and the like it can differ in the last bits, and strokes use it).
    private static func invertibleMatrix(_ cr: OpaquePointer) -> cairo_matrix_t? {
        var matrix = cairo_matrix_t(), inverse = cairo_matrix_t()
        cairo_get_matrix(cr, &matrix)
        inverse = matrix
        guard cairo_matrix_invert(&inverse) == CAIRO_STATUS_SUCCESS else { return nil }
        // Cairo's device_to_user applies its kept inverse, and nothing else.
        var xx = 1.0, yx = 0.0, xy = 0.0, yy = 1.0
        cairo_device_to_user_distance(cr, &xx, &yx)
        cairo_device_to_user_distance(cr, &xy, &yy)
        var x0 = 0.0, y0 = 0.0
        cairo_device_to_user(cr, &x0, &y0)
        guard xx == inverse.xx, yx == inverse.yx, xy == inverse.xy, yy == inverse.yy, x0 == inverse.x0, y0 == inverse.y0
        else { return nil }
        return matrix
    }
}
