import CCairo

/// The ARGB32 image surface a context draws on — the page, or the layer of a group being
/// drawn — for code that writes its pixels directly (`EllipseStamps`, `FadedGroups`).
///
/// Only surfaces whose device transform is a whole-pixel offset: a point (x, y) of device space
/// (user space under the identity matrix) is the pixel (x + `offsetX`, y + `offsetY`).
struct ImageTarget {
    let surface: OpaquePointer
    let width, height, offsetX, offsetY: Int

    /// `cr`'s current target, if it is such a surface.
    init?(_ cr: OpaquePointer) {
        guard let target = cairo_get_group_target(cr), cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE,
              cairo_image_surface_get_format(target) == CAIRO_FORMAT_ARGB32
        else { return nil }
        var scaleX = 0.0, scaleY = 0.0, offsetX = 0.0, offsetY = 0.0
        cairo_surface_get_device_scale(target, &scaleX, &scaleY)
        cairo_surface_get_device_offset(target, &offsetX, &offsetY)
        guard scaleX == 1, scaleY == 1, offsetX == offsetX.rounded(), offsetY == offsetY.rounded(),
              abs(offsetX) < 1e6, abs(offsetY) < 1e6
        else { return nil }
        surface = target
        width = Int(cairo_image_surface_get_width(target))
        height = Int(cairo_image_surface_get_height(target))
        self.offsetX = Int(offsetX)
        self.offsetY = Int(offsetY)
    }

    /// `cr`'s clip within the surface as rectangles of whole pixels in device space, or nil when
    /// Cairo cannot list it so (a clip that antialiases: a path, or a rectangle off the pixel grid).
    static func clipRectangles(_ cr: OpaquePointer) -> [cairo_rectangle_t]? {
        cairo_save(cr)
        cairo_identity_matrix(cr)
        let list = cairo_copy_clip_rectangle_list(cr)
        cairo_restore(cr)
        guard let list else { return nil }
        defer { cairo_rectangle_list_destroy(list) }
        guard list.pointee.status == CAIRO_STATUS_SUCCESS else { return nil }
        return (0..<Int(list.pointee.num_rectangles)).map { list.pointee.rectangles[$0] }
    }

    /// The surface's pixels and bytes per row, after Cairo has finished drawing on it.
    func pixels() -> (data: UnsafeMutablePointer<UInt8>, stride: Int)? {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return nil }
        return (data, Int(cairo_image_surface_get_stride(surface)))
    }
}
