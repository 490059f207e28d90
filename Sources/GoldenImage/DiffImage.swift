import Graphics

/// Pictures of a comparison: where two images differ, and both side by side.
public enum DiffImage {
    /// Pixels whose largest channel difference exceeds the threshold.
    public static let changedColor: (UInt8, UInt8, UInt8) = (255, 0, 255)
    /// Pixels that differ by no more than the threshold (tolerated).
    public static let toleratedColor: (UInt8, UInt8, UInt8) = (255, 170, 0)
    /// The frame drawn around all changed pixels, so a single one can be found.
    public static let frameColor: (UInt8, UInt8, UInt8) = (0, 110, 255)
    /// What the faded expected image is mixed with: 1 keeps it, 0 turns it white.
    static let fade = 0.3

    /// The expected image faded to light grey, with every changed pixel in magenta,
    /// every tolerated difference in orange, and a blue frame around the changed area.
    ///
    /// The image covers both inputs (top-left aligned); pixels present in only
    /// one of them are changed. Fed the same threshold, it marks exactly the
    /// pixels `compare` counted.
    public static func make(expected: RasterImage, actual: RasterImage, threshold: Int = 0) -> RasterImage {
        let width = max(expected.width, actual.width)
        let height = max(expected.height, actual.height)
        var out = RasterImage(width: width, height: height, fill: .white)
        var box: PixelBox?
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 4
                let largest = pixelDifference(expected, actual, x: x, y: y).largest
                let rgb: (UInt8, UInt8, UInt8)
                if largest > threshold {
                    rgb = changedColor
                    if var b = box {
                        b.minX = min(b.minX, x)
                        b.maxX = max(b.maxX, x)
                        b.minY = min(b.minY, y)
                        b.maxY = max(b.maxY, y)
                        box = b
                    } else {
                        box = PixelBox(minX: x, minY: y, maxX: x, maxY: y)
                    }
                } else if largest > 0 {
                    rgb = toleratedColor
                } else {
                    let grey = fadedGrey(expected, x: x, y: y)
                    rgb = (grey, grey, grey)
                }
                out.pixels[o] = rgb.0
                out.pixels[o + 1] = rgb.1
                out.pixels[o + 2] = rgb.2
                out.pixels[o + 3] = 255
            }
        }
        if let box { drawFrame(around: box, in: &out, threshold: threshold, expected: expected, actual: actual) }
        return out
    }

    /// Expected | actual | diff in one picture, on a checkerboard that shows transparency.
    ///
    /// Small images are enlarged by a whole factor (nearest neighbour) so that
    /// single pixels stay visible.
    public static func sideBySide(expected: RasterImage, actual: RasterImage, diff: RasterImage) -> RasterImage {
        let panels = [expected, actual, diff]
        let panelWidth = panels.map(\.width).max() ?? 0
        let panelHeight = panels.map(\.height).max() ?? 0
        let scale = max(1, min(16, 240 / max(1, max(panelWidth, panelHeight))))
        let gutter = 8
        let width = gutter + 3 * (panelWidth * scale + gutter)
        let height = panelHeight * scale + 2 * gutter
        var out = RasterImage(width: width, height: height, fill: Color(rgb8: 96, 96, 96))
        for (index, panel) in panels.enumerated() {
            let left = gutter + index * (panelWidth * scale + gutter)
            for y in 0..<(panelHeight * scale) {
                for x in 0..<(panelWidth * scale) {
                    let sx = x / scale
                    let sy = y / scale
                    let o = ((gutter + y) * width + left + x) * 4
                    guard sx < panel.width, sy < panel.height else {
                        // Outside a smaller image: a darker hatch, so its edge shows.
                        let v: UInt8 = (x + y) / 4 % 2 == 0 ? 64 : 80
                        out.pixels[o] = v
                        out.pixels[o + 1] = v
                        out.pixels[o + 2] = v
                        continue
                    }
                    let i = (sy * panel.width + sx) * 4
                    let background: Double = (x / 8 + y / 8) % 2 == 0 ? 255 : 214
                    let alpha = Double(panel.pixels[i + 3]) / 255
                    for c in 0..<3 {
                        let v = Double(panel.pixels[i + c]) * alpha + background * (1 - alpha)
                        out.pixels[o + c] = UInt8(max(0, min(255, v.rounded())))
                    }
                }
            }
        }
        return out
    }

    /// The expected pixel over white, as a light grey of the same lightness order.
    static func fadedGrey(_ image: RasterImage, x: Int, y: Int) -> UInt8 {
        guard x < image.width, y < image.height else { return 255 }
        let i = (y * image.width + x) * 4
        let alpha = Double(image.pixels[i + 3]) / 255
        func over(_ v: UInt8) -> Double { Double(v) * alpha + 255 * (1 - alpha) }
        let luma = 0.299 * over(image.pixels[i]) + 0.587 * over(image.pixels[i + 1]) + 0.114 * over(image.pixels[i + 2])
        let grey = 255 - (255 - luma) * fade
        return UInt8(max(0, min(255, grey.rounded())))
    }

    /// A frame a few pixels outside `box`, thicker on large images; changed pixels stay on top.
    static func drawFrame(around box: PixelBox, in image: inout RasterImage, threshold: Int,
                          expected: RasterImage, actual: RasterImage) {
        let thickness = max(1, max(image.width, image.height) / 400)
        let margin = 2 * thickness + 2
        let outer = PixelBox(
            minX: box.minX - margin - thickness + 1, minY: box.minY - margin - thickness + 1,
            maxX: box.maxX + margin + thickness - 1, maxY: box.maxY + margin + thickness - 1)
        let inner = PixelBox(
            minX: box.minX - margin + 1, minY: box.minY - margin + 1,
            maxX: box.maxX + margin - 1, maxY: box.maxY + margin - 1)
        for y in max(0, outer.minY)...min(image.height - 1, outer.maxY) {
            for x in max(0, outer.minX)...min(image.width - 1, outer.maxX) {
                let inside = x >= inner.minX && x <= inner.maxX && y >= inner.minY && y <= inner.maxY
                if inside { continue }
                if pixelDifference(expected, actual, x: x, y: y).largest > threshold { continue }
                let o = (y * image.width + x) * 4
                image.pixels[o] = frameColor.0
                image.pixels[o + 1] = frameColor.1
                image.pixels[o + 2] = frameColor.2
            }
        }
    }
}
