import CCairo
import Graphics

/// Draws a scene's display list onto a Cairo context, item by item, in scene units (points).
///
/// The backend's whole drawing vocabulary: fill and stroke a path, draw an image, draw text,
/// group with clip and opacity. Everything shape-specific is built in the scene.
struct SceneReplay {
    let context: CairoContext
    let fonts: DejaVuFonts
    /// The kind of surface drawn on, which decides the four choices below.
    enum Target { case image, pdf, svg }
    let target: Target

    /// Whether image patterns extend their edge pixels (`CAIRO_EXTEND_PAD`).
    ///
    /// On raster surfaces this keeps filtered edges from fading into transparency; the SVG
    /// surface cannot express padding and would fall back to a bitmap, so vector output clips instead.
    var padImages: Bool { target != .svg }
    /// Whether a faded group's layer is limited to the pixels its members can touch.
    ///
    /// Cairo makes a group's layer as large as the clip (the whole image unless clipped), so a
    /// figure of many faded groups clears and composites the whole image once per group. On an
    /// image surface a pixel-aligned clip around the members changes no pixel; PDF and SVG keep
    /// their groups as they are, so their bytes do not change.
    var boundGroups: Bool { target == .image }
    /// Whether fills follow their paths' `rasterTolerance` (image surfaces only; PDF and SVG
    /// keep their curves and their bytes).
    var useRasterTolerance: Bool { target == .image }
    /// Whether fills of equal ellipses are drawn as round-capped strokes (`CompactShapes`):
    /// far fewer numbers in a PDF, the same shapes.
    var compactShapes: Bool { target == .pdf }

    /// How each image drawn so far was to be resampled, in drawing order.
    private(set) var drawnImages: [ImageInterpolation] = []

    init(context: CairoContext, fonts: DejaVuFonts, target: Target) {
        self.context = context
        self.fonts = fonts
        self.target = target
    }

    private var cr: OpaquePointer { context.pointer }

    /// Cairo's default flattening tolerance, in device pixels.
    static let defaultTolerance = 0.1

    /// Paints the background and every item; throws at the first item Cairo rejects.
    mutating func draw(_ scene: Scene) throws {
        if let background = scene.background {
            setSource(background)
            cairo_paint(cr)
            try context.check("painting the background")
        }
        try draw(scene.items, path: "")
    }

    private mutating func draw(_ items: [SceneItem], path: String) throws {
        for (index, item) in items.enumerated() { try draw(item, path: "\(path)\(index)") }
    }

    private mutating func draw(_ item: SceneItem, path itemPath: @autoclosure () -> String) throws {
        switch item {
        case .fill(let path, let color):
            if compactShapes, fillCompactly(path, color: color) {
                try context.check("fill (scene item \(itemPath()))")
                return
            }
            addPath(path)
            setSource(color)
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING)
            if useRasterTolerance, let tolerance = path.rasterTolerance {
                // Cairo flattens curves when it fills, with the tolerance set at that moment.
                cairo_set_tolerance(cr, tolerance)
                cairo_fill(cr)
                cairo_set_tolerance(cr, Self.defaultTolerance)
            } else {
                cairo_fill(cr)
            }
            try context.check("fill (scene item \(itemPath()))")
        case .stroke(let path, let style):
            addPath(path)
            setSource(style.color)
            try setStroke(style, item: itemPath())
            let fast = target == .image && style.rasterAntialias == .fast
            if fast { cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST) }
            cairo_stroke(cr)
            if fast { cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT) }
            try context.check("stroke (scene item \(itemPath()))")
        case .image(let image, let rect, let interpolation):
            try drawImage(image, in: rect, interpolation: interpolation, item: itemPath())
        case .text(let string, let at, let style, let rotation):
            try drawText(string, at: at, style: style, rotation: rotation, item: itemPath())
        case .group(let items, let clip, let opacity):
            try drawGroup(items, clip: clip, opacity: opacity, item: itemPath())
        }
    }

    private func setSource(_ c: Color) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    private func addPath(_ path: Path) {
        Self.addPath(path, to: cr)
    }

    /// Replaces `cr`'s current path with `path`.
    static func addPath(_ path: Path, to cr: OpaquePointer) {
        cairo_new_path(cr)
        for element in path.elements {
            switch element {
            case .move(let p): cairo_move_to(cr, p.x, p.y)
            case .line(let p): cairo_line_to(cr, p.x, p.y)
            case .curve(let p, let c1, let c2): cairo_curve_to(cr, c1.x, c1.y, c2.x, c2.y, p.x, p.y)
            case .close: cairo_close_path(cr)
            }
        }
    }

    private func setStroke(_ style: StrokeStyle, item: String) throws {
        cairo_set_line_width(cr, style.width)
        switch style.cap {
        case .butt: cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        case .round: cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        case .square: cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE)
        }
        switch style.join {
        case .miter: cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER)
        case .round: cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        case .bevel: cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL)
        }
        style.dash.withUnsafeBufferPointer { dash in
            cairo_set_dash(cr, dash.baseAddress, Int32(dash.count), 0)
        }
        try context.check("setting dash \(style.dash) (scene item \(item))")
    }

    private mutating func drawImage(_ image: RasterImage, in rect: Rect, interpolation: ImageInterpolation, item: String) throws {
        guard image.width > 0, image.height > 0, rect.width != 0, rect.height != 0 else { return }
        let surface = try CairoSurface.premultiplied(image)
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(image.width), rect.height / Double(image.height))
        cairo_set_source_surface(cr, surface.pointer, 0, 0)
        let pattern = cairo_get_source(cr)
        switch interpolation {
        case .nearest: cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST)
        case .smooth: cairo_pattern_set_filter(pattern, CAIRO_FILTER_GOOD)
        }
        cairo_pattern_set_extend(pattern, padImages ? CAIRO_EXTEND_PAD : CAIRO_EXTEND_NONE)
        cairo_new_path(cr)
        cairo_rectangle(cr, 0, 0, Double(image.width), Double(image.height))
        cairo_fill(cr)
        try context.check("image \(image.width) × \(image.height) (scene item \(item))")
        drawnImages.append(interpolation)
    }

    private func drawText(_ string: String, at: Point, style: TextStyle, rotation: Double, item: String) throws {
        let placement = try fonts.placement(string, style: style)
        guard placement.extents.width > 0 else { return }
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_set_font_face(cr, fonts.face(style.weight).pointer)
        cairo_set_font_size(cr, style.size)
        cairo_translate(cr, at.x, at.y)
        // y points down, so a positive angle turns the text clockwise on the page.
        if rotation != 0 { cairo_rotate(cr, rotation) }
        cairo_move_to(cr, placement.dx, placement.dy)
        setSource(style.color)
        cairo_show_text(cr, string)
        try context.check("text \"\(string)\" (scene item \(item))")
    }

    private mutating func drawGroup(_ items: [SceneItem], clip: Rect?, opacity: Double, item: String) throws {
        guard opacity > 0 else { return }
        cairo_save(cr)
        defer { cairo_restore(cr) }
        if let clip {
            cairo_new_path(cr)
            cairo_rectangle(cr, clip.x, clip.y, clip.width, clip.height)
            cairo_clip(cr)
        }
        if opacity < 1 {
            if boundGroups, let bounds = Self.bounds(of: items) { clipToDevicePixels(around: bounds) }
            // Composite the group as one layer, so overlapping members do not show through each other.
            cairo_push_group(cr)
            try draw(items, path: "\(item).")
            cairo_pop_group_to_source(cr)
            cairo_paint_with_alpha(cr, opacity)
        } else {
            try draw(items, path: "\(item).")
        }
        try context.check("group (scene item \(item))")
    }

    /// Clips to the whole device pixels that cover `rect` (user space), plus one pixel all round.
    ///
    /// The clip's edges fall on pixel boundaries, so it antialiases nothing.
    private func clipToDevicePixels(around rect: Rect) {
        var xs: [Double] = [], ys: [Double] = []
        for (ux, uy) in [(rect.minX, rect.minY), (rect.maxX, rect.minY), (rect.minX, rect.maxY), (rect.maxX, rect.maxY)] {
            var x = ux, y = uy
            cairo_user_to_device(cr, &x, &y)
            xs.append(x)
            ys.append(y)
        }
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max(),
              [x0, x1, y0, y1].allSatisfy({ $0.isFinite && abs($0) < 1e6 })
        else { return }
        let left = x0.rounded(.down) - 1, top = y0.rounded(.down) - 1
        var matrix = cairo_matrix_t()
        cairo_get_matrix(cr, &matrix)
        cairo_identity_matrix(cr)
        cairo_new_path(cr)
        cairo_rectangle(cr, left, top, x1.rounded(.up) + 1 - left, y1.rounded(.up) + 1 - top)
        cairo_set_matrix(cr, &matrix)
        cairo_clip(cr)
    }

    /// How far beyond its path's points a stroke can paint: half its width for round and bevel
    /// joins (a square cap reaches √2 times that), half its width times Cairo's default miter
    /// limit (10) for miter joins.
    static func reach(of style: StrokeStyle) -> Double {
        let half = abs(style.width) / 2
        switch style.join {
        case .miter: return half * 10
        case .round, .bevel: return style.cap == .square ? half * 2.squareRoot() : half
        }
    }

    /// A box (user space) that holds every pixel `items` can paint, or nil when that is not known
    /// cheaply (text, whose glyphs would have to be measured).
    ///
    /// Paths are bounded by their points (a Bézier curve lies within its control points);
    /// strokes add their `reach`.
    static func bounds(of items: [SceneItem]) -> Rect? {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        func add(_ p: Point, _ margin: Double) {
            minX = min(minX, p.x - margin)
            maxX = max(maxX, p.x + margin)
            minY = min(minY, p.y - margin)
            maxY = max(maxY, p.y + margin)
        }
        func add(_ path: Path, _ margin: Double) {
            for element in path.elements {
                switch element {
                case .move(let p), .line(let p): add(p, margin)
                case .curve(let p, let c1, let c2):
                    add(p, margin)
                    add(c1, margin)
                    add(c2, margin)
                case .close: break
                }
            }
        }
        for item in items {
            switch item {
            case .fill(let path, _): add(path, 0)
            case .stroke(let path, let style): add(path, Self.reach(of: style))
            case .image(_, let rect, _):
                add(Point(rect.minX, rect.minY), 0)
                add(Point(rect.maxX, rect.maxY), 0)
            case .text: return nil
            case .group(let inner, let clip, _):
                if let clip {
                    add(Point(clip.minX, clip.minY), 0)
                    add(Point(clip.maxX, clip.maxY), 0)
                } else {
                    guard let box = bounds(of: inner) else { return nil }
                    add(Point(box.minX, box.minY), 0)
                    add(Point(box.maxX, box.maxY), 0)
                }
            }
        }
        guard minX <= maxX, minY <= maxY else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        return Rect(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }
}
