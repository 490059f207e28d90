import CairoBackend
import CZlib
import Foundation
import Graphics
import Testing

/// PDF pages state fills of equal ellipses and of bands as strokes: the same shapes in far
/// fewer numbers.
@Suite struct PDFCompactShapesTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    /// Every Flate stream of `pdf`, inflated, one after another.
    static func inflatedStreams(_ pdf: Data) throws -> String {
        let bytes = [UInt8](pdf)
        let marker = Array("stream\n".utf8), end = Array("endstream".utf8)
        var text = "", i = 0
        while let start = find(marker, in: bytes, from: i), let stop = find(end, in: bytes, from: start.upperBound) {
            var stream = z_stream()
            guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { break }
            var input = Array(bytes[start.upperBound..<stop.lowerBound])
            var output = [UInt8](repeating: 0, count: 1 << 22)
            let status = input.withUnsafeMutableBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    stream.next_in = source.baseAddress
                    stream.avail_in = uInt(source.count)
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return inflate(&stream, Z_FINISH)
                }
            }
            if status == Z_STREAM_END { text += String(decoding: output[0..<Int(stream.total_out)], as: UTF8.self) + "\n" }
            inflateEnd(&stream)
            i = stop.upperBound
        }
        return text
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Range<Int>? {
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
            i += 1
        }
        return nil
    }

    static func count(_ op: String, in content: String) -> Int {
        content.split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { $0 == op }.count
    }

    static func ellipses(_ centers: [Point], rx: Double, ry: Double) -> Path {
        Path(centers.flatMap { c in Path.ellipse(in: Rect(x: c.x - rx, y: c.y - ry, width: 2 * rx, height: 2 * ry)).elements })
    }

    @Test func equalEllipsesAndCirclesAreStrokedNotCurved() throws {
        var scene = Scene(width: 200, height: 100)
        let centers = (0..<8).map { Point(20 + Double($0) * 20, 30) }
        scene.fill(Self.ellipses(centers, rx: 4, ry: 5), Color(red: 0.2, green: 0.4, blue: 0.6, alpha: 0.7))
        // Opaque: two sizes, one stroke each; circles need no scale.
        scene.fill(Path(Self.ellipses(centers.map { Point($0.x, 70) }, rx: 6, ry: 6).elements
                        + Self.ellipses([Point(190, 90)], rx: 2, ry: 2).elements), SampleScenes.red)
        let content = try Self.inflatedStreams(try renderer.pdf(pages: [scene]))
        #expect(Self.count("c", in: content) == 0)
        #expect(Self.count("S", in: content) == 3)
        #expect(Self.count("cm", in: content) == 2, "the page's flip and the ellipses' scale")
    }

    @Test func translucentEllipsesOfSeveralSizesAndOtherCurvesStayFills() throws {
        var scene = Scene(width: 200, height: 100)
        scene.fill(Path(Self.ellipses([Point(20, 20)], rx: 4, ry: 4).elements + Self.ellipses([Point(60, 20)], rx: 6, ry: 6).elements),
                   Color(red: 0, green: 0, blue: 1, alpha: 0.5))
        var bent = Self.ellipses([Point(100, 50)], rx: 8, ry: 8)
        bent.elements[1] = .curve(to: Point(100, 58), control1: Point(108, 53), control2: Point(103, 59))
        scene.fill(bent, SampleScenes.red)
        let content = try Self.inflatedStreams(try renderer.pdf(pages: [scene]))
        #expect(Self.count("c", in: content) == 12)
        #expect(Self.count("S", in: content) == 0)
    }

    @Test func bandsAreStrokedAlongTheirCentreLines() throws {
        var scene = Scene(width: 200, height: 100)
        var wires = Path()
        for k in 0..<5 { wires.elements += Path.band(from: Point(20, 10 + Double(k) * 15), to: Point(150, 30 + Double(k) * 10), width: 0.8).elements }
        scene.fill(wires, Color(red: 0, green: 0, blue: 0, alpha: 0.7))
        // One rectangle stays a rectangle; two rectangles wound opposite ways stay a fill.
        scene.fill(.rectangle(Rect(x: 10, y: 80, width: 30, height: 10)), SampleScenes.blue)
        var opposite = Path.rectangle(Rect(x: 60, y: 80, width: 30, height: 10))
        opposite.elements += Path.polygon([Point(100, 80), Point(100, 90), Point(130, 90), Point(130, 80)]).elements
        scene.fill(opposite, SampleScenes.blue)
        let content = try Self.inflatedStreams(try renderer.pdf(pages: [scene]))
        #expect(Self.count("S", in: content) == 1)
        #expect(Self.count("f", in: content) == 2, "the rectangle and the opposite rectangles")
        #expect(content.contains("0.8 w"))
    }
}
