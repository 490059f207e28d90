import CPNG
import Foundation

/// A zlib stream (RFC 1950/1951) for PNG image data, built for speed on figures.
///
/// Figures are mostly flat colour: after PNG's Up filter, most bytes are zero or repeat the pixel
/// to their left. This encoder looks for exactly those two repeats — the byte before (distance 1)
/// and the pixel before (distance `pixelBytes`) — instead of searching a hash table as zlib does,
/// and codes each block of tokens with its own Huffman tables. On the zoo's figures it is several
/// times faster than zlib at level 1, for files somewhat larger than zlib's.
/// The output depends only on the input: same bytes in, same bytes out. All of it — the scan,
/// Huffman codes, the writing of blocks, Adler-32 — is C in CPNG's deflate.c, with AVX2 where
/// the CPU has it.
enum RunLengthDeflate {
    /// Tokens per block; each block gets Huffman tables fitted to its own tokens.
    static let blockTokens = 1 << 15

    /// Whether the hot loops use AVX2 (they give the same bytes without).
    static let simd = vanish_png_simd() != 0

    /// The zlib stream of `input`, whose repeats are looked for at distances 1 and `pixelBytes`.
    /// `simd`: false takes the plain-C path of the hot loops (same bytes).
    static func zlib(_ input: UnsafeBufferPointer<UInt8>, pixelBytes: Int, blockTokens: Int = blockTokens, simd: Bool = simd) -> [UInt8] {
        let stream = vanish_deflate_create(pixelBytes, input.count / 8, 0, blockTokens, simd ? 1 : 0)
        defer { vanish_deflate_destroy(stream) }
        if let s = input.baseAddress { _ = vanish_deflate_consume(stream, s, 0, input.count, 1) }
        var bytes: UnsafeMutablePointer<UInt8>?
        let count = vanish_deflate_finish(stream, adler32(input, simd: simd), 0, &bytes)
        defer { free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// The zlib stream of `lines` lines of `lineBytes` bytes, made a few lines at a time by `fill`
    /// into a small window, so they are coded while still in cache and never all held at once.
    ///
    /// `fill(into, first, count, adler)` writes lines `first..<first + count` to `into` and returns
    /// `adler` updated with their bytes. Same bytes as `zlib(_:pixelBytes:blockTokens:simd:)` of all the lines.
    static func zlib(
        lines: Int, lineBytes: Int, pixelBytes: Int, blockTokens: Int = blockTokens, simd: Bool = simd,
        fill: (_ into: UnsafeMutablePointer<UInt8>, _ first: Int, _ count: Int, _ adler: UInt32) -> UInt32
    ) -> [UInt8] {
        let (bytes, count) = zlib(
            lines: lines, lineBytes: lineBytes, pixelBytes: pixelBytes, before: 0, after: 0, blockTokens: blockTokens, simd: simd, fill: fill)
        defer { free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// As `zlib(lines:lineBytes:pixelBytes:blockTokens:simd:fill:)`, but the stream is left where it
    /// was written, at offset `before` of a malloc'd buffer with `after` spare bytes after it, so
    /// that a container (a PNG chunk) can be put around it without copying it. Returns the buffer,
    /// which the caller frees with `free`, and the stream's length.
    static func zlib(
        lines: Int, lineBytes: Int, pixelBytes: Int, before: Int, after: Int, blockTokens: Int = blockTokens, simd: Bool = simd,
        fill: (_ into: UnsafeMutablePointer<UInt8>, _ first: Int, _ count: Int, _ adler: UInt32) -> UInt32
    ) -> (bytes: UnsafeMutablePointer<UInt8>, count: Int) {
        // Figures compress to about a tenth; the buffer grows if not.
        let stream = vanish_deflate_create(pixelBytes, lines * lineBytes / 8, before, blockTokens, simd ? 1 : 0)
        defer { vanish_deflate_destroy(stream) }
        // The bytes before the scan's position that it compares with, at least.
        let keep = (max(1, min(pixelBytes, 32768)) + 7) & ~7
        let lookahead = Int(VANISH_DEFLATE_LOOKAHEAD)
        let capacity = keep + lookahead + max(lineBytes, 1 << 15)
        let window = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { window.deallocate() }
        var adler: UInt32 = 1
        var filled = 0, i = 0, line = 0
        while line < lines {
            // Slide what is left to scan (and the `keep` bytes before it) to the front, then add
            // every whole line that fits: at least one, as at most `lookahead` bytes are left.
            let from = max(0, i - keep)
            if from > 0 {
                memmove(window, window + from, filled - from)
                filled -= from
                i -= from
            }
            let count = min(lines - line, (capacity - filled) / lineBytes)
            adler = fill(window + filled, line, count, adler)
            filled += count * lineBytes
            line += count
            i = vanish_deflate_consume(stream, window, i, filled, line == lines ? 1 : 0)
        }
        var bytes: UnsafeMutablePointer<UInt8>?
        let count = vanish_deflate_finish(stream, adler, after, &bytes)
        return (bytes!, count)
    }

    /// The Adler-32 checksum (RFC 1950) of `input` after the bytes whose checksum is `adler`, as
    /// zlib's `adler32` computes it.
    static func adler32(_ input: UnsafeBufferPointer<UInt8>, after adler: UInt32 = 1, simd: Bool = simd) -> UInt32 {
        guard let p = input.baseAddress else { return adler }
        return vanish_adler32(adler, p, input.count, simd ? 1 : 0)
    }

    /// The CRC-32 of PNG chunks (as zlib's `crc32`) of `input` after the bytes whose CRC is `crc`.
    static func crc32(_ input: UnsafeRawBufferPointer, after crc: UInt32 = 0, simd: Bool = simd) -> UInt32 {
        guard let p = input.baseAddress else { return crc }
        return vanish_crc32(crc, p.assumingMemoryBound(to: UInt8.self), input.count, simd ? 1 : 0)
    }

    /// The encoder's Huffman code lengths (CPNG's `vanish_huffman_lengths`): at most `limit` bits
    /// for symbols with these frequencies (at most 288 of them), 0 for the unused ones.
    static func codeLengths(_ frequencies: [Int], limit: Int) -> [UInt8] {
        precondition(frequencies.count <= Int(VANISH_HUFFMAN_MAX_SYMBOLS) && (1...15).contains(limit))
        let counts = frequencies.map { UInt32($0) }
        var lengths = [UInt8](repeating: 0, count: counts.count)
        vanish_huffman_lengths(counts, counts.count, UInt32(limit), &lengths)
        return lengths
    }
}
