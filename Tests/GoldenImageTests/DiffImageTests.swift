import CairoBackend
import GoldenImage
import Graphics
import Testing
import TestSupport

@Suite("Diff pictures")
struct DiffImageTests {
    static let magenta = Color(rgb8: 255, 0, 255)

    /// A plain mid-grey image, large enough to get a frame.
    let base = RasterImage(width: 200, height: 120, fill: Color(rgb8: 128, 128, 128))

    @Test func unchangedPixelsAreTheExpectedImageFadedToLightGrey() {
        let diff = DiffImage.make(expected: base, actual: base)
        // 255 - (255 - 128) * 0.3 = 216.9
        #expect(diff[50, 50] == Color(rgb8: 217, 217, 217))
        #expect(Set(diff.pixels.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)) == [217])
        // Black fades to 178.5 -> 179 (still lighter than anything drawn on top), transparent to white.
        let black = RasterImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 0, 0, 0, 0])
        let fadedBlack = DiffImage.make(expected: black, actual: black)
        #expect(fadedBlack[0, 0] == Color(rgb8: 179, 179, 179))
        #expect(fadedBlack[1, 0] == .white)
    }

    @Test func aOneLevelChangeInOnePixelIsMagentaWithAHaloAndAFrame() {
        var actual = base
        actual.pixels[(60 * 200 + 100) * 4 + 1] = 129
        let diff = DiffImage.make(expected: base, actual: actual)
        #expect(diff[100, 60] == Self.magenta)
        // Radius max(1, 200 / 120) = 1: the eight neighbours are tinted pink, the next ring is not.
        let tinted = Color(rgb8: 234, 119, 234)  // 217 * 0.55 + 255 * 0.45 and 217 * 0.55
        #expect(diff[101, 61] == tinted)
        #expect(diff[99, 59] == tinted)
        #expect(diff[102, 60] == Color(rgb8: 217, 217, 217))
        // The frame: radius + 2 = 3 pixels outside the change.
        let blue = Color(rgb8: 0, 110, 255)
        #expect(diff[97, 60] == blue)
        #expect(diff[103, 57] == blue)
        #expect(diff[100, 63] == blue)
        #expect(diff[96, 60] != blue)
        let changedCount = (0..<(200 * 120)).filter { i in
            diff.pixels[i * 4] == 255 && diff.pixels[i * 4 + 1] == 0 && diff.pixels[i * 4 + 2] == 255
        }.count
        #expect(changedCount == 1)
    }

    @Test func toleratedDifferencesAreOrangeAndNotFramed() {
        var actual = base
        actual.pixels[(10 * 200 + 10) * 4] = 130
        let diff = DiffImage.make(expected: base, actual: actual, threshold: 2)
        #expect(diff[10, 10] == Color(rgb8: 255, 170, 0))
        #expect(diff[11, 10] == Color(rgb8: 217, 217, 217))
        #expect(DiffImage.make(expected: base, actual: actual, threshold: 1)[10, 10] == Self.magenta)
    }

    @Test func sizeMismatchMarksTheMissingArea() {
        let wider = RasterImage(width: 210, height: 120, fill: Color(rgb8: 128, 128, 128))
        let diff = DiffImage.make(expected: base, actual: wider)
        #expect(diff.width == 210 && diff.height == 120)
        #expect(diff[205, 0] == Self.magenta)
        #expect(diff[100, 60] == Color(rgb8: 217, 217, 217))
    }

    @Test func sideBySideHasThreeLabelledPanels() {
        let small = RasterImage(width: 8, height: 6, fill: Color(rgb8: 10, 200, 30))
        let side = DiffImage.sideBySide(expected: small, actual: small, diff: DiffImage.make(expected: small, actual: small))
        // 8 px panels enlarged 16x -> 128; gutters of 8; a 20 px label strip on top.
        #expect(side.width == 8 + 3 * (128 + 8))
        #expect(side.height == 20 + 96 + 8)
        #expect(side[8, 20] == Color(rgb8: 10, 200, 30))
        #expect(side[8 + 127, 20 + 95] == Color(rgb8: 10, 200, 30))
        #expect(side[8 + 136, 20] == Color(rgb8: 10, 200, 30))
        // The labels put white text into the strip.
        let strip = side.pixels[0..<(side.width * 20 * 4)]
        #expect(stride(from: 0, to: strip.count, by: 4).contains { strip[$0] == 255 && strip[$0 + 1] == 255 })
    }
}

/// The comparator's own pictures are pinned by the same harness the figures use.
@Suite("Diff pictures (golden)")
struct DiffImageGoldenTests {
    @Test func sideBySideOfAOnePixelChange() throws {
        let expected = try PNGCodec.decode(contentsOf: TestPaths.fixtures.appendingPathComponent("png/palette4-trns-as-rgba.png"))
        var actual = expected
        actual.pixels[(3 * expected.width + 5) * 4 + 2] &+= 1
        let diff = DiffImage.make(expected: expected, actual: actual)
        expectMatchesGolden(DiffImage.sideBySide(expected: expected, actual: actual, diff: diff), named: "comparator/side-by-side")
    }
}
