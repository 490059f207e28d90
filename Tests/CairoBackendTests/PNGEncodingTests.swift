import CairoBackend
import Foundation
import Graphics
import Testing

/// The PNG writer (libpng and zlib): every kind of image decodes (through libpng) to exactly
/// the pixels drawn, whatever mix of runs and noise it holds.
@Suite struct PNGEncodingTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    /// An image of `width` × `height` pixels: noise where `noisy` says so, else flat bands.
    static func image(width: Int, height: Int, seed: UInt64, alpha: Bool, noisy: (Int, Int) -> Bool) -> RasterImage {
        var image = RasterImage(width: width, height: height)
        var state = seed
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let r = Double(state >> 56) / 255, g = Double(state >> 48 & 0xFF) / 255, b = Double(state >> 40 & 0xFF) / 255
                let a = alpha ? Double(state >> 32 & 0xFF) / 255 : 1
                image[x, y] = noisy(x, y) ? Color(red: r, green: g, blue: b, alpha: a)
                    : Color(red: Double(y / 7 % 3) / 2, green: 0.5, blue: Double(x / 5 % 4) / 3, alpha: alpha ? 0.5 : 1)
            }
        }
        return image
    }

    func expectRoundTrip(_ scene: Scene, dpi: Double = 72, _ comment: Comment) throws {
        let png = try renderer.png(scene, dpi: dpi)
        let decoded = try PNGCodec.decode(png)
        #expect(decoded == (try renderer.image(scene, dpi: dpi)), comment)
        #expect(try renderer.png(scene, dpi: dpi) == png, "same bytes again: \(comment)")
    }

    func scene(_ image: RasterImage, background: Color? = .white) -> Scene {
        var scene = Scene(width: Double(image.width), height: Double(image.height), background: background)
        scene.append(.image(image, rect: Rect(x: 0, y: 0, width: Double(image.width), height: Double(image.height)), interpolation: .nearest))
        return scene
    }

    @Test func noiseRunsAndBandsDecodeExactly() throws {
        // Pure noise: almost every byte a literal; several deflate blocks.
        try expectRoundTrip(scene(Self.image(width: 300, height: 200, seed: 1, alpha: false) { _, _ in true }), "noise")
        // Bands with noisy patches: runs at distance 1 and 3 next to literals.
        try expectRoundTrip(scene(Self.image(width: 257, height: 131, seed: 2, alpha: false) { x, y in (x / 17 + y / 13) % 5 == 0 }), "bands")
        // Translucent pixels on no background: RGBA, distance-4 runs, division by alpha.
        try expectRoundTrip(scene(Self.image(width: 190, height: 90, seed: 3, alpha: true) { x, _ in x % 23 < 4 }, background: nil), "RGBA")
    }

    @Test func tinyFlatAndWideImagesDecodeExactly() throws {
        try expectRoundTrip(Scene(width: 1, height: 1), "one white pixel")
        try expectRoundTrip(Scene(width: 2, height: 3, background: nil), "transparent")
        try expectRoundTrip(Scene(width: 600, height: 400), "one long run")
        // Rows longer than deflate's 32 KiB window and its 258-byte longest match.
        try expectRoundTrip(scene(Self.image(width: 12_000, height: 3, seed: 4, alpha: false) { x, _ in x % 1000 < 3 }), "wide")
    }
}
