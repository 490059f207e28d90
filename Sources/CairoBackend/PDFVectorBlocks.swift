import CCairo
import CZlib
import Foundation
import Graphics

/// Runs of plain vector drawing on PDF pages that vanish writes itself, as Form XObjects
/// (`PDFVectorContent`), while Cairo writes the rest of the file.
///
/// In place of such a run (consecutive fills, strokes and unclipped groups of them, with
/// enough path elements to be worth it: a fading diagram's layers) `place` has Cairo paint a
/// placeholder, a 4 × 1 opaque image whose pixels name the run, stretched over the run's
/// bounds; Cairo writes it as an image XObject painted with `cm … Do`. Once Cairo has
/// finished the file, `substitute` replaces each placeholder's object by a Form XObject
/// holding the run, whose `/Matrix` maps the run's coordinates back onto the image's unit
/// square, so it lands where the run would have been drawn; faded groups become further
/// objects, and the cross-reference table is rewritten. A placeholder that cannot be found
/// exactly once makes `substitute` throw, and the file is then rendered by Cairo alone.
///
/// Opaque images drawn without smoothing go the same way (`placeImage`): the placeholder
/// covers the image's rectangle and its object becomes the image (`PDFImage`).
final class PDFVectorBlocks {
    struct Block {
        enum Content {
            case vector(ArraySlice<SceneItem>)
            case image(PDFImage)
        }
        var content: Content
        /// The placeholder's rectangle (user space): for a run, its bounds grown to whole
        /// points; for an image, the image's rectangle.
        var rect: Rect
    }

    private(set) var blocks: [Block] = []

    /// A run with fewer path elements than this is left to Cairo (a placeholder and a form of
    /// their own cost about as much as Cairo printing that many).
    static let minimumElements = 64

    /// The end of the run of items from `start` on that `PDFVectorContent` can write.
    static func runEnd(_ items: [SceneItem], from start: Int) -> Int {
        var end = start
        while end < items.count, PDFVectorContent.supports(items[end]) { end += 1 }
        return end
    }

    /// Draws the placeholder of `run` on `cr` and keeps the run for `substitute`; false, having
    /// drawn nothing, when the run is too small to be worth it or paints nothing.
    func place(_ run: ArraySlice<SceneItem>, on cr: OpaquePointer) throws -> Bool {
        guard Self.elements(run) >= Self.minimumElements, let bounds = SceneReplay.bounds(of: Array(run)),
              bounds.width > 0, bounds.height > 0
        else { return false }
        // Whole points, a point more all round: Cairo then prints the image's matrix exactly,
        // and antialiasing stays inside the form's box.
        let x0 = bounds.minX.rounded(.down) - 1, y0 = bounds.minY.rounded(.down) - 1
        let rect = Rect(x: x0, y: y0, width: bounds.maxX.rounded(.up) + 1 - x0, height: bounds.maxY.rounded(.up) + 1 - y0)
        guard Self.inClip(rect, on: cr) != nil, try paintPlaceholder(over: rect, on: cr) else { return false }
        blocks.append(Block(content: .vector(run), rect: rect))
        return true
    }

    /// Draws a placeholder for `image` over `rect` on `cr` and keeps the image for
    /// `substitute`; false, having drawn nothing, for an image Cairo is to write: one drawn
    /// smoothly, one with a pixel that is not opaque (Cairo adds a soft mask), or a rectangle
    /// that is not finite and positive.
    ///
    /// The placeholder fills `rect` as `SceneReplay.drawImage` does, so Cairo writes the same
    /// clip; it covers the pixels Cairo would have padded the image to (`PDFImage.cairoWindow`).
    func placeImage(_ image: RasterImage, in rect: Rect, interpolation: ImageInterpolation, on cr: OpaquePointer) throws -> Bool {
        guard interpolation == .nearest, image.width > 0, image.height > 0,
              [rect.x, rect.y, rect.width, rect.height].allSatisfy({ $0.isFinite && abs($0) < PDFVectorContent.limit }),
              rect.width > 0, rect.height > 0,
              Double(image.width) / rect.width < 1e6, Double(image.height) / rect.height < 1e6
        else { return false }
        guard let extents = Self.inClip(rect, on: cr) else { return false }
        let clip = (x0: Int(extents.x0.rounded(.down)), y0: Int(extents.y0.rounded(.down)),
                    x1: Int(extents.x1.rounded(.up)), y1: Int(extents.y1.rounded(.up)))
        let window = PDFImage.cairoWindow(rect: rect, width: image.width, height: image.height, clip: clip)
        guard let written = PDFImage(image, columns: window.columns, rows: window.rows, interpolate: false) else { return false }
        let sx = rect.width / Double(image.width), sy = rect.height / Double(image.height)
        let covered = Rect(x: rect.x + Double(window.columns.lowerBound) * sx, y: rect.y + Double(window.rows.lowerBound) * sy,
                           width: Double(window.columns.count) * sx, height: Double(window.rows.count) * sy)
        guard try paintPlaceholder(over: covered, filling: rect, on: cr) else { return false }
        blocks.append(Block(content: .image(written), rect: covered))
        return true
    }

    /// The extents of `cr`'s clip (the page when unclipped), if `rect` overlaps them.
    ///
    /// Cairo records nothing for a placeholder painted wholly outside the clip, and a file
    /// whose placeholder is missing is rendered again by Cairo alone: such drawing stays
    /// Cairo's, which draws nothing of it either.
    static func inClip(_ rect: Rect, on cr: OpaquePointer) -> (x0: Double, y0: Double, x1: Double, y1: Double)? {
        var x0 = 0.0, y0 = 0.0, x1 = 0.0, y1 = 0.0
        cairo_clip_extents(cr, &x0, &y0, &x1, &y1)
        guard [x0, y0, x1, y1].allSatisfy({ $0.isFinite && abs($0) < 1e9 }),
              rect.minX < x1, rect.maxX > x0, rect.minY < y1, rect.maxY > y0
        else { return nil }
        return (x0, y0, x1, y1)
    }

    /// Paints the placeholder of the next block over `rect`: its image's unit square lands on
    /// `rect`, first row at the top; only within `filling` if given. False if Cairo gave no
    /// image to paint.
    private func paintPlaceholder(over rect: Rect, filling: Rect? = nil, on cr: OpaquePointer) throws -> Bool {
        let image = try CairoSurface(
            owning: cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(Self.marker.count + 2), 1),
            call: "cairo_image_surface_create (placeholder)")
        cairo_surface_flush(image.pointer)
        guard let data = cairo_image_surface_get_data(image.pointer) else { return false }
        // RGB24 pixels are native-endian words 0x00RRGGBB.
        for (k, word) in Self.pixelWords(blocks.count).enumerated() {
            UnsafeMutableRawPointer(data).storeBytes(of: word, toByteOffset: 4 * k, as: UInt32.self)
        }
        cairo_surface_mark_dirty(image.pointer)
        cairo_save(cr)
        if let filling {
            cairo_new_path(cr)
            cairo_rectangle(cr, filling.x, filling.y, filling.width, filling.height)
        }
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(Self.marker.count + 2), rect.height)
        cairo_set_source_surface(cr, image.pointer, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        if filling != nil {
            cairo_fill(cr)
        } else {
            cairo_paint(cr)
        }
        cairo_restore(cr)
        return true
    }

    static func elements(_ items: ArraySlice<SceneItem>) -> Int {
        items.reduce(0) { sum, item in
            switch item {
            case .fill(let path, _), .stroke(let path, _): return sum + path.elements.count
            case .group(let inner, _, _): return sum + elements(inner[...])
            case .image, .text: return sum
            }
        }
    }

    /// The first two pixels of every placeholder ("vanish" in RGB); the last two hold the
    /// block's index, 24 bits each.
    static let marker: [UInt32] = [0x76_61_6E, 0x69_73_68]

    static func pixelWords(_ index: Int) -> [UInt32] {
        marker + [UInt32((index >> 24) & 0xFF_FFFF), UInt32(index & 0xFF_FFFF)]
    }

    // MARK: - Substitution

    /// `pdf` (as Cairo wrote it, with this object's placeholders) with every placeholder's
    /// object replaced by its block's Form XObject; throws `PDFJoin.Unsupported` if the
    /// placeholders are not each found exactly once.
    func substitute(_ pdf: Data) throws -> Data {
        guard !blocks.isEmpty else { return pdf }
        let file = try PDFJoin.File(Array(pdf))
        var placeholders: [Int: Int] = [:]  // object number → block index
        var found = Set<Int>()
        for number in file.order {
            guard let index = Self.placeholderIndex(Self.object(number, of: file)) else { continue }
            guard index < blocks.count, found.insert(index).inserted else {
                throw PDFJoin.Unsupported(description: "placeholder \(index) is not one of this file's")
            }
            placeholders[number] = index
        }
        guard found.count == blocks.count else {
            throw PDFJoin.Unsupported(description: "\(blocks.count - found.count) placeholders were not written")
        }
        var out = Array(file.bytes[0..<file.objectsStart])
        out.reserveCapacity(file.bytes.count)
        var offsets: [Int: Int] = [:]
        var next = file.size
        let deflater = Deflater()
        for number in file.order {
            guard let index = placeholders[number] else {
                offsets[number] = out.count
                out += Self.object(number, of: file)
                continue
            }
            let block = blocks[index]
            let items: ArraySlice<SceneItem>
            switch block.content {
            case .image(let image):
                offsets[number] = out.count
                image.write(number: number, deflater: deflater, to: &out)
                continue
            case .vector(let run):
                items = run
            }
            let content = PDFVectorContent(items, bounds: block.rect)
            // The root form keeps the placeholder's number; its groups' forms take new ones.
            var numbers = [number]
            for _ in content.forms.dropFirst() {
                numbers.append(next)
                next += 1
            }
            for (k, form) in content.forms.enumerated() {
                offsets[numbers[k]] = out.count
                Self.write(form, number: numbers[k], children: form.children.map { numbers[$0] },
                           matrix: k == 0 ? Self.matrix(block.rect) : nil, deflater: deflater, to: &out)
            }
        }
        try PDFJoin.appendCrossReferences(to: &out, offsets: offsets, size: next, root: file.catalog, info: file.info)
        return Data(out)
    }

    /// Object `number`'s bytes, without copying them.
    static func object(_ number: Int, of file: PDFJoin.File) -> ArraySlice<UInt8> {
        PDFJoin.File.slice(file.bytes, file.start[number], file.end[number])
    }

    /// What a placeholder's dictionary says after its type, as Cairo writes it.
    static let imageHead = Array("/Subtype /Image\n   /Width \(marker.count + 2)\n   /Height 1\n".utf8)

    static let rgbKey = Array("/ColorSpace /DeviceRGB\n".utf8), depthKey = Array("/BitsPerComponent 8\n".utf8)
    static let flateKey = Array("/Filter /FlateDecode".utf8)

    /// The block index a placeholder image object names, or nil if `object` is not one.
    static func placeholderIndex(_ slice: ArraySlice<UInt8>) -> Int? {
        // Most objects are not images: look at their dictionary's first bytes only.
        guard PDFJoin.File.firstRange(of: imageHead, in: Array(slice.prefix(200))) != nil else { return nil }
        let object = Array(slice)
        // Byte searches: Foundation's String search costs more than the rest of this.
        let head = Array(object.prefix(400))
        func has(_ text: [UInt8]) -> Bool { PDFJoin.File.firstRange(of: text, in: head) != nil }
        guard has(rgbKey), has(depthKey),
              let start = PDFJoin.File.firstRange(of: PDFJoin.File.streamMarker, in: object)?.upperBound
        else { return nil }
        var data = Array(object[start...])
        guard let end = PDFJoin.File.firstRange(of: Array("\nendstream".utf8), in: data)?.lowerBound else { return nil }
        data.removeSubrange(end...)
        if has(flateKey) {
            guard let inflated = inflate(data, expected: 3 * (marker.count + 2)) else { return nil }
            data = inflated
        }
        guard data.count == 3 * (marker.count + 2) else { return nil }
        let words = stride(from: 0, to: data.count, by: 3).map { (k: Int) -> UInt32 in
            let red = UInt32(data[k]) << 16, green = UInt32(data[k + 1]) << 8
            return red | green | UInt32(data[k + 2])
        }
        guard Array(words.prefix(marker.count)) == marker else { return nil }
        return Int(words[marker.count]) << 24 | Int(words[marker.count + 1])
    }

    /// `data` inflated, if it inflates to exactly `expected` bytes.
    static func inflate(_ data: [UInt8], expected: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: expected + 1)
        var length = uLongf(output.count)
        let status = uncompress(&output, &length, data, uLong(data.count))
        guard status == Z_OK, Int(length) == expected else { return nil }
        return Array(output.prefix(expected))
    }

    /// The form matrix that undoes the placeholder image's mapping of its unit square onto
    /// `rect`, which Cairo writes with the image's first row at the top:
    /// (u, v) ↦ (x + u w, y + (1 − v) h).
    static func matrix(_ rect: Rect) -> [Double] {
        [1 / rect.width, 0, 0, -1 / rect.height, -rect.x / rect.width, (rect.y + rect.height) / rect.height]
    }

    /// Streams shorter than this are not worth compressing.
    static let compressFrom = 128

    /// Appends form `form` as object `number`, naming its children's objects `children`.
    static func write(_ form: PDFVectorContent.Form, number: Int, children: [Int], matrix: [Double]?,
                      deflater: Deflater, to out: inout [UInt8]) {
        var stream = form.content
        var filter = ""
        if stream.count >= compressFrom, let compressed = deflater.compress(stream) {
            stream = compressed
            filter = "   /Filter /FlateDecode\n"
        }
        var head: [UInt8] = []
        func numbers(_ values: [Double], decimals: Int) {
            for v in values {
                head.append(0x20)
                PDFNumbers.append(v, decimals: decimals, to: &head)
            }
        }
        head += Array("\(number) 0 obj\n<< /Length \(stream.count)\n\(filter)   /Type /XObject\n   /Subtype /Form\n   /BBox [".utf8)
        let box = form.bbox
        numbers([box.minX, box.minY, box.maxX, box.maxY], decimals: 3)
        head += Array(" ]\n".utf8)
        if let matrix {
            head += Array("   /Matrix [".utf8)
            // Ten places: the scale is about 1 / the block's size, and the product of the
            // image's matrix and this one must come out as the identity to well below a pixel.
            numbers(matrix, decimals: 10)
            head += Array(" ]\n".utf8)
        }
        if form.isGroup {
            head += Array("   /Group <<\n      /Type /Group\n      /S /Transparency\n      /I true\n      /CS /DeviceRGB\n   >>\n".utf8)
        }
        head += Array("   /Resources <<\n".utf8)
        if !form.alphas.isEmpty {
            head += Array("      /ExtGState <<".utf8)
            for (k, a) in form.alphas.enumerated() {
                head += Array(" /a\(k) << /CA".utf8)
                numbers([a], decimals: 4)
                head += Array(" /ca".utf8)
                numbers([a], decimals: 4)
                head += Array(" >>".utf8)
            }
            head += Array(" >>\n".utf8)
        }
        if !children.isEmpty {
            head += Array("      /XObject <<".utf8)
            for (k, child) in children.enumerated() { head += Array(" /x\(k) \(child) 0 R".utf8) }
            head += Array(" >>\n".utf8)
        }
        head += Array("   >>\n>>\nstream\n".utf8)
        out += head
        out += stream
        out += Array("\nendstream\nendobj\n".utf8)
    }
}

/// zlib compression of many small streams with one compressor.
///
/// The forms' streams are a few kilobytes each: a 4 KB window and a small hash table
/// (`windowBits` 12, `memLevel` 4) compress them within 2 % of zlib's defaults and make each
/// reset cheap; level 3 gives files about as small as Cairo's level 6 did for the same
/// drawing (its streams are longer), at half the instructions of level 6.
final class Deflater {
    private var stream = z_stream()
    private let ready: Bool

    init() {
        ready = deflateInit2_(&stream, 3, Z_DEFLATED, 12, 4, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit { if ready { deflateEnd(&stream) } }

    /// `bytes` compressed (a zlib stream), or nil if zlib fails.
    func compress(_ bytes: [UInt8]) -> [UInt8]? {
        guard ready, deflateReset(&stream) == Z_OK else { return nil }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let status = bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                // zlib only reads its input (`next_in` is not const in its header).
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
