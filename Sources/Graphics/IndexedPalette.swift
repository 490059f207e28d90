/// At most 256 colours for a set of images (the frames of an animated GIF), and the index of
/// every pixel colour of those images: each pixel goes to its nearest palette colour, without
/// dithering, so flat areas stay flat.
///
/// The palette is `leading` first (a figure's colour-map entries and its text, background and line
/// colours, so those are exact; those the images never show are left out), then, one at a time,
/// the colour whose pixels lie farthest from the palette so far, weighted by how many there are:
/// large flat areas get their own entry, and a rare colour far from all others still gets one.
/// Pixels less than `opaqueFrom`/255 opaque map to one transparent index, reserved only if there are any.
public struct IndexedPalette: Sendable {
    /// The least alpha (of 255) drawn opaque. GIF has no partial transparency: a low threshold keeps
    /// the thin, mostly translucent strokes of small type (a superscript minus) rather than dropping them.
    public static let opaqueFrom: UInt32 = 40

    /// Palette colours as `RasterImage.word`s with alpha 255; the transparent entry, if any, is last.
    public let colors: [UInt32]
    /// The index of "no colour" (pixels less than `opaqueFrom` opaque), nil if no pixel needed it.
    public let transparentIndex: Int?
    /// The palette index of each 24-bit colour the images hold (`red | green << 8 | blue << 16`); 0 elsewhere.
    private let lookup: [UInt8]

    /// How many of the most frequent colours compete for the entries after `leading`; rarer ones
    /// (single antialiased pixels) take their nearest entry.
    public static let candidateCount = 16384

    /// The palette of `images` with `leading` first (duplicates dropped, at most `capacity` kept).
    public init(leading: [Color], images: [RasterImage], capacity: Int = 256) {
        precondition((2...256).contains(capacity), "a palette holds 2 to 256 colours")
        // How often each 24-bit colour occurs in all images: one flat table beats hashing 10⁷ pixels.
        var counts = [UInt32](repeating: 0, count: 1 << 24)
        var transparentPixels = 0
        counts.withUnsafeMutableBufferPointer { counts in
            for image in images {
                image.pixels.withUnsafeBytes { raw in
                    let words = raw.bindMemory(to: UInt32.self)
                    for word in words {
                        let w = UInt32(littleEndian: word)
                        if w >> 24 < Self.opaqueFrom { transparentPixels += 1 } else { counts[Int(w & 0xFF_FFFF)] &+= 1 }
                    }
                }
            }
        }
        let room = transparentPixels > 0 ? capacity - 1 : capacity
        let present = (0..<counts.count).compactMap { counts[$0] > 0 ? UInt32($0) : nil }
        // Leading colours the images use, exact; one they never show would waste an entry.
        var chosen: [UInt32] = []
        for color in leading {
            let rgb = RasterImage.word(color.withAlpha(1)) & 0xFF_FFFF
            if chosen.count < room, counts[Int(rgb)] > 0, !chosen.contains(rgb) { chosen.append(rgb) }
        }
        // Then the colour costing most (pixels × squared distance to its nearest entry so far),
        // again and again, among the most frequent colours: flat areas first, outliers not forgotten.
        // Equal counts go by colour value, so nothing depends on order of discovery.
        let frequent = present.sorted { counts[Int($0)] != counts[Int($1)] ? counts[Int($0)] > counts[Int($1)] : $0 < $1 }
            .prefix(Self.candidateCount)
        var candidates = frequent.map { (rgb: $0, count: Double(counts[Int($0)]), distance: Self.squaredDistanceToNearest($0, in: chosen)) }
        while chosen.count < room {
            var best = -1, bestCost = 0.0
            for (i, c) in candidates.enumerated() where c.count * Double(c.distance) > bestCost {
                best = i
                bestCost = c.count * Double(c.distance)
            }
            guard best >= 0 else { break }
            let picked = candidates[best].rgb
            chosen.append(picked)
            for i in candidates.indices {
                candidates[i].distance = min(candidates[i].distance, Self.squaredDistance(candidates[i].rgb, picked))
            }
        }
        if chosen.isEmpty { chosen.append(0xFF_FFFF) }

        // Nearest palette colour of every colour present, in parallel chunks.
        let palette = chosen
        let chunk = 4096
        let nearest = Concurrently.map((present.count + chunk - 1) / chunk) { c in
            present[(c * chunk)..<min(present.count, (c + 1) * chunk)].map { UInt8(Self.nearestIndex($0, in: palette)) }
        }
        var lookup = [UInt8](repeating: 0, count: 1 << 24)
        var k = 0
        for block in nearest {
            for index in block {
                lookup[Int(present[k])] = index
                k += 1
            }
        }
        self.lookup = lookup
        var words = chosen.map { $0 | 0xFF00_0000 }
        if transparentPixels > 0 {
            transparentIndex = words.count
            words.append(0xFF00_0000)
        } else {
            transparentIndex = nil
        }
        colors = words.map { UInt32(littleEndian: $0) }
    }

    /// The palette index of every pixel of `image`, row-major; `image` must be one the palette was built from.
    public func indices(_ image: RasterImage) -> [UInt8] {
        let transparent = UInt8(transparentIndex ?? 0)
        var out = [UInt8](repeating: 0, count: image.width * image.height)
        lookup.withUnsafeBufferPointer { lookup in
            out.withUnsafeMutableBufferPointer { out in
                image.pixels.withUnsafeBytes { raw in
                    let words = raw.bindMemory(to: UInt32.self)
                    for i in 0..<words.count {
                        let w = UInt32(littleEndian: words[i])
                        out[i] = w >> 24 < Self.opaqueFrom ? transparent : lookup[Int(w & 0xFF_FFFF)]
                    }
                }
            }
        }
        return out
    }

    /// The index of the palette colour nearest to `rgb` (squared distance in RGB; ties to the lower index).
    static func nearestIndex(_ rgb: UInt32, in palette: [UInt32]) -> Int {
        let r = Int(rgb & 0xFF), g = Int(rgb >> 8 & 0xFF), b = Int(rgb >> 16 & 0xFF)
        var best = 0, bestDistance = Int.max
        for (i, p) in palette.enumerated() {
            let dr = r - Int(p & 0xFF), dg = g - Int(p >> 8 & 0xFF), db = b - Int(p >> 16 & 0xFF)
            let d = dr * dr + dg * dg + db * db
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }

    /// The squared RGB distance of two 24-bit colours.
    static func squaredDistance(_ a: UInt32, _ b: UInt32) -> Int {
        let dr = Int(a & 0xFF) - Int(b & 0xFF), dg = Int(a >> 8 & 0xFF) - Int(b >> 8 & 0xFF), db = Int(a >> 16 & 0xFF) - Int(b >> 16 & 0xFF)
        return dr * dr + dg * dg + db * db
    }

    /// The squared distance from `rgb` to the nearest colour of `palette` (Int.max if it is empty).
    static func squaredDistanceToNearest(_ rgb: UInt32, in palette: [UInt32]) -> Int {
        palette.reduce(Int.max) { min($0, squaredDistance(rgb, $1)) }
    }
}
