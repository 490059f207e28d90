import Graphics

/// An opaque raster image as vanish writes it into a PDF itself: an Image XObject whose
/// samples index a palette of at most 256 colours (`/Indexed`), or else 8-bit RGB.
///
/// Cairo pads an image drawn with `CAIRO_EXTEND_PAD` into a larger copy, looks at every pixel
/// again and compresses three bytes per pixel with zlib's default level; a heatmap has a few
/// hundred colours of one colour map at most, so one byte per pixel says the same, and
/// compresses smaller at a fraction of the cost. `PDFVectorBlocks` puts the image in place of a
/// placeholder Cairo paints over the image's rectangle: an image XObject fills the unit square
/// that placeholder's matrix maps onto the rectangle, so the pixels land where Cairo's would.
struct PDFImage {
    let width: Int
    let height: Int
    /// One byte per pixel (a palette index) when `palette` is set, else three (R, G, B); rows
    /// top first.
    let samples: [UInt8]
    /// The colours the indices name, three bytes each, in order of first appearance.
    let palette: [UInt8]?
    /// Whether viewers may smooth the image when they scale it (`/Interpolate`).
    let interpolate: Bool

    /// The most colours a palette holds.
    static let paletteLimit = 256

    /// Columns `columns` and rows `rows` of `image` as PDF samples, those outside it repeating
    /// its edge pixels (as Cairo pads an image, `cairoWindow`); nil if a pixel is not opaque
    /// (Cairo then writes the image, with its soft mask).
    init?(_ image: RasterImage, columns: Range<Int>, rows: Range<Int>, interpolate: Bool) {
        let count = image.width * image.height
        guard count > 0, image.pixels.count == 4 * count, !columns.isEmpty, !rows.isEmpty else { return nil }
        var indices = [UInt8](repeating: 0, count: count)
        var colours: [UInt32] = []
        let indexed: Bool? = image.pixels.withUnsafeBytes { raw in
            indices.withUnsafeMutableBufferPointer { out in
                Self.index(raw, count: count, into: out.baseAddress!, colours: &colours)
            }
        }
        guard let indexed else { return nil }
        width = columns.count
        height = rows.count
        self.interpolate = interpolate
        if indexed {
            samples = Self.window(indices, width: image.width, height: image.height, bytes: 1, columns: columns, rows: rows)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(3 * colours.count)
            for c in colours { bytes += [UInt8(c & 0xFF), UInt8((c >> 8) & 0xFF), UInt8((c >> 16) & 0xFF)] }
            palette = bytes
        } else {
            var rgb = [UInt8](repeating: 0, count: 3 * count)
            image.pixels.withUnsafeBufferPointer { px in
                for i in 0..<count {
                    rgb[3 * i] = px[4 * i]
                    rgb[3 * i + 1] = px[4 * i + 1]
                    rgb[3 * i + 2] = px[4 * i + 2]
                }
            }
            samples = Self.window(rgb, width: image.width, height: image.height, bytes: 3, columns: columns, rows: rows)
            palette = nil
        }
    }

    /// Columns `columns` and rows `rows` of a `width` × `height` image of `bytes`-byte samples,
    /// those outside it taking the nearest edge sample.
    static func window(_ samples: [UInt8], width: Int, height: Int, bytes: Int,
                       columns: Range<Int>, rows: Range<Int>) -> [UInt8] {
        guard columns != 0..<width || rows != 0..<height else { return samples }
        var out: [UInt8] = []
        out.reserveCapacity(columns.count * rows.count * bytes)
        let inside = max(columns.lowerBound, 0)..<min(columns.upperBound, width)
        for r in rows {
            let row = min(max(r, 0), height - 1) * width
            func sample(_ c: Int) -> ArraySlice<UInt8> { samples[((row + c) * bytes)..<((row + c + 1) * bytes)] }
            for _ in columns.lowerBound..<min(0, columns.upperBound) { out += sample(0) }
            if !inside.isEmpty { out += samples[((row + inside.lowerBound) * bytes)..<((row + inside.upperBound) * bytes)] }
            for _ in max(width, columns.lowerBound)..<max(width, columns.upperBound) { out += sample(width - 1) }
        }
        return out
    }

    /// The columns and rows of a `width` × `height` image that Cairo 1.16 writes into a PDF when
    /// it fills `rect` (whose corners are whole pixels of the image) with it, padded
    /// (`CAIRO_EXTEND_PAD`), within `clip` (device space, whole points): the operation's
    /// extents in whole points, taken to the image's pixels and rounded out, if they reach a
    /// whole pixel beyond the image; else the image itself. Cairo works in 24.8 fixed point;
    /// this follows its steps, so that viewers place and resample the same pixels.
    static func cairoWindow(rect: Rect, width: Int, height: Int,
                            clip: (x0: Int, y0: Int, x1: Int, y1: Int)) -> (columns: Range<Int>, rows: Range<Int>) {
        func fixed(_ v: Double) -> Int { Int((v * 256).rounded(.toNearestOrEven)) }
        func floorPixel(_ f: Int) -> Int { f >> 8 }
        func ceilPixel(_ f: Int) -> Int { (f + 255) >> 8 }
        // cairo_rectangle's path: a move to the corner and lines by the sides, each in fixed point.
        let fx = fixed(rect.x), fy = fixed(rect.y)
        let ex0 = max(floorPixel(fx), clip.x0), ex1 = min(ceilPixel(fx + fixed(rect.width)), clip.x1)
        let ey0 = max(floorPixel(fy), clip.y0), ey1 = min(ceilPixel(fy + fixed(rect.height)), clip.y1)
        guard ex0 < ex1, ey0 < ey1 else { return (0..<width, 0..<height) }
        // The pattern matrix: the inverse of translate(x, y) · scale(w / width, h / height), as
        // Cairo composes it.
        let kx = 1 / (rect.width / Double(width)), ky = 1 / (rect.height / Double(height))
        let cx = -rect.x * kx, cy = -rect.y * ky
        let px0 = fixed(Double(ex0) * kx + cx), px1 = fixed(Double(ex1) * kx + cx)
        let py0 = fixed(Double(ey0) * ky + cy), py1 = fixed(Double(ey1) * ky + cy)
        guard ceilPixel(px0) < 0 || ceilPixel(py0) < 0 || floorPixel(px1) > width || floorPixel(py1) > height else {
            return (0..<width, 0..<height)
        }
        return (floorPixel(px0)..<ceilPixel(px1), floorPixel(py0)..<ceilPixel(py1))
    }

    /// Writes each pixel's palette index to `out` and its distinct colours (RGBA words, as
    /// little-endian loads read them) to `colours`: true if there are at most `paletteLimit`,
    /// false if more (`out` then holds nothing useful), nil if a pixel is not opaque.
    private static func index(_ pixels: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<UInt8>,
                              colours: inout [UInt32]) -> Bool? {
        // Open addressing over 1024 slots (at most 256 used); 0 marks an empty slot, and an
        // opaque pixel is never 0.
        let slots = 1024
        var keys = [UInt32](repeating: 0, count: slots)
        var values = [UInt8](repeating: 0, count: slots)
        var fits = true
        var last: UInt32 = 0, lastIndex: UInt8 = 0
        for i in 0..<count {
            let word = UInt32(littleEndian: pixels.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            guard word >> 24 == 0xFF else { return nil }
            // Neighbours along a row often share a colour.
            if word == last {
                out[i] = lastIndex
                continue
            }
            guard fits else { continue }
            var slot = Int((word &* 0x9E37_79B1) >> 22)
            while keys[slot] != 0, keys[slot] != word { slot = (slot + 1) & (slots - 1) }
            if keys[slot] == 0 {
                if colours.count == paletteLimit {
                    // Too many for a palette: only the opacity check goes on.
                    fits = false
                    last = 0
                    continue
                }
                keys[slot] = word
                values[slot] = UInt8(colours.count)
                colours.append(word)
            }
            last = word
            lastIndex = values[slot]
            out[i] = lastIndex
        }
        return fits
    }

    /// Appends the image as object `number`, its samples compressed by `deflater` (uncompressed
    /// should zlib fail).
    func write(number: Int, deflater: Deflater, to out: inout [UInt8]) {
        var stream = samples
        var filter = ""
        if let compressed = deflater.compress(samples) {
            stream = compressed
            filter = "   /Filter /FlateDecode\n"
        }
        out += Array("\(number) 0 obj\n<< /Length \(stream.count)\n\(filter)   /Type /XObject\n   /Subtype /Image\n".utf8)
        out += Array("   /Width \(width)\n   /Height \(height)\n   /ColorSpace ".utf8)
        if let palette {
            out += Array("[ /Indexed /DeviceRGB \(palette.count / 3 - 1) ".utf8)
            Self.appendString(palette, to: &out)
            out += Array(" ]\n".utf8)
        } else {
            out += Array("/DeviceRGB\n".utf8)
        }
        out += Array("   /Interpolate \(interpolate)\n   /BitsPerComponent 8\n>>\nstream\n".utf8)
        out += stream
        out += Array("\nendstream\nendobj\n".utf8)
    }

    /// Appends `bytes` as a PDF literal string: parentheses and backslashes escaped, and line
    /// ends too (a reader would take a bare CR or CR LF inside a string for LF).
    static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "("))
        for b in bytes {
            switch b {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                out += [UInt8(ascii: "\\"), b]
            case 0x0D: out += Array("\\r".utf8)
            case 0x0A: out += Array("\\n".utf8)
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: ")"))
    }
}
