import Graphics

/// Pixel queries on rendered images, in pixel coordinates.
extension RasterImage {
    /// The pixel's channels as bytes.
    func rgba(_ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * width + x) * 4
        return Array(pixels[i..<i + 4])
    }

    /// The smallest pixel box holding every pixel that differs from `background`, or nil if none does.
    func inkBounds(background: [UInt8] = [255, 255, 255, 255], within box: (x: Range<Int>, y: Range<Int>)? = nil)
        -> (minX: Int, minY: Int, maxX: Int, maxY: Int)?
    {
        let xs = box?.x.clamped(to: 0..<width) ?? 0..<width
        let ys = box?.y.clamped(to: 0..<height) ?? 0..<height
        var result: (minX: Int, minY: Int, maxX: Int, maxY: Int)?
        for y in ys {
            for x in xs where rgba(x, y) != background {
                if let r = result {
                    result = (min(r.minX, x), min(r.minY, y), max(r.maxX, x), max(r.maxY, y))
                } else {
                    result = (x, y, x, y)
                }
            }
        }
        return result
    }

    /// How many pixels in the box differ from `background`.
    func inkCount(background: [UInt8] = [255, 255, 255, 255], x: Range<Int>, y: Range<Int>) -> Int {
        var n = 0
        for yy in y.clamped(to: 0..<height) {
            for xx in x.clamped(to: 0..<width) where rgba(xx, yy) != background { n += 1 }
        }
        return n
    }
}
