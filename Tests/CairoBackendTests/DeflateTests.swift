@testable import CairoBackend
import Foundation
import Graphics
import Testing

/// The PNG writer's C hot loops give, with AVX2 and without, exactly the bytes of the plain
/// reference coding (`DeflateReference`), on inputs chosen to reach every edge of the vector code.
@Suite struct DeflateTests {
    /// The paths this machine can run: plain C always, AVX2 where the CPU has it.
    static let paths = [false] + (RunLengthDeflate.simd ? [true] : [])

    /// Pseudo-random bytes.
    struct Noise {
        var state: UInt64
        mutating func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        mutating func below(_ n: Int) -> Int { (Int(next()) << 8 | Int(next())) % n }
    }

    /// Stretches of everything the scan tells apart: zeros, one byte repeated, a repeated pixel of
    /// 3 or 4 bytes, pairs and triples of equal bytes, noise; each of a length from 1 to 700.
    static func mixed(count: Int, seed: UInt64) -> [UInt8] {
        var noise = Noise(state: seed)
        var out: [UInt8] = []
        while out.count < count {
            let length = 1 + noise.below(700)
            switch noise.next() % 6 {
            case 0: out += Array(repeating: 0, count: length)
            case 1: out += Array(repeating: noise.next(), count: length)
            case 2:
                let pixel = (0..<(3 + Int(noise.next() % 2))).map { _ in noise.next() }
                for k in 0..<length { out.append(pixel[k % pixel.count]) }
            case 3: for _ in 0..<length { let b = noise.next(); out += Array(repeating: b, count: 2 + Int(b % 2)) }
            default: for _ in 0..<length { out.append(noise.next()) }
            }
        }
        return Array(out.prefix(count))
    }

    func expectSame(_ input: [UInt8], pixelBytes: Int, _ comment: Comment) {
        let expected = DeflateReference.zlib(input, pixelBytes: pixelBytes)
        for simd in Self.paths {
            let bytes = input.withUnsafeBufferPointer { RunLengthDeflate.zlib($0, pixelBytes: pixelBytes, simd: simd) }
            #expect(bytes == expected, "\(comment), pixelBytes \(pixelBytes), simd \(simd)")
        }
    }

    @Test func shortInputsCodeAsTheReference() {
        expectSame([], pixelBytes: 3, "empty")
        var noise = Noise(state: 7)
        for count in 1...80 {
            for pixelBytes in [1, 3, 4] {
                expectSame(Self.mixed(count: count, seed: UInt64(count)), pixelBytes: pixelBytes, "mixed \(count)")
                expectSame(Array(repeating: 0, count: count), pixelBytes: pixelBytes, "zeros \(count)")
                expectSame((0..<count).map { _ in noise.next() }, pixelBytes: pixelBytes, "noise \(count)")
            }
        }
    }

    @Test func longRunsNoiseAndManyBlocksCodeAsTheReference() {
        expectSame(Array(repeating: 0, count: 100_000), pixelBytes: 3, "zeros")
        expectSame(Array(repeating: 0x55, count: 1_000) + [1] + Array(repeating: 0x55, count: 258 * 3), pixelBytes: 4, "runs of 258")
        for (seed, pixelBytes) in [(1, 3), (2, 4), (3, 1)] {
            expectSame(Self.mixed(count: 300_000, seed: UInt64(seed)), pixelBytes: pixelBytes, "mixed, several blocks")
        }
        var noise = Noise(state: 11)
        expectSame((0..<100_000).map { _ in noise.next() }, pixelBytes: 3, "noise, several blocks")
        // No byte repeats the one 1 or 3 before: exactly one block of literals, then an empty last block.
        expectSame((0..<RunLengthDeflate.blockTokens).map { UInt8(truncatingIfNeeded: $0 * 37) }, pixelBytes: 3, "one full block")
    }

    @Test func linesCodedInAWindowCodeAsTheWholeInput() {
        // Lines shorter and longer than the window; the window slides every few lines.
        for (lineBytes, lines) in [(1, 5000), (7, 3000), (301, 700), (5_641, 40), (40_000, 5)] {
            let input = Self.mixed(count: lineBytes * lines, seed: UInt64(lineBytes))
            let expected = DeflateReference.zlib(input, pixelBytes: 3)
            for simd in Self.paths {
                let bytes = input.withUnsafeBufferPointer { all in
                    RunLengthDeflate.zlib(lines: lines, lineBytes: lineBytes, pixelBytes: 3, simd: simd) { out, first, count, adler in
                        let part = UnsafeBufferPointer(rebasing: all[(first * lineBytes)..<((first + count) * lineBytes)])
                        out.update(from: part.baseAddress!, count: part.count)
                        return RunLengthDeflate.adler32(part, after: adler, simd: simd)
                    }
                }
                #expect(bytes == expected, "lines of \(lineBytes), simd \(simd)")
            }
        }
    }

    @Test func adler32MatchesItsDefinition() {
        var noise = Noise(state: 5)
        for count in [0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 5_551, 5_552, 5_553, 32_767, 32_768, 32_769, 100_000] {
            let bytes = (0..<count).map { _ in noise.next() }
            let saturated = [UInt8](repeating: 0xFF, count: count)
            for simd in Self.paths {
                #expect(bytes.withUnsafeBufferPointer { RunLengthDeflate.adler32($0, simd: simd) } == DeflateReference.adler32(bytes), "noise \(count)")
                #expect(saturated.withUnsafeBufferPointer { RunLengthDeflate.adler32($0, simd: simd) } == DeflateReference.adler32(saturated), "0xFF \(count)")
            }
        }
    }

    /// The zlib stream in a PNG's IDAT chunks.
    static func idat(_ png: Data) -> [UInt8] {
        let bytes = [UInt8](png)
        var out: [UInt8] = [], at = 8
        while at + 8 <= bytes.count {
            let length = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            if bytes[(at + 4)..<(at + 8)].elementsEqual("IDAT".utf8) { out += bytes[(at + 8)..<(at + 8 + length)] }
            at += 12 + length
        }
        return out
    }

    /// The reference's PNG lines (Up filter) of an image's straight-alpha pixels, RGB when all are opaque.
    static func referenceLines(_ image: RasterImage) -> (lines: [UInt8], channels: Int) {
        let channels = stride(from: 3, to: image.pixels.count, by: 4).allSatisfy { image.pixels[$0] == 0xFF } ? 3 : 4
        var lines: [UInt8] = []
        for y in 0..<image.height {
            lines.append(2)
            for x in 0..<image.width {
                for c in 0..<channels {
                    let here = image.pixels[(y * image.width + x) * 4 + c]
                    lines.append(here &- (y > 0 ? image.pixels[((y - 1) * image.width + x) * 4 + c] : 0))
                }
            }
        }
        return (lines, channels)
    }

    @Test func pngsOfEveryWidthCodeAsTheReference() throws {
        let renderer = try CairoRenderer()
        // Widths around the filter's 8-pixel steps and its 2-pixel tail, opaque and translucent.
        for width in Array(1...26) + [31, 32, 33, 63, 64, 65, 257] {
            for alpha in [false, true] {
                let image = PNGEncodingTests.image(width: width, height: 9, seed: UInt64(width), alpha: alpha) { x, y in (x + 2 * y) % 7 < 3 }
                var scene = Scene(width: Double(width), height: 9, background: alpha ? nil : .white)
                scene.append(.image(image, rect: Rect(x: 0, y: 0, width: Double(width), height: 9), interpolation: .nearest))
                let (lines, channels) = Self.referenceLines(try renderer.image(scene, dpi: 72))
                #expect(channels == (alpha ? 4 : 3))
                let expected = DeflateReference.zlib(lines, pixelBytes: channels)
                for simd in Self.paths {
                    let png = try PNGWriter.encode(try renderer.rasterSurface(scene, dpi: 72), dpi: 72, opaque: !alpha, simd: simd)
                    #expect(Self.idat(png) == expected, "width \(width), alpha \(alpha), simd \(simd)")
                }
            }
        }
    }

    @Test func flatFiguresCodeAsTheReference() throws {
        // Rows repeating the row above (all-zero lines), long runs across lines, a large image.
        let renderer = try CairoRenderer()
        var scene = Scene(width: 700, height: 300)
        scene.fill(.rectangle(Rect(x: 100, y: 50, width: 333, height: 101)), Color(red: 0.2, green: 0.4, blue: 0.9))
        scene.stroke(.polyline([Point(10, 290), Point(690, 10)]), StrokeStyle(color: .black, width: 1.3))
        scene.text("log₁₀ ‖dL/dW‖", at: Point(350, 200), style: TextStyle(size: 14))
        let (lines, channels) = Self.referenceLines(try renderer.image(scene, dpi: 144))
        let expected = DeflateReference.zlib(lines, pixelBytes: channels)
        for simd in Self.paths {
            let png = try PNGWriter.encode(try renderer.rasterSurface(scene, dpi: 144), dpi: 144, opaque: true, simd: simd)
            #expect(Self.idat(png) == expected, "simd \(simd)")
        }
    }
}
