/// A bitmap of 8-bit RGBA pixels with straight alpha, row-major, top row first.
///
/// Figures build heatmaps as images (one pixel per cell) and let the backend
/// scale them with nearest-neighbour sampling.
public struct RasterImage: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes: R, G, B, A.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 4, "pixel buffer size mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image filled with one colour.
    public init(width: Int, height: Int, fill: Color = .clear) {
        let word = Self.word(fill)
        self.init(width: width, height: height) { words in
            for i in 0..<words.count { words.store(word, at: i) }
        }
    }

    /// An image whose pixels `write` sets, as words of `word(_:)`, row-major, top row first,
    /// straight into the image's buffer; pixels it leaves alone are transparent black.
    public init(width: Int, height: Int, writingWords write: (WordWriter) -> Void) {
        precondition(width >= 0 && height >= 0, "negative image size")
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        pixels.withUnsafeMutableBytes { write(WordWriter(base: $0.baseAddress, count: width * height)) }
        self.pixels = pixels
    }

    /// The pixel buffer of an image being made, word by word (see `init(width:height:writingWords:)`).
    public struct WordWriter {
        let base: UnsafeMutableRawPointer?
        /// The number of pixels.
        public let count: Int

        /// Sets pixel `index` (row-major) to `word`'s bytes.
        @inline(__always)
        public func store(_ word: UInt32, at index: Int) {
            precondition(index >= 0 && index < count, "pixel index out of range")
            base!.storeBytes(of: word, toByteOffset: index &* 4, as: UInt32.self)
        }
    }

    public subscript(x: Int, y: Int) -> Color {
        get {
            let i = (y * width + x) * 4
            return Color(rgb8: pixels[i], pixels[i + 1], pixels[i + 2], alpha: Double(pixels[i + 3]) / 255)
        }
        set {
            let i = (y * width + x) * 4
            let px = Self.bytes(newValue)
            pixels[i] = px.0
            pixels[i + 1] = px.1
            pixels[i + 2] = px.2
            pixels[i + 3] = px.3
        }
    }

    /// A colour's bytes (`bytes(_:)`) as one word which, stored in memory, reads R, G, B, A on any host.
    public static func word(_ c: Color) -> UInt32 {
        let b = bytes(c)
        return UInt32(littleEndian: UInt32(b.0) | UInt32(b.1) << 8 | UInt32(b.2) << 16 | UInt32(b.3) << 24)
    }

    /// A colour's channels rounded to bytes.
    public static func bytes(_ c: Color) -> (UInt8, UInt8, UInt8, UInt8) {
        func b(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        return (b(c.red), b(c.green), b(c.blue), b(c.alpha))
    }
}
