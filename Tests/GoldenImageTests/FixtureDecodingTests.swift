import CairoBackend
import Foundation
import GoldenImage
import Graphics
import Testing
import TestSupport

/// The PNGs in fixtures/png were written by make-fixtures.py (zlib and struct only, not libpng).
@Suite("Decoding every common kind of PNG")
struct FixtureDecodingTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("png")

    static func load(_ name: String) throws -> RasterImage {
        try PNGCodec.decode(contentsOf: folder.appendingPathComponent(name))
    }

    /// Each variant and the plain 8-bit RGB(A) file holding the same pixels.
    static let pairs: [(String, String)] = [
        ("grey8.png", "grey8-as-rgb.png"),
        ("grey4.png", "grey4-as-rgb.png"),
        ("grey16.png", "grey8-as-rgb.png"),
        ("grey-alpha8.png", "grey-alpha8-as-rgba.png"),
        ("palette8.png", "palette8-as-rgb.png"),
        ("palette4-trns.png", "palette4-trns-as-rgba.png"),
        ("rgba8-opaque.png", "rgb8.png"),
        ("rgb16.png", "rgb8.png"),
        ("rgba16.png", "rgba16-as-rgba8.png"),
        ("rgb8-trns.png", "rgb8-trns-as-rgba.png"),
        ("rgb8-interlaced.png", "rgb8.png"),
    ]

    @Test(arguments: pairs.map { "\($0.0) = \($0.1)" })
    func variantDecodesToItsReference(_ pair: String) throws {
        let names = pair.components(separatedBy: " = ")
        let variant = try Self.load(names[0])
        let reference = try Self.load(names[1])
        let result = compare(expected: reference, actual: variant)
        #expect(result.outcome == .identical, "\(pair): \(result.summary)")
        #expect(variant.width == 8 && variant.height == 6)
    }

    @Test func referencePixelsAreTheWrittenValues() throws {
        // The same formulas as make-fixtures.py, so the references themselves are checked.
        let rgb = try Self.load("rgb8.png")
        let greyAlpha = try Self.load("grey-alpha8-as-rgba.png")
        let palette = try Self.load("palette4-trns-as-rgba.png")
        let grey4 = try Self.load("grey4.png")
        for y in 0..<6 {
            for x in 0..<8 {
                let i = (y * 8 + x) * 4
                #expect(Array(rgb.pixels[i..<(i + 4)]) == [UInt8((x * 37) % 256), UInt8((y * 51) % 256), UInt8((x * y * 13) % 256), 255])
                let g = UInt8((x * 32 + y * 8) % 256)
                let a = UInt8(((255 - x * 30 - y * 3) % 256 + 256) % 256)
                #expect(Array(greyAlpha.pixels[i..<(i + 4)]) == [g, g, g, a])
                let v = UInt8(((x * 2 + y) % 16) * 17)
                #expect(Array(grey4.pixels[i..<(i + 4)]) == [v, v, v, 255])
            }
        }
        // Palette index (x + 2y) mod 6 at (1, 0) is 1: white with alpha 0 (straight, not premultiplied to black).
        #expect(Array(palette.pixels[4..<8]) == [255, 255, 255, 0])
        // Index 2 at (2, 0): (68, 1, 84) at alpha 128, colour kept exactly.
        #expect(Array(palette.pixels[8..<12]) == [68, 1, 84, 128])
    }

    @Test func sixteenBitSamplesRoundToTheNearestLevel() throws {
        // Samples 0, 128, 129, 257, 32767, 32768, 65407, 65535: v / 257 is 0, 0.498, 0.502, 1, 127.498, 127.502, 254.502, 255.
        let image = try Self.load("grey16-rounding.png")
        #expect(image.width == 8 && image.height == 1)
        let greys = stride(from: 0, to: image.pixels.count, by: 4).map { image.pixels[$0] }
        #expect(greys == [0, 0, 1, 1, 127, 128, 255, 255])
    }

    @Test func anOpaqueReferenceReEncodesToTheSamePixels() throws {
        let image = try Self.load("palette8.png")
        #expect(try PNGCodec.decode(PNGCodec.encode(image)) == image)
    }
}
