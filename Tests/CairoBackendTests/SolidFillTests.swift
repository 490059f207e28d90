@testable import CairoBackend
import CCairo
import CPNG
import Foundation
import Graphics
import Testing

/// Solid fills of straight-edged paths on image surfaces are rasterised by vanish (`SolidFills`,
/// `vanish_fill_edges`): each pixel's coverage is its exact area inside the path, and the blend is
/// Cairo's. Edge pixels may differ from Cairo's 15-sub-row coverage by a few levels.
@Suite struct SolidFillTests {
    typealias Generator = FadedGroupTests.Generator
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    // MARK: - Coverage against exact areas

    /// The area of `polygon` (a simple polygon, either orientation) inside the pixel (x, y).
    static func exactArea(_ polygon: [Point], pixel x: Int, _ y: Int) -> Double {
        // Sutherland–Hodgman against the pixel's four sides, then the shoelace formula.
        var points = polygon
        let x0 = Double(x), x1 = Double(x + 1), y0 = Double(y), y1 = Double(y + 1)
        let sides: [(inside: (Point) -> Bool, cut: (Point, Point) -> Point)] = [
            ({ $0.x >= x0 }, { a, b in Point(x0, a.y + (b.y - a.y) * (x0 - a.x) / (b.x - a.x)) }),
            ({ $0.x <= x1 }, { a, b in Point(x1, a.y + (b.y - a.y) * (x1 - a.x) / (b.x - a.x)) }),
            ({ $0.y >= y0 }, { a, b in Point(a.x + (b.x - a.x) * (y0 - a.y) / (b.y - a.y), y0) }),
            ({ $0.y <= y1 }, { a, b in Point(a.x + (b.x - a.x) * (y1 - a.y) / (b.y - a.y), y1) }),
        ]
        for side in sides {
            guard !points.isEmpty else { return 0 }
            var out: [Point] = []
            for (i, b) in points.enumerated() {
                let a = points[(i + points.count - 1) % points.count]
                switch (side.inside(a), side.inside(b)) {
                case (true, true): out.append(b)
                case (true, false): out.append(side.cut(a, b))
                case (false, true): out += [side.cut(a, b), b]
                case (false, false): break
                }
            }
            points = out
        }
        var twice = 0.0
        for (i, a) in points.enumerated() {
            let b = points[(i + 1) % points.count]
            twice += a.x * b.y - b.x * a.y
        }
        return abs(twice) / 2
    }

    /// The polygons' edges in 1/256 pixel (points are taken on that grid).
    static func edges(_ polygons: [[Point]]) -> [vanish_fill_edge] {
        polygons.flatMap { polygon in
            polygon.indices.map { i in
                let a = polygon[i], b = polygon[(i + 1) % polygon.count]
                return vanish_fill_edge(x0: Int32((a.x * 256).rounded()), y0: Int32((a.y * 256).rounded()),
                                        x1: Int32((b.x * 256).rounded()), y1: Int32((b.y * 256).rounded()))
            }
        }
    }

    /// vanish's coverage of the box (0, 0, width, height) by `polygons`, row by row.
    static func coverage(_ polygons: [[Point]], width: Int, height: Int) -> [UInt8] {
        let edges = edges(polygons)
        let bytes = vanish_fill_scratch_bytes(Int32(width), Int32(height))
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
        scratch.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        defer { scratch.deallocate() }
        var out = [UInt8](repeating: 0, count: width * height)
        out.withUnsafeMutableBufferPointer { out in
            edges.withUnsafeBufferPointer { edges in
                vanish_fill_coverage(out.baseAddress, 0, 0, Int32(width), Int32(height), edges.baseAddress, edges.count, scratch, bytes)
            }
        }
        // The scratch is given back zeroed, ready for the next fill.
        #expect(UnsafeRawBufferPointer(start: scratch, count: bytes).allSatisfy { $0 == 0 })
        return out
    }

    /// A point rounded to the 1/256-pixel grid, as Cairo stores it.
    static func grid(_ x: Double, _ y: Double) -> Point { Point((x * 256).rounded() / 256, (y * 256).rounded() / 256) }

    /// Expects every pixel's coverage within 1.5/255 of its exact area in `polygon`: half a level
    /// for rounding to 8 bits, and up to one more for the edges' crossings of pixel sides, which
    /// are rounded to 1/256 pixel as the points are.
    static func expectExact(_ polygon: [Point], width: Int = 24, height: Int = 24, _ what: String) {
        let cov = coverage([polygon], width: width, height: height)
        var worst = 0.0
        for y in 0..<height {
            for x in 0..<width {
                worst = max(worst, abs(Double(cov[y * width + x]) / 255 - exactArea(polygon, pixel: x, y)))
            }
        }
        #expect(worst <= 1.5 / 255, "\(what): coverage off by \(worst * 255) / 255")
    }

    @Test func rectanglesCoverTheirExactArea() {
        Self.expectExact([Self.grid(2, 3), Self.grid(20, 3), Self.grid(20, 19), Self.grid(2, 19)], "whole pixels")
        Self.expectExact([Self.grid(2.3, 3.7), Self.grid(20.1, 3.7), Self.grid(20.1, 19.45), Self.grid(2.3, 19.45)], "between pixels")
        Self.expectExact([Self.grid(5.2, 5.3), Self.grid(5.7, 5.3), Self.grid(5.7, 5.9), Self.grid(5.2, 5.9)], "inside one pixel")
        Self.expectExact([Self.grid(5.2, 5.3), Self.grid(5.2, 5.9), Self.grid(5.7, 5.9), Self.grid(5.7, 5.3)], "turning the other way")
    }

    @Test func trianglesCoverTheirExactArea() {
        var g = Generator(state: 11)
        for k in 0..<40 {
            let triangle = (0..<3).map { _ in Self.grid(g.double(-3...27), g.double(-3...27)) }
            Self.expectExact(triangle, "triangle \(k) \(triangle)")
        }
        Self.expectExact([Self.grid(3.1, 3.2), Self.grid(3.9, 3.3), Self.grid(3.4, 3.8)], "a triangle inside one pixel")
    }

    @Test func halfPlaneEdgesCoverTheirExactArea() {
        // A large square whose one side passes through the box's centre at an angle.
        for step in 0..<72 {
            let angle = Double(step) * .pi / 36 + 0.013
            let dx = cos(angle), dy = sin(angle), nx = -dy, ny = dx
            let c = (x: 12.0, y: 12.0), far = 100.0
            let polygon = [Self.grid(c.x - dx * far, c.y - dy * far), Self.grid(c.x + dx * far, c.y + dy * far),
                           Self.grid(c.x + dx * far + nx * far, c.y + dy * far + ny * far),
                           Self.grid(c.x - dx * far + nx * far, c.y - dy * far + ny * far)]
            Self.expectExact(polygon, "edge at \(angle) rad")
        }
    }

    @Test func thinBandsCoverTheirExactArea() {
        var g = Generator(state: 5)
        for k in 0..<60 {
            let a = Point(g.double(1...23), g.double(1...23)), b = Point(g.double(1...23), g.double(1...23))
            let band = Path.band(from: a, to: b, width: g.double(0.3...2))
            let points = band.elements.compactMap { e -> Point? in
                if case .move(let p) = e { return Self.grid(p.x, p.y) }
                if case .line(let p) = e { return Self.grid(p.x, p.y) }
                return nil
            }
            guard points.count == 4 else { continue }
            Self.expectExact(points, "band \(k) from \(a) to \(b)")
        }
    }

    @Test func nonZeroWindingFillsOverlapsAndLeavesHoles() {
        // Two squares turning the same way overlap: the overlap is covered once.
        let a = [Self.grid(2, 2), Self.grid(14, 2), Self.grid(14, 14), Self.grid(2, 14)]
        let b = [Self.grid(8.5, 8.5), Self.grid(20.5, 8.5), Self.grid(20.5, 20.5), Self.grid(8.5, 20.5)]
        let both = Self.coverage([a, b], width: 24, height: 24)
        #expect(both[10 * 24 + 10] == 255 && both[4 * 24 + 4] == 255 && both[18 * 24 + 18] == 255)
        #expect(both[8 * 24 + 16] == 128, "an edge pixel of the union, half covered")
        // A square inside, turning the other way: a hole.
        let hole = [Self.grid(6.25, 6.25), Self.grid(6.25, 10), Self.grid(10, 10), Self.grid(10, 6.25)]
        let holed = Self.coverage([a, hole], width: 24, height: 24)
        #expect(holed[8 * 24 + 8] == 0 && holed[3 * 24 + 3] == 255)
        #expect(holed[6 * 24 + 8] == 64, "a quarter of the pixel lies outside the hole")
        // A polygon crossing itself (a bow tie): both loops are filled.
        let bow = [Self.grid(2, 2), Self.grid(20, 20), Self.grid(20, 2), Self.grid(2, 20)]
        let tie = Self.coverage([bow], width: 24, height: 24)
        #expect(tie[11 * 24 + 4] == 255 && tie[11 * 24 + 18] == 255 && tie[4 * 24 + 11] == 0)
    }

    // MARK: - Against Cairo

    /// `fill` of `path` in `color` on a surface of random pixels, with `draw` doing it.
    func draw(background seed: UInt64, scale: Double, _ draw: (OpaquePointer) throws -> Void) throws -> [UInt8] {
        var g = Generator(state: seed)
        let surface = try FadedGroupTests.randomSurface(width: 90, height: 70, &g)
        let context = try CairoContext(surface: surface, fonts: renderer.fonts)
        cairo_scale(context.pointer, scale, scale)
        try draw(context.pointer)
        try context.check("drawing")
        return FadedGroupTests.bytes(surface)
    }

    func cairoFill(_ path: Path, _ color: Color, on cr: OpaquePointer) {
        SceneReplay.addPath(path, to: cr)
        cairo_set_source_rgba(cr, color.red, color.green, color.blue, color.alpha)
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING)
        cairo_fill(cr)
    }

    /// A random path of straight edges: polygons (some crossing themselves) and bands.
    static func randomPath(_ g: inout Generator) -> Path {
        var path = Path()
        for _ in 0..<g.int(1...3) {
            if g.int(0...1) == 0 {
                let points = (0..<g.int(3...7)).map { _ in Point(g.double(-5...50), g.double(-5...40)) }
                path.elements += Path.polygon(points).elements
            } else {
                for _ in 0..<g.int(1...6) {
                    path.addBand(from: Point(g.double(0...45), g.double(0...35)), to: Point(g.double(0...45), g.double(0...35)),
                                 width: g.double(0.4...2))
                }
            }
        }
        return path
    }

    static func randomColor(_ g: inout Generator) -> Color {
        Color(red: g.double(0...1), green: g.double(0...1), blue: g.double(0...1), alpha: g.int(0...2) == 0 ? 1 : g.double(0.05...0.95))
    }

    /// Pixels whose 3 × 3 neighbourhood has coverage 0 or 255 throughout, under `path` at `scale`:
    /// no edge passes near them.
    static func awayFromEdges(_ path: Path, scale: Double, width: Int, height: Int) -> [Bool] {
        var polygons: [[Point]] = [], current: [Point] = []
        for e in path.elements {
            switch e {
            case .move(let p):
                if !current.isEmpty { polygons.append(current) }
                current = [grid(p.x * scale, p.y * scale)]
            case .line(let p): current.append(grid(p.x * scale, p.y * scale))
            case .close, .curve: break
            }
        }
        if !current.isEmpty { polygons.append(current) }
        let cov = coverage(polygons, width: width, height: height)
        return (0..<width * height).map { i in
            let x = i % width, y = i / width
            for yy in max(0, y - 1)...min(height - 1, y + 1) {
                for xx in max(0, x - 1)...min(width - 1, x + 1) where cov[yy * width + xx] != cov[y * width + x] || (cov[i] != 0 && cov[i] != 255) {
                    return false
                }
            }
            return true
        }
    }

    @Test(arguments: [1.0, 2.0, 1.37])
    func randomPathsAreCairosButAtEdges(scale: Double) throws {
        var g = Generator(state: UInt64(scale * 100))
        var edgePixels = 0, beyond = 0
        for index in 0..<40 {
            let path = Self.randomPath(&g), color = Self.randomColor(&g)
            let seed = g.next()
            var drawn = false
            let ours = try draw(background: seed, scale: scale) { cr in drawn = try SolidFills.fill(path, color: color, on: cr) }
            let cairo = try draw(background: seed, scale: scale) { cr in cairoFill(path, color, on: cr) }
            #expect(drawn, "path \(index) is drawn by SolidFills")
            let away = Self.awayFromEdges(path, scale: scale, width: 90, height: 70)
            for i in 0..<90 * 70 {
                let d = (0..<4).map { abs(Int(ours[4 * i + $0]) - Int(cairo[4 * i + $0])) }.max()!
                if away[i] {
                    #expect(d == 0, "path \(index), pixel \(i % 90), \(i / 90) away from edges differs by \(d)")
                } else {
                    edgePixels += 1
                    if d > Self.edgeBound { beyond += 1 }
                }
            }
        }
        // Beyond the bound: pixels where edges of overlapping parts cross (a crossing of two
        // polygons' sides, the ends of bands), whose overlap vanish counts twice there.
        #expect(beyond * 20 < edgePixels, "\(beyond) of \(edgePixels) edge pixels differ by more than \(Self.edgeBound)")
    }

    /// The largest per-channel difference from Cairo at a pixel crossed by edges that do not
    /// overlap: Cairo's 15 sub-rows put each edge up to 1/30 pixel off, 8.5 levels at full
    /// contrast, and a thin band puts two edges in one pixel.
    static let edgeBound = 18

    @Test func pathsWithoutOverlapsAreWithinAFewLevelsOfCairo() throws {
        // Convex polygons and single bands: no pixel holds two edges of overlapping parts.
        var g = Generator(state: 99)
        var worst = 0
        for index in 0..<60 {
            var path = Path()
            if index % 2 == 0 {
                let c = Point(g.double(10...35), g.double(10...25)), r = g.double(3...15), n = g.int(3...8)
                let turn = g.double(0...1)
                path = .polygon((0..<n).map { k in
                    let a = (Double(k) + turn) * 2 * .pi / Double(n)
                    return Point(c.x + r * cos(a), c.y + r * sin(a))
                })
            } else {
                path.addBand(from: Point(g.double(0...45), g.double(0...35)), to: Point(g.double(0...45), g.double(0...35)),
                             width: g.double(0.4...2))
            }
            let color = Self.randomColor(&g), seed = g.next()
            let ours = try draw(background: seed, scale: 2) { cr in _ = try SolidFills.fill(path, color: color, on: cr) }
            let cairo = try draw(background: seed, scale: 2) { cr in cairoFill(path, color, on: cr) }
            worst = max(worst, zip(ours, cairo).map { abs(Int($0) - Int($1)) }.max()!)
        }
        #expect(worst <= Self.edgeBound, "largest difference: \(worst)")
    }

    @Test func fadedGroupLayersMatchCairoAwayFromEdges() throws {
        // A plane and its wires in a faded group, drawn by SolidFills and by Cairo.
        let plane = Path.polygon([Point(10, 60), Point(10, 10), Point(30, 2), Point(30, 52)])
        var wires = Path()
        for j in 0..<4 {
            for t in max(0, j - 1)...min(3, j + 1) {
                wires.addBand(from: Point(20, 15 + 10 * Double(j)), to: Point(60, 15 + 10 * Double(t)), width: 0.8)
            }
        }
        let color = Color(rgb8: 0x21, 0x91, 0x8C)
        func group(ours: Bool) throws -> [UInt8] {
            try draw(background: 3, scale: 1.5) { cr in
                cairo_push_group(cr)
                for (path, c) in [(plane, color.withAlpha(0.45)), (wires, Color(red: 0.1, green: 0.3, blue: 0.3, alpha: 0.7))] {
                    let drawn = ours ? try SolidFills.fill(path, color: c, on: cr) : false
                    if !drawn { cairoFill(path, c, on: cr) }
                }
                cairo_pop_group_to_source(cr)
                cairo_paint_with_alpha(cr, 0.6)
            }
        }
        let ours = try group(ours: true), cairo = try group(ours: false)
        let diffs = zip(ours, cairo).map { abs(Int($0) - Int($1)) }
        // The wires cross and meet at their ends: up to about a tenth of a pixel counted twice.
        #expect(diffs.max()! <= 32, "largest difference: \(diffs.max()!)")
        #expect(diffs.filter { $0 != 0 }.count < ours.count / 8, "only edge pixels differ")
    }

    // MARK: - Same bytes everywhere

    @Test func plainAndSIMDBlendsGiveTheSameBytes() throws {
        var g = Generator(state: 31)
        for index in 0..<30 {
            let path = Self.randomPath(&g), color = Self.randomColor(&g)
            var polygons: [[Point]] = [], current: [Point] = []
            for e in path.elements {
                switch e {
                case .move(let p):
                    if !current.isEmpty { polygons.append(current) }
                    current = [Self.grid(p.x * 1.7, p.y * 1.7)]
                case .line(let p): current.append(Self.grid(p.x * 1.7, p.y * 1.7))
                case .close, .curve: break
                }
            }
            if !current.isEmpty { polygons.append(current) }
            let edges = Self.edges(polygons)
            let background = FadedGroupTests.bytes(try FadedGroupTests.randomSurface(width: 90, height: 70, &g))
            var results: [[UInt8]] = []
            for simd in [0, vanish_png_simd(), 0, vanish_png_simd()] {
                var pixels = background
                let bytes = vanish_fill_scratch_bytes(83, 61)
                let scratch = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
                scratch.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
                defer { scratch.deallocate() }
                pixels.withUnsafeMutableBufferPointer { pixels in
                    edges.withUnsafeBufferPointer { edges in
                        vanish_fill_edges(pixels.baseAddress, 90 * 4, 3, 5, 83, 61, edges.baseAddress, edges.count,
                                          SolidFills.premultipliedPixel(color), scratch, bytes, simd)
                    }
                }
                results.append(pixels)
            }
            #expect(Set(results).count == 1, "path \(index)")
            #expect(results[0] != background || color.alpha < 0.01, "path \(index) draws something")
        }
    }

    // MARK: - What is left to Cairo

    @Test func otherFillsAreLeftToCairo() throws {
        let surface = try CairoSurface.image(width: 60, height: 40)
        let context = try CairoContext(surface: surface, fonts: renderer.fonts)
        let cr = context.pointer
        cairo_scale(cr, 1.5, 1.5)
        let triangle = Path.polygon([Point(2, 2), Point(30, 5), Point(10, 20)])
        let red = Color(red: 1, green: 0, blue: 0, alpha: 0.5)
        #expect(try SolidFills.fill(triangle, color: red, on: cr))
        // Curves, and paths of horizontal and vertical edges only (Cairo's box filler).
        #expect(try !SolidFills.fill(.circle(center: Point(10, 10), radius: 5), color: red, on: cr))
        #expect(try !SolidFills.fill(.rectangle(Rect(x: 1.3, y: 2.6, width: 10, height: 7)), color: red, on: cr))
        // Another operator or antialiasing.
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE)
        #expect(try !SolidFills.fill(triangle, color: red, on: cr))
        cairo_set_operator(cr, CAIRO_OPERATOR_OVER)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        #expect(try !SolidFills.fill(triangle, color: red, on: cr))
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT)
        // Points too far away to be sure of.
        #expect(try !SolidFills.fill(.polygon([Point(2, 2), Point(3e6, 5), Point(10, 20)]), color: red, on: cr))
        // A clip between pixels; a clip of whole pixels is fine.
        cairo_save(cr)
        cairo_rectangle(cr, 2, 2, 20, 10)  // (3, 3) to (33, 18) in pixels
        cairo_clip(cr)
        #expect(try SolidFills.fill(triangle, color: red, on: cr))
        cairo_restore(cr)
        cairo_save(cr)
        cairo_rectangle(cr, 2.1, 2, 20, 10)
        cairo_clip(cr)
        #expect(try !SolidFills.fill(triangle, color: red, on: cr))
        cairo_restore(cr)
        // A surface that is not an image.
        let recording = try CairoSurface(owning: cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nil), call: "recording")
        let other = try CairoContext(surface: recording, fonts: renderer.fonts)
        #expect(try !SolidFills.fill(triangle, color: red, on: other.pointer))
    }

    @Test func cairoDrawsOverWhatSolidFillsDrew() throws {
        // On a clear surface Cairo would draw its first shape as SOURCE; after SolidFills has
        // drawn, it must blend over those pixels.
        let surface = try CairoSurface.image(width: 40, height: 40)
        let context = try CairoContext(surface: surface, fonts: renderer.fonts)
        let cr = context.pointer
        cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR)
        cairo_paint(cr)
        cairo_set_operator(cr, CAIRO_OPERATOR_OVER)
        #expect(try SolidFills.fill(.polygon([Point(0, 0), Point(40, 0), Point(0, 40)]), color: Color(red: 1, green: 0, blue: 0), on: cr))
        cairoFill(.polygon([Point(2, 2), Point(30, 3), Point(3, 30)]), Color(red: 0, green: 0, blue: 1, alpha: 0.5), on: cr)
        let pixel = FadedGroupTests.bytes(surface)[(5 * 40 + 5) * 4..<(5 * 40 + 5) * 4 + 4]
        // Blue at half over red: B 128, G 0, R 127, A 255 (bytes in memory order).
        #expect(Array(pixel) == [128, 0, 127, 255])
    }
}
