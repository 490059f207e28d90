@testable import CairoBackend
import CCairo
import CPNG
import Foundation
import Graphics
import Testing

/// Faded groups on image surfaces are drawn by `FadedGroups` and composited by vanish's own loop;
/// every byte must be what Cairo's own groups (`cairo_push_group`, `cairo_paint_with_alpha`) give.
@Suite struct FadedGroupTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    /// A small deterministic generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func double(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + Double(next() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
        }
    }

    /// The surface's bytes as Cairo keeps them (premultiplied), row by row without padding.
    static func bytes(_ surface: CairoSurface) -> [UInt8] {
        cairo_surface_flush(surface.pointer)
        let width = Int(cairo_image_surface_get_width(surface.pointer)), height = Int(cairo_image_surface_get_height(surface.pointer))
        let stride = Int(cairo_image_surface_get_stride(surface.pointer))
        let data = cairo_image_surface_get_data(surface.pointer)!
        return (0..<height).flatMap { y in Array(UnsafeBufferPointer(start: data + y * stride, count: width * 4)) }
    }

    /// A premultiplied ARGB32 surface of random pixels, a fifth of them transparent, a fifth opaque.
    static func randomSurface(width: Int, height: Int, _ g: inout Generator) throws -> CairoSurface {
        let surface = try CairoSurface.image(width: width, height: height)
        let data = cairo_image_surface_get_data(surface.pointer)!, stride = Int(cairo_image_surface_get_stride(surface.pointer))
        for y in 0..<height {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let kind = g.int(0...4)
                let a = kind == 0 ? 0 : kind == 1 ? 255 : g.int(1...255)
                let r = g.int(0...a), gr = g.int(0...a), b = g.int(0...a)
                row[x] = UInt32(a) << 24 | UInt32(r) << 16 | UInt32(gr) << 8 | UInt32(b)
            }
        }
        cairo_surface_mark_dirty(surface.pointer)
        return surface
    }

    @Test func compositingIsPixmansForEveryMask() throws {
        var g = Generator(state: 7)
        let width = 37, height = 5  // rows of 8 pixels and a tail
        for mask in 1...254 {
            let source = try Self.randomSurface(width: width, height: height, &g)
            let below = try Self.randomSurface(width: width, height: height, &g)
            let start = Self.bytes(below)
            // Cairo: the source painted through a mask whose 16-bit alpha has `mask` as high byte.
            let cairo = try CairoSurface.image(width: width, height: height)
            let context = try CairoContext(surface: cairo, fonts: renderer.fonts)
            cairo_set_source_surface(context.pointer, below.pointer, 0, 0)
            cairo_paint(context.pointer)
            cairo_set_source_surface(context.pointer, source.pointer, 0, 0)
            cairo_paint_with_alpha(context.pointer, (Double(mask) * 256 + 128) / 65535)
            let expected = Self.bytes(cairo)
            #expect(expected != start, "mask \(mask): the paint should change something")
            let sourceBytes = Self.bytes(source)
            for simd in Set([0, vanish_png_simd()]) {
                var out = start
                out.withUnsafeMutableBufferPointer { dst in
                    sourceBytes.withUnsafeBufferPointer { src in
                        vanish_composite_over_alpha(dst.baseAddress, width * 4, src.baseAddress, width * 4,
                                                    Int32(width), Int32(height), UInt8(mask), simd)
                    }
                }
                #expect(out == expected, "mask \(mask), simd \(simd)")
            }
        }
    }

    /// A random faded group of fills, strokes, ellipse columns and inner groups.
    static func randomGroup(_ g: inout Generator, depth: Int = 0) -> SceneItem {
        func color() -> Color {
            Color(red: g.double(0...1), green: g.double(0...1), blue: g.double(0...1), alpha: g.int(0...2) == 0 ? 1 : g.double(0.05...1))
        }
        func point() -> Point { Point(g.double(-10...130), g.double(-10...90)) }
        var items: [SceneItem] = []
        for _ in 0..<g.int(1...5) {
            switch g.int(0...5) {
            case 0: items.append(.fill(.polygon((0..<g.int(3...6)).map { _ in point() }), color()))
            case 1:
                let c = point()
                items.append(.fill(.ellipse(in: Rect(x: c.x, y: c.y, width: g.double(1...40), height: g.double(1...40))), color()))
            case 2:
                let dash: [Double] = g.int(0...3) == 0 ? [3, 2] : []
                let style = StrokeStyle(color: color(), width: g.double(0.3...6), dash: dash, cap: [.butt, .round, .square][g.int(0...2)],
                                        join: [.miter, .round, .bevel][g.int(0...2)])
                items.append(.stroke(.polyline((0..<g.int(2...5)).map { _ in point() }), style))
            case 3:
                // A column of equal ellipses, which `EllipseStamps` blends into the layer.
                var column = Path(rasterTolerance: 0.25)
                let x = g.double(10...110), y = g.double(0...20)
                for j in 0..<6 {
                    column.elements += Path.ellipse(in: Rect(x: x, y: y + 11 * Double(j), width: 7, height: 9)).elements
                }
                items.append(.fill(column, color().withAlpha(1)))
            case 4 where depth < 2: items.append(randomGroup(&g, depth: depth + 1))
            default:
                let c = point()
                items.append(.fill(.rectangle(Rect(x: c.x, y: c.y, width: g.double(2...60), height: g.double(2...60))), color()))
            }
        }
        let opacities = [0.003, 0.05, 0.3, 0.5, 0.77, 0.996, g.double(0...1)]
        // Now and then a clip, which may fall between pixels (such groups are left to Cairo).
        let clip: Rect? = g.int(0...4) == 0 ? Rect(x: g.double(0...40), y: g.double(0...30), width: g.double(20...80), height: g.double(20...60)) : nil
        return .group(items, clip: clip, opacity: opacities[g.int(0...opacities.count - 1)])
    }

    /// The scene drawn as before faded groups had their own compositing: on a cleared surface,
    /// every faded group by Cairo.
    func cairoPixels(_ scene: Scene, dpi: Double) throws -> [UInt8] {
        let width = Int((scene.width * dpi / 72).rounded()), height = Int((scene.height * dpi / 72).rounded())
        let surface = try CairoSurface.image(width: width, height: height)
        let context = try CairoContext(surface: surface, fonts: renderer.fonts)
        cairo_scale(context.pointer, dpi / 72, dpi / 72)
        var replay = SceneReplay(context: context, fonts: renderer.fonts, target: .image, cairoGroups: true)
        try replay.draw(scene)
        return Self.bytes(surface)
    }

    @Test(arguments: [72.0, 144.0, 100.0, 57.3])
    func randomGroupsGiveCairosBytes(dpi: Double) throws {
        var g = Generator(state: UInt64(dpi * 10))
        for index in 0..<24 {
            let items = (0..<g.int(1...4)).map { _ in Self.randomGroup(&g) }
            let background: Color? = index % 3 == 2 ? nil : index % 3 == 1 ? Color(rgb8: 250, 248, 240) : .white
            let scene = Scene(width: 120, height: 80, background: background, items: items)
            let ours = Self.bytes(try renderer.rasterSurface(scene, dpi: dpi))
            #expect(ours == (try cairoPixels(scene, dpi: dpi)), "scene \(index) at \(dpi) dpi")
        }
    }

    @Test func onlyGroupsClippedToWholePixelsAreComposited() throws {
        let surface = try CairoSurface.image(width: 100, height: 80)
        let context = try CairoContext(surface: surface, fonts: renderer.fonts)
        let cr = context.pointer
        cairo_scale(cr, 2, 2)
        func draw(opacity: Double = 0.5) throws -> (drawn: Bool, layer: ImageTarget?) {
            var layer: ImageTarget?
            let drawn = try FadedGroups.draw(opacity: opacity, on: context, fonts: renderer.fonts) { inner in
                layer = ImageTarget(inner.pointer)
                cairo_rectangle(inner.pointer, 0, 0, 50, 40)
                cairo_fill(inner.pointer)
            }
            #expect(drawn == (layer != nil), "the members are drawn exactly when the group is")
            return (drawn, layer)
        }
        // No clip: a layer the size of the surface.
        var result = try draw()
        #expect(result.drawn && result.layer?.width == 100 && result.layer?.height == 80)
        // A clip of whole device pixels: a layer just that size, placed where it is.
        cairo_save(cr)
        cairo_rectangle(cr, 5, 5, 20, 10)  // (10, 10) to (50, 30) in pixels
        cairo_clip(cr)
        result = try draw()
        #expect(result.drawn && result.layer?.width == 40 && result.layer?.height == 20)
        #expect(result.layer?.offsetX == -10 && result.layer?.offsetY == -10)
        // Opacities Cairo paints without a mask, or not at all, are left to Cairo.
        #expect(try !draw(opacity: 0.999).drawn)
        #expect(try !draw(opacity: 0.001).drawn)
        cairo_restore(cr)
        // A clip between pixels antialiases: left to Cairo.
        cairo_rectangle(cr, 5.25, 5, 20, 10)
        cairo_clip(cr)
        #expect(try !draw().drawn)
    }
}
