import Graphics

/// A width and height in pixels.
public struct PixelSize: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public init(of image: RasterImage) {
        self.init(width: image.width, height: image.height)
    }

    /// `640x480`.
    public var description: String { "\(width)x\(height)" }
}

/// A rectangle of pixels, inclusive on every side.
public struct PixelBox: Hashable, Sendable, CustomStringConvertible {
    public var minX: Int
    public var minY: Int
    public var maxX: Int
    public var maxY: Int

    public init(minX: Int, minY: Int, maxX: Int, maxY: Int) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The box of one pixel.
    public init(x: Int, y: Int) {
        self.init(minX: x, minY: y, maxX: x, maxY: y)
    }

    /// The smallest box holding this one and pixel (x, y).
    public func including(x: Int, y: Int) -> PixelBox {
        PixelBox(minX: min(minX, x), minY: min(minY, y), maxX: max(maxX, x), maxY: max(maxY, y))
    }

    public var width: Int { maxX - minX + 1 }
    public var height: Int { maxY - minY + 1 }

    /// `x 3...7, y 10...12 (5x3)`.
    public var description: String { "x \(minX)...\(maxX), y \(minY)...\(maxY) (\(width)x\(height))" }
}

/// What `compare(expected:actual:threshold:maxPixels:)` found.
///
/// A pixel *differs* when any of its R, G, B, A bytes differ; it is *changed*
/// when its largest channel difference exceeds the threshold. Only changed
/// pixels count against `maxPixels`.
public struct ImageComparison: Hashable, Sendable {
    /// The verdict, from best to worst.
    public enum Outcome: String, Hashable, Sendable {
        /// Every byte equal.
        case identical
        /// Some pixels differ, but no more than `maxPixels` exceed the threshold.
        case withinTolerance = "within tolerance"
        /// More than `maxPixels` pixels exceed the threshold.
        case different
        /// The images do not have the same size.
        case sizeMismatch = "size mismatch"
    }

    public var outcome: Outcome
    public var expectedSize: PixelSize
    public var actualSize: PixelSize
    public var threshold: Int
    public var maxPixels: Int
    /// Pixels whose largest channel difference exceeds `threshold`.
    public var changedPixels: Int
    /// Pixels with any difference at all (at least `changedPixels`).
    public var differingPixels: Int
    /// The largest difference of one channel of one pixel, 0...255.
    public var largestDifference: Int
    /// The smallest box holding every changed pixel; nil when none changed.
    public var changedBox: PixelBox?
    /// Root mean square of the channel differences over all channels of all pixels, for information.
    public var rms: Double

    /// True for `identical` and `withinTolerance`.
    public var passed: Bool { outcome == .identical || outcome == .withinTolerance }

    /// One line for people: the verdict and the numbers behind it.
    public var summary: String {
        switch outcome {
        case .identical:
            return "identical (\(expectedSize))"
        case .sizeMismatch:
            return "size mismatch: expected \(expectedSize), actual \(actualSize)"
        case .withinTolerance, .different:
            var text = outcome == .different ? "different: " : "within tolerance: "
            text += "\(changedPixels) \(changedPixels == 1 ? "pixel" : "pixels") changed"
            text += " (threshold \(threshold), max \(maxPixels) allowed)"
            if differingPixels != changedPixels { text += ", \(differingPixels) differ at all" }
            text += "; largest difference \(largestDifference)"
            if let box = changedBox { text += "; changed area \(box)" }
            text += "; RMS \(DecimalFormat.fixed(rms, digits: 4))"
            return text
        }
    }
}

/// Compares two images pixel by pixel.
///
/// Identical bytes pass. Otherwise a pixel counts as changed when the largest
/// of its four channel differences exceeds `threshold`, and the comparison
/// fails when more than `maxPixels` pixels changed. Images of different sizes
/// always fail; their numbers are measured over the union of both canvases
/// (top-left aligned), where a pixel present in only one image counts as a
/// difference of 255.
///
/// - Complexity: O(width × height).
public func compare(expected: RasterImage, actual: RasterImage, threshold: Int = 0, maxPixels: Int = 0) -> ImageComparison {
    let threshold = max(0, threshold)
    let maxPixels = max(0, maxPixels)
    let sameSize = expected.width == actual.width && expected.height == actual.height
    var result = ImageComparison(
        outcome: .identical, expectedSize: PixelSize(of: expected), actualSize: PixelSize(of: actual),
        threshold: threshold, maxPixels: maxPixels, changedPixels: 0, differingPixels: 0,
        largestDifference: 0, changedBox: nil, rms: 0)
    if sameSize && expected.pixels == actual.pixels { return result }

    let width = max(expected.width, actual.width)
    let height = max(expected.height, actual.height)
    var squares = 0.0
    var box: PixelBox?
    for y in 0..<height {
        for x in 0..<width {
            let difference = pixelDifference(expected, actual, x: x, y: y)
            squares += difference.squares
            guard difference.largest > 0 else { continue }
            result.differingPixels += 1
            result.largestDifference = max(result.largestDifference, difference.largest)
            guard difference.largest > threshold else { continue }
            result.changedPixels += 1
            box = box?.including(x: x, y: y) ?? PixelBox(x: x, y: y)
        }
    }
    result.changedBox = box
    let channels = width * height * 4
    result.rms = channels > 0 ? (squares / Double(channels)).squareRoot() : 0
    if !sameSize {
        result.outcome = .sizeMismatch
    } else if result.changedPixels > maxPixels {
        result.outcome = .different
    } else {
        result.outcome = result.differingPixels > 0 ? .withinTolerance : .identical
    }
    return result
}

/// The largest channel difference at (x, y) and the sum of squared channel differences.
///
/// A pixel outside one of the images differs by 255 in every channel.
func pixelDifference(_ a: RasterImage, _ b: RasterImage, x: Int, y: Int) -> (largest: Int, squares: Double) {
    let inA = x < a.width && y < a.height
    let inB = x < b.width && y < b.height
    guard inA && inB else { return inA || inB ? (255, 4 * 255 * 255) : (0, 0) }
    let i = (y * a.width + x) * 4
    let j = (y * b.width + x) * 4
    var largest = 0
    var squares = 0
    for c in 0..<4 {
        let d = abs(Int(a.pixels[i + c]) - Int(b.pixels[j + c]))
        largest = max(largest, d)
        squares += d * d
    }
    return (largest, Double(squares))
}

/// Numbers as text with a fixed number of decimals, independent of locale.
enum DecimalFormat {
    /// `value` rounded half away from zero to `digits` decimals: `0.0221`.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 1e17 else { return "\(value)" }
        let integer = UInt64(scaled)
        let divisor = UInt64(scale)
        let whole = integer / divisor
        let fraction = String(integer % divisor)
        let sign = value < 0 && integer > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }
}
