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
        self.width = width
        self.height = height
        let px = Self.bytes(fill)
        var buffer = [UInt8](repeating: 0, count: width * height * 4)
        for i in stride(from: 0, to: buffer.count, by: 4) {
            buffer[i] = px.0
            buffer[i + 1] = px.1
            buffer[i + 2] = px.2
            buffer[i + 3] = px.3
        }
        self.pixels = buffer
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

    /// A colour's channels rounded to bytes.
    public static func bytes(_ c: Color) -> (UInt8, UInt8, UInt8, UInt8) {
        func b(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        return (b(c.red), b(c.green), b(c.blue), b(c.alpha))
    }
}
