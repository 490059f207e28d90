import CCairo
import CPNG
import Foundation

/// Writes Cairo image surfaces as PNG files, tuned for figures (flat colour, sharp edges).
///
/// Cairo's own writer (libpng's adaptive filters, zlib level 6) took ≈ 32 ms of CPU for a
/// 1280 × 800 heatmap figure whose drawing took ≈ 1 ms, and zlib at any level still spent most
/// of a report's time compressing. Here every row gets the Up filter (a row that repeats the one
/// above becomes all zeros, and a run of one colour becomes a run of one pixel value), and
/// `RunLengthDeflate` codes exactly those repeats, several times faster than zlib. Same pixels,
/// same bytes: nothing depends on the time or the machine.
enum PNGWriter {
    /// PNG bytes for an ARGB32 surface: 8-bit RGB when every pixel is opaque, else 8-bit RGBA,
    /// with a pHYs chunk recording `dpi`. Colour is divided by alpha again (PNG is straight alpha).
    ///
    /// `opaque`: the caller knows every pixel is opaque (an opaque background was painted first),
    /// which saves looking at every pixel's alpha. `simd`: false codes without AVX2 (same bytes).
    static func encode(_ surface: CairoSurface, dpi: Double, opaque knownOpaque: Bool = false, simd: Bool = RunLengthDeflate.simd) throws -> Data {
        cairo_surface_flush(surface.pointer)
        try CairoError.check(surface.status, "cairo_surface_flush")
        guard cairo_image_surface_get_format(surface.pointer) == CAIRO_FORMAT_ARGB32,
            let data = cairo_image_surface_get_data(surface.pointer)
        else { throw CairoError.cairo(call: "PNG encoding", status: "surface is not an ARGB32 image") }
        let width = Int(cairo_image_surface_get_width(surface.pointer))
        let height = Int(cairo_image_surface_get_height(surface.pointer))
        let stride = Int(cairo_image_surface_get_stride(surface.pointer))
        func row(_ y: Int) -> UnsafePointer<UInt32> {
            UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
        }

        var opaque = true
        for y in 0..<height where opaque && !knownOpaque {
            let r = row(y)
            for x in 0..<width where r[x] >> 24 != 0xFF {
                opaque = false
                break
            }
        }
        let channels = opaque ? 3 : 4
        let rowBytes = width * channels
        let lineBytes = rowBytes + 1

        // The chunks before the image data, then the IDAT chunk's length and type.
        var head = signature
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, opaque ? 2 : 6, 0, 0, 0])  // depth, colour type, deflate, filters, no interlace
        appendChunk("IHDR", header, to: &head)
        if dpi.isFinite, dpi > 0 {
            let perMetre = UInt32(min(Double(UInt32.max), (dpi / 0.0254).rounded()))
            var phys: [UInt8] = []
            phys.appendBigEndian(perMetre)
            phys.appendBigEndian(perMetre)
            phys.append(1)  // unit: metre
            appendChunk("pHYs", phys, to: &head)
        }
        let iend: [UInt8] = [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82]  // empty, and its CRC
        let before = head.count + 8

        // Lines of filter type 2 (Up): every sample minus the one above (above the first row: zeros),
        // coded straight into the file's buffer after `head`.
        let stream: (bytes: UnsafeMutablePointer<UInt8>, count: Int)
        if opaque {
            stream = RunLengthDeflate.zlib(lines: height, lineBytes: lineBytes, pixelBytes: channels, before: before, after: 4 + iend.count, simd: simd) { out, first, count, adler in
                vanish_png_filter_opaque(data, stride, width, first, count, out, adler, simd ? 1 : 0)
            }
        } else {
            // The straight-alpha samples of the row above and of this one.
            let rows = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * rowBytes)
            defer { rows.deallocate() }
            var previous = rows, current = rows + rowBytes
            previous.initialize(repeating: 0, count: rowBytes)
            stream = RunLengthDeflate.zlib(lines: height, lineBytes: lineBytes, pixelBytes: channels, before: before, after: 4 + iend.count, simd: simd) { out, first, count, adler in
                for y in first..<(first + count) {
                    let line = out + (y - first) * lineBytes
                    line[0] = 2
                    if y > 0 && memcmp(row(y), row(y - 1), width * 4) == 0 {
                        (line + 1).initialize(repeating: 0, count: rowBytes)
                        continue
                    }
                    CairoSurface.straightAlpha(row(y), width: width, channels: channels, into: current)
                    for i in 0..<rowBytes { line[1 + i] = current[i] &- previous[i] }
                    swap(&previous, &current)
                }
                return RunLengthDeflate.adler32(UnsafeBufferPointer(start: out, count: count * lineBytes), after: adler, simd: simd)
            }
        }

        // One IDAT chunk around the stream, then IEND: the whole file in the stream's buffer.
        guard stream.count <= Int(Int32.max) else {
            free(stream.bytes)
            throw CairoError.cairo(call: "PNG encoding", status: "image data over 2 GiB")
        }
        let file = stream.bytes
        head.withUnsafeBufferPointer { file.update(from: $0.baseAddress!, count: $0.count) }
        var idat: [UInt8] = []
        idat.appendBigEndian(UInt32(stream.count))
        idat.append(contentsOf: "IDAT".utf8)
        (file + head.count).update(from: idat, count: 8)
        let typeAndData = UnsafeRawBufferPointer(start: file + head.count + 4, count: 4 + stream.count)
        var end: [UInt8] = []
        end.appendBigEndian(RunLengthDeflate.crc32(typeAndData, simd: simd))
        end.append(contentsOf: iend)
        (file + before + stream.count).update(from: end, count: end.count)
        return Data(bytesNoCopy: file, count: before + stream.count + end.count, deallocator: .free)
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    private static func appendChunk(_ type: String, _ body: [UInt8], to png: inout [UInt8]) {
        png.appendBigEndian(UInt32(body.count))
        let typed = Array(type.utf8) + body
        png.append(contentsOf: typed)
        png.appendBigEndian(typed.withUnsafeBytes { RunLengthDeflate.crc32($0) })
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }
}
