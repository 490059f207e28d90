@testable import CairoBackend
import CZlib
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

    func expectSame(_ input: [UInt8], pixelBytes: Int, blockTokens: Int = RunLengthDeflate.blockTokens, _ comment: Comment) {
        let expected = DeflateReference.zlib(input, pixelBytes: pixelBytes, blockTokens: blockTokens)
        for simd in Self.paths {
            let bytes = input.withUnsafeBufferPointer { RunLengthDeflate.zlib($0, pixelBytes: pixelBytes, blockTokens: blockTokens, simd: simd) }
            #expect(bytes == expected, "\(comment), pixelBytes \(pixelBytes), blocks of \(blockTokens), simd \(simd)")
            #expect(Self.inflate(bytes, count: input.count) == input, "zlib inflates \(comment), pixelBytes \(pixelBytes), simd \(simd)")
        }
    }

    /// zlib's own decoder's output for `stream`, which must be a whole zlib stream of `count` bytes.
    static func inflate(_ stream: [UInt8], count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count + 1)
        var size = uLongf(out.count)
        let status = out.withUnsafeMutableBufferPointer { o in
            stream.withUnsafeBufferPointer { uncompress(o.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        return status == Z_OK ? Array(out.prefix(Int(size))) : nil
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

    @Test func blockBoundariesAnywhereCodeAsTheReference() {
        // Blocks end after a literal, inside a stretch of literals, after a match, at the input's
        // end; tiny blocks have one or two symbols only, and an empty last block.
        for blockTokens in [1, 2, 3, 5, 61, 62, 63, 64, 100, 1000] {
            expectSame(Self.mixed(count: 6_000, seed: UInt64(blockTokens)), pixelBytes: 3, blockTokens: blockTokens, "mixed")
            expectSame(Self.mixed(count: 3_000, seed: UInt64(blockTokens) + 50), pixelBytes: 4, blockTokens: blockTokens, "mixed")
            expectSame(Array(repeating: 7, count: 258 * blockTokens + 1), pixelBytes: 3, blockTokens: blockTokens, "one byte")
        }
        var noise = Noise(state: 3)
        let literals = (0..<5_000).map { _ in noise.next() }
        for blockTokens in [62, 63, 124, 4_999, 5_000, 5_001] {
            expectSame(literals, pixelBytes: 3, blockTokens: blockTokens, "literals only")
        }
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

    @Test func smallBlocksInAWindowCodeAsTheWholeInput() {
        let (lineBytes, lines) = (901, 200)
        let input = Self.mixed(count: lineBytes * lines, seed: 9)
        for blockTokens in [1, 77, 4_096] {
            let expected = DeflateReference.zlib(input, pixelBytes: 4, blockTokens: blockTokens)
            for simd in Self.paths {
                let bytes = input.withUnsafeBufferPointer { all in
                    RunLengthDeflate.zlib(lines: lines, lineBytes: lineBytes, pixelBytes: 4, blockTokens: blockTokens, simd: simd) { out, first, count, adler in
                        let part = UnsafeBufferPointer(rebasing: all[(first * lineBytes)..<((first + count) * lineBytes)])
                        out.update(from: part.baseAddress!, count: part.count)
                        return RunLengthDeflate.adler32(part, after: adler, simd: simd)
                    }
                }
                #expect(bytes == expected, "blocks of \(blockTokens), simd \(simd)")
            }
        }
    }

    @Test func crc32MatchesZlib() {
        var noise = Noise(state: 13)
        let bytes = (0..<100_003).map { _ in noise.next() }
        bytes.withUnsafeBytes { all in
            // Lengths around the 16- and 64-byte steps of the carry-less path, at every alignment.
            for count in Array(0...200) + [1_000, 4_103, 65_536, 100_000] {
                for offset in 0..<3 {
                    let part = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + count)])
                    for crc: UInt32 in [0, 0xDEAD_BEEF] {
                        let expected = UInt32(CZlib.crc32(uLong(crc), part.baseAddress?.assumingMemoryBound(to: UInt8.self), uInt(count)))
                        for simd in Self.paths {
                            #expect(RunLengthDeflate.crc32(part, after: crc, simd: simd) == expected, "\(count) bytes from \(offset), simd \(simd)")
                        }
                    }
                }
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

    /// The chunks of a PNG file: type and body, in order; nil when a length or CRC is wrong.
    static func chunks(_ png: Data) -> [(type: String, body: [UInt8])]? {
        let bytes = [UInt8](png)
        guard bytes.starts(with: PNGWriter.signature) else { return nil }
        var out: [(String, [UInt8])] = [], at = 8
        while at < bytes.count {
            guard at + 12 <= bytes.count else { return nil }
            let length = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard at + 12 + length <= bytes.count else { return nil }
            let typed = Array(bytes[(at + 4)..<(at + 8 + length)])
            let crc = bytes[(at + 8 + length)..<(at + 12 + length)].reduce(0) { $0 << 8 | UInt32($1) }
            guard crc == UInt32(CZlib.crc32(0, typed, uInt(typed.count))) else { return nil }
            out.append((String(decoding: typed[0..<4], as: UTF8.self), Array(typed[4...])))
            at += 12 + length
        }
        return out
    }

    @Test func pngFilesAreWellFormedAndInflateToTheirLines() throws {
        let renderer = try CairoRenderer()
        // One pixel, odd widths opaque and translucent, and a tall image whose rows are all the same.
        var scenes: [(Scene, Bool)] = [(Scene(width: 1, height: 1), true), (Scene(width: 1, height: 1, background: nil), false)]
        for (width, height, alpha) in [(13, 5, false), (37, 11, true), (33, 2, true)] {
            let image = PNGEncodingTests.image(width: width, height: height, seed: 8, alpha: alpha) { x, y in (x * y) % 5 == 1 }
            var scene = Scene(width: Double(width), height: Double(height), background: alpha ? nil : .white)
            scene.append(.image(image, rect: Rect(x: 0, y: 0, width: Double(width), height: Double(height)), interpolation: .nearest))
            scenes.append((scene, !alpha))
        }
        var tall = Scene(width: 45, height: 3_000)
        tall.fill(.rectangle(Rect(x: 10, y: 0, width: 20, height: 3_000)), Color(red: 0.9, green: 0.1, blue: 0.3))
        scenes.append((tall, true))
        for (scene, opaque) in scenes {
            let (lines, channels) = Self.referenceLines(try renderer.image(scene, dpi: 72))
            var files: [Data] = []
            for simd in Self.paths {
                let png = try PNGWriter.encode(try renderer.rasterSurface(scene, dpi: 72), dpi: 144, opaque: opaque, simd: simd)
                files.append(png)
                let chunks = try #require(Self.chunks(png), "size \(scene.width) × \(scene.height): lengths and CRCs")
                #expect(chunks.map(\.type) == ["IHDR", "pHYs", "IDAT", "IEND"])
                #expect(chunks.first?.body[9] == (channels == 3 ? 2 : 6), "colour type")
                let stream = chunks.filter { $0.type == "IDAT" }.flatMap(\.body)
                #expect(Self.inflate(stream, count: lines.count) == lines, "size \(scene.width) × \(scene.height), simd \(simd)")
            }
            #expect(Set(files).count == 1, "the same bytes with and without AVX2")
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
