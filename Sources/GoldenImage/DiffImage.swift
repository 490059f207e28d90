import CairoBackend
import Graphics

/// Pictures of a comparison: where two images differ, and both side by side.
public enum DiffImage {
    /// Pixels whose largest channel difference exceeds the threshold.
    public static let changedColor: (UInt8, UInt8, UInt8) = (255, 0, 255)
    /// Pixels that differ by no more than the threshold (tolerated).
    public static let toleratedColor: (UInt8, UInt8, UInt8) = (255, 170, 0)
    /// The frame drawn around all changed pixels, so a single one can be found.
    public static let frameColor: (UInt8, UInt8, UInt8) = (0, 110, 255)
    /// How much magenta tints the halo around each changed pixel (0...1).
    static let haloTint = 0.45
    /// How much of the expected image's darkness the faded copy keeps: 1 all, 0 none (white).
    static let fade = 0.3

    /// The expected image faded to light grey, with every changed pixel in magenta,
    /// every tolerated difference in orange, and (on images of 100 pixels or more
    /// across) a blue frame around the changed area.
    ///
    /// Each changed pixel also gets a pink halo a few pixels wide (wider on
    /// large images), so a single pixel changed by one level stands out at a
    /// glance even when the picture is shown smaller than its size.
    ///
    /// The image covers both inputs (top-left aligned); pixels present in only
    /// one of them are changed. Fed the same threshold, it marks exactly the
    /// pixels `compare` counted.
    public static func make(expected: RasterImage, actual: RasterImage, threshold: Int = 0) -> RasterImage {
        let width = max(expected.width, actual.width)
        let height = max(expected.height, actual.height)
        var out = RasterImage(width: width, height: height, fill: .white)
        var changed = [Bool](repeating: false, count: width * height)
        var box: PixelBox?
        for y in 0..<height {
            for x in 0..<width {
                let p = y * width + x
                let largest = pixelDifference(expected, actual, x: x, y: y).largest
                let rgb: (UInt8, UInt8, UInt8)
                if largest > threshold {
                    rgb = changedColor
                    changed[p] = true
                    box = box?.including(x: x, y: y) ?? PixelBox(x: x, y: y)
                } else if largest > 0 {
                    rgb = toleratedColor
                } else {
                    let grey = fadedGrey(expected, x: x, y: y)
                    rgb = (grey, grey, grey)
                }
                out.pixels[p * 4] = rgb.0
                out.pixels[p * 4 + 1] = rgb.1
                out.pixels[p * 4 + 2] = rgb.2
                out.pixels[p * 4 + 3] = 255
            }
        }
        guard let box else { return out }
        let radius = max(1, max(width, height) / 120)
        let halo = dilate(changed, width: width, height: height, radius: radius)
        for p in 0..<(width * height) where halo[p] && !changed[p] {
            let o = p * 4
            out.pixels[o] = mix(out.pixels[o], changedColor.0)
            out.pixels[o + 1] = mix(out.pixels[o + 1], changedColor.1)
            out.pixels[o + 2] = mix(out.pixels[o + 2], changedColor.2)
        }
        // On a small image every change is in plain sight; a frame would only hide pixels.
        if max(width, height) >= 100 { drawFrame(around: box, in: &out, changed: changed, radius: radius) }
        return out
    }

    /// Expected | actual | diff in one picture, labelled, on a checkerboard that shows transparency.
    ///
    /// Small images are enlarged by a whole factor (nearest neighbour) so that
    /// single pixels stay visible. The labels are drawn with the package's font
    /// through Cairo; if that fails the picture comes without them.
    public static func sideBySide(
        expected: RasterImage, actual: RasterImage, diff: RasterImage,
        labels: [String] = ["expected", "actual", "diff"]
    ) -> RasterImage {
        let panels = [expected, actual, diff]
        let panelWidth = panels.map(\.width).max() ?? 0
        let panelHeight = panels.map(\.height).max() ?? 0
        let scale = max(1, min(16, 240 / max(1, max(panelWidth, panelHeight))))
        let gutter = 8
        // Labels grow with the panels, so they stay readable when the picture is shown scaled down.
        let labelHeight = max(20, panelWidth * scale / 40)
        let width = gutter + 3 * (panelWidth * scale + gutter)
        let height = labelHeight + panelHeight * scale + gutter
        let top = labelHeight
        var out = RasterImage(width: width, height: height, fill: Color(rgb8: 96, 96, 96))
        for (index, panel) in panels.enumerated() {
            let left = gutter + index * (panelWidth * scale + gutter)
            for y in 0..<(panelHeight * scale) {
                for x in 0..<(panelWidth * scale) {
                    let sx = x / scale
                    let sy = y / scale
                    let o = ((top + y) * width + left + x) * 4
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
        drawLabels(labels, into: &out, panelLefts: (0..<3).map { gutter + $0 * (panelWidth * scale + gutter) },
                   height: labelHeight)
        return out
    }

    /// Writes `labels` in white on the top strip; leaves the strip plain if Cairo cannot draw.
    static func drawLabels(_ labels: [String], into image: inout RasterImage, panelLefts: [Int], height: Int) {
        var scene = Scene(width: Double(image.width), height: Double(height), background: Color(rgb8: 96, 96, 96))
        let style = TextStyle(size: Double(height) * 0.6, weight: .bold, color: .white, baseline: .middle)
        for (label, left) in zip(labels, panelLefts) {
            scene.text(label, at: Point(Double(left), Double(height) / 2 + 1), style: style)
        }
        guard let renderer = try? CairoRenderer(), let strip = try? renderer.image(scene, dpi: 72),
              strip.width == image.width, strip.height == height
        else { return }
        // The strip is opaque (it has a background), so its rows replace the top rows as they are.
        image.pixels.replaceSubrange(0..<strip.pixels.count, with: strip.pixels)
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

    /// The mask grown by `radius` pixels in every direction (a square neighbourhood).
    ///
    /// - Complexity: O(width × height), whatever the radius: running counts per row, then per column.
    static func dilate(_ mask: [Bool], width: Int, height: Int, radius: Int) -> [Bool] {
        var rows = [Bool](repeating: false, count: mask.count)
        for y in 0..<height {
            var count = 0
            // Window [x - radius, x + radius], slid along the row.
            for x in 0..<min(width, radius) where mask[y * width + x] { count += 1 }
            for x in 0..<width {
                let entering = x + radius
                if entering < width, mask[y * width + entering] { count += 1 }
                rows[y * width + x] = count > 0
                let leaving = x - radius
                if leaving >= 0, mask[y * width + leaving] { count -= 1 }
            }
        }
        var out = [Bool](repeating: false, count: mask.count)
        for x in 0..<width {
            var count = 0
            for y in 0..<min(height, radius) where rows[y * width + x] { count += 1 }
            for y in 0..<height {
                let entering = y + radius
                if entering < height, rows[entering * width + x] { count += 1 }
                out[y * width + x] = count > 0
                let leaving = y - radius
                if leaving >= 0, rows[leaving * width + x] { count -= 1 }
            }
        }
        return out
    }

    static func mix(_ base: UInt8, _ tint: UInt8) -> UInt8 {
        UInt8((Double(base) * (1 - haloTint) + Double(tint) * haloTint).rounded())
    }

    /// A frame just outside the halo around `box`, thicker on large images; changed pixels stay on top.
    static func drawFrame(around box: PixelBox, in image: inout RasterImage, changed: [Bool], radius: Int) {
        let thickness = max(1, max(image.width, image.height) / 400)
        let margin = radius + 2
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
                if changed[y * image.width + x] { continue }
                let o = (y * image.width + x) * 4
                image.pixels[o] = frameColor.0
                image.pixels[o + 1] = frameColor.1
                image.pixels[o + 2] = frameColor.2
            }
        }
    }
}
