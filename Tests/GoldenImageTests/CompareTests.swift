import GoldenImage
import Graphics
import Testing

@Suite("compare(expected:actual:)")
struct CompareTests {
    let base = TestImages.gradient()

    @Test func identicalImagesPass() {
        let result = compare(expected: base, actual: base)
        #expect(result.outcome == .identical)
        #expect(result.passed)
        #expect(result.changedPixels == 0)
        #expect(result.differingPixels == 0)
        #expect(result.largestDifference == 0)
        #expect(result.changedBox == nil)
        #expect(result.rms == 0)
        #expect(result.summary == "identical (16x12)")
    }

    @Test func onePixelOffByOneLevelFailsByDefault() {
        let actual = TestImages.changing(base, x: 5, y: 7, channel: 2, by: 1)
        let result = compare(expected: base, actual: actual)
        #expect(result.outcome == .different)
        #expect(!result.passed)
        #expect(result.changedPixels == 1)
        #expect(result.largestDifference == 1)
        #expect(result.changedBox == PixelBox(minX: 5, minY: 7, maxX: 5, maxY: 7))
        // One channel of 16 * 12 * 4 differs by 1.
        #expect(abs(result.rms - (1.0 / 768).squareRoot()) < 1e-12)
        #expect(result.summary.hasPrefix("different: 1 pixel changed (threshold 0, max 0 allowed); largest difference 1; changed area x 5...5, y 7...7 (1x1); RMS 0.0361"))
    }

    @Test func onePixelOffByOneLevelPassesAtThresholdOne() {
        let actual = TestImages.changing(base, x: 5, y: 7, channel: 2, by: 1)
        let result = compare(expected: base, actual: actual, threshold: 1)
        #expect(result.outcome == .withinTolerance)
        #expect(result.passed)
        #expect(result.changedPixels == 0)
        #expect(result.differingPixels == 1)
        #expect(result.changedBox == nil)
    }

    @Test func maxPixelsAllowsThatManyChangedPixels() {
        let actual = TestImages.changing(TestImages.changing(base, x: 0, y: 0, by: 9), x: 15, y: 11, channel: 3, by: -30)
        #expect(compare(expected: base, actual: actual, maxPixels: 1).outcome == .different)
        let result = compare(expected: base, actual: actual, maxPixels: 2)
        #expect(result.outcome == .withinTolerance)
        #expect(result.changedPixels == 2)
        #expect(result.largestDifference == 30)
        #expect(result.changedBox == PixelBox(minX: 0, minY: 0, maxX: 15, maxY: 11))
    }

    @Test func thresholdCountsOnlyLargerDifferences() {
        // Three pixels off by 2, 5 and 6 levels: threshold 5 leaves one changed.
        var actual = TestImages.changing(base, x: 1, y: 1, by: 2)
        actual = TestImages.changing(actual, x: 2, y: 2, channel: 1, by: 5)
        actual = TestImages.changing(actual, x: 3, y: 3, channel: 2, by: 6)
        let result = compare(expected: base, actual: actual, threshold: 5)
        #expect(result.changedPixels == 1)
        #expect(result.differingPixels == 3)
        #expect(result.changedBox == PixelBox(minX: 3, minY: 3, maxX: 3, maxY: 3))
        #expect(result.largestDifference == 6)
    }

    @Test func smallBlockChangedGivesCountAndBox() {
        var actual = base
        for y in 4...6 {
            for x in 9...12 {
                actual[x, y] = Color(rgb8: 0, 0, 0)
            }
        }
        let result = compare(expected: base, actual: actual)
        #expect(result.outcome == .different)
        #expect(result.changedPixels == 12)
        #expect(result.changedBox == PixelBox(minX: 9, minY: 4, maxX: 12, maxY: 6))
        #expect(result.changedBox?.description == "x 9...12, y 4...6 (4x3)")
        #expect(result.summary.contains("12 pixels changed"))
    }

    @Test func sizeMismatchFailsAndNamesBothSizes() {
        let actual = TestImages.gradient(width: 17, height: 12)
        let result = compare(expected: base, actual: actual, threshold: 255, maxPixels: 1_000)
        #expect(result.outcome == .sizeMismatch)
        #expect(!result.passed)
        #expect(result.expectedSize == PixelSize(width: 16, height: 12))
        #expect(result.actualSize == PixelSize(width: 17, height: 12))
        #expect(result.summary == "size mismatch: expected 16x12, actual 17x12")
        // The extra column differs by 255 in every channel.
        #expect(result.largestDifference == 255)
    }

    @Test func transposedSizeIsAMismatchEvenWithEqualPixelCount() {
        let a = RasterImage(width: 2, height: 3, fill: .white)
        let b = RasterImage(width: 3, height: 2, fill: .white)
        let result = compare(expected: a, actual: b)
        #expect(result.outcome == .sizeMismatch)
        #expect(result.summary == "size mismatch: expected 2x3, actual 3x2")
        // (0...1, 2) exist only in the expected image, (2, 0...1) only in the actual one.
        #expect(result.changedPixels == 4)
        #expect(result.changedBox == PixelBox(minX: 0, minY: 0, maxX: 2, maxY: 2))
    }

    @Test func alphaAloneIsADifference() {
        let actual = TestImages.changing(base, x: 3, y: 0, channel: 3, by: -1)
        let result = compare(expected: base, actual: actual)
        #expect(result.changedPixels == 1)
        #expect(result.largestDifference == 1)
    }
}
