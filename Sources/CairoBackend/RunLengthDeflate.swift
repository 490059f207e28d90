import CPNG
import Foundation

/// A zlib stream (RFC 1950/1951) for PNG image data, built for speed on figures.
///
/// Figures are mostly flat colour: after PNG's Up filter, most bytes are zero or repeat the pixel
/// to their left. This encoder looks for exactly those two repeats — the byte before (distance 1)
/// and the pixel before (distance `pixelBytes`) — instead of searching a hash table as zlib does,
/// and codes each block of tokens with its own Huffman tables. On the zoo's figures it is several
/// times faster than zlib at level 1, for files somewhat larger than zlib's.
/// The output depends only on the input: same bytes in, same bytes out. The hot loops (the scan,
/// the writing of tokens, Adler-32) are C in CPNG's deflate.c, with AVX2 where the CPU has it.
enum RunLengthDeflate {
    /// Tokens per block; each block gets Huffman tables fitted to its own tokens.
    static let blockTokens = 1 << 15

    /// Whether the hot loops use AVX2 (they give the same bytes without).
    static let simd = vanish_png_simd() != 0

    /// The zlib stream of `input`, whose repeats are looked for at distances 1 and `pixelBytes`.
    /// `simd`: false takes the plain-C path of the hot loops (same bytes).
    static func zlib(_ input: UnsafeBufferPointer<UInt8>, pixelBytes: Int, simd: Bool = simd) -> [UInt8] {
        var deflater = Deflater(count: input.count, pixelBytes: pixelBytes, simd: simd)
        defer { deflater.deallocate() }
        if let s = input.baseAddress { _ = deflater.consume(s, from: 0, count: input.count, final: true) }
        return deflater.finish(adler: adler32(input, simd: simd))
    }

    /// The zlib stream of `lines` lines of `lineBytes` bytes, made a few lines at a time by `fill`
    /// into a small window, so they are coded while still in cache and never all held at once.
    ///
    /// `fill(into, first, count, adler)` writes lines `first..<first + count` to `into` and returns
    /// `adler` updated with their bytes. Same bytes as `zlib(_:pixelBytes:simd:)` of all the lines.
    static func zlib(
        lines: Int, lineBytes: Int, pixelBytes: Int, simd: Bool = simd,
        fill: (_ into: UnsafeMutablePointer<UInt8>, _ first: Int, _ count: Int, _ adler: UInt32) -> UInt32
    ) -> [UInt8] {
        var deflater = Deflater(count: lines * lineBytes, pixelBytes: pixelBytes, simd: simd)
        defer { deflater.deallocate() }
        // The bytes before the scan's position that it compares with, at least.
        let keep = (deflater.distance + 7) & ~7
        let capacity = keep + Deflater.lookahead + max(lineBytes, 1 << 15)
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
            i = deflater.consume(window, from: i, count: filled, final: line == lines)
        }
        return deflater.finish(adler: adler)
    }

    /// Tokens, Huffman blocks and the bits written so far of one zlib stream.
    struct Deflater {
        /// How many bytes past a position the scan may look at: a match's 258 bytes and the
        /// 66 bytes of the wide literal test, with room to spare. The scan stops this far before
        /// the end of a window that is not the last, so every decision sees the bytes it would
        /// see in the whole input.
        static let lookahead = 512

        let distance: Int
        private let distanceSymbol: Int
        private let simd: Bool
        private var writer: BitWriter
        private var tokens = TokenBlock(capacity: blockTokens)

        init(count: Int, pixelBytes: Int, simd: Bool) {
            distance = max(1, min(pixelBytes, 32768))
            distanceSymbol = distanceCode(distance)
            self.simd = simd
            writer = BitWriter(capacity: count / 8 + 1024)  // figures compress to about a tenth; it grows if not
            writer.bytes(0x78, 0x01)  // deflate, 32 KiB window, "fastest" level hint; 0x7801 % 31 == 0
        }

        func deallocate() {
            tokens.deallocate()
            writer.deallocate()
        }

        /// Codes `s[start..<count]` (what comes before `start` is the input before it, at least
        /// `distance` bytes of it unless `start` is the input's start), or stops `lookahead`
        /// bytes before `count` unless these are the input's `final` bytes; returns where it stopped.
        mutating func consume(_ s: UnsafePointer<UInt8>, from start: Int, count: Int, final: Bool) -> Int {
            let stop = final ? count : count - Self.lookahead
            var i = start
            while i < stop {
                i = tokens.scan(s, from: i, count: count, stop: stop, distance: distance, distanceSymbol: distanceSymbol, simd: simd)
                if tokens.isFull {
                    tokens.write(to: &writer, final: false, distance: distance)
                    tokens.reset()
                }
            }
            return i
        }

        /// The whole stream: the last block and the input's Adler-32 (`adler`).
        mutating func finish(adler checksum: UInt32) -> [UInt8] {
            tokens.write(to: &writer, final: true, distance: distance)
            writer.alignToByte()
            writer.bytes(UInt8(checksum >> 24), UInt8(checksum >> 16 & 0xFF), UInt8(checksum >> 8 & 0xFF), UInt8(checksum & 0xFF))
            return writer.finish()
        }
    }

    /// The Adler-32 checksum (RFC 1950) of `input` after the bytes whose checksum is `adler`, as
    /// zlib's `adler32` computes it.
    static func adler32(_ input: UnsafeBufferPointer<UInt8>, after adler: UInt32 = 1, simd: Bool = simd) -> UInt32 {
        guard let p = input.baseAddress else { return adler }
        return vanish_adler32(adler, p, input.count, simd ? 1 : 0)
    }

    // MARK: - Tables (RFC 1951, 3.2.5)

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                      4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The length code (0…28, add 257 for the symbol) of each match length 0…258 (0…2 unused).
    static let lengthCode: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 259)
        for length in 3...258 {
            var code = 0
            while code + 1 < lengthBase.count && lengthBase[code + 1] <= length { code += 1 }
            table[length] = UInt8(code)
        }
        return table
    }()

    /// The distance code of `distance` (1…32768).
    static func distanceCode(_ distance: Int) -> Int {
        var code = 0
        while code + 1 < distanceBase.count && distanceBase[code + 1] <= distance { code += 1 }
        return code
    }

    /// The order code-length code lengths are sent in.
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    // MARK: - Huffman codes

    /// Code lengths (at most `limit` bits) for symbols with these frequencies; unused symbols get 0.
    ///
    /// A Huffman tree built from the two queues of leaves and merged nodes (ties: leaf first, then
    /// lower symbol), then lengths over `limit` are folded back as in miniz's
    /// `tdefl_huffman_enforce_max_code_size`, keeping the code complete.
    static func codeLengths(_ frequencies: [Int], limit: Int) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        let symbols = frequencies.indices.filter { frequencies[$0] > 0 }
            .sorted { (frequencies[$0], $0) < (frequencies[$1], $1) }
        let n = symbols.count
        if n == 0 { return lengths }
        if n == 1 {
            lengths[symbols[0]] = 1
            return lengths
        }
        var weight = symbols.map { frequencies[$0] }
        weight.reserveCapacity(2 * n - 1)
        var parent = [Int](repeating: 0, count: 2 * n - 1)
        var leaf = 0, merged = n
        func smallest(_ next: Int) -> Int {
            if leaf < n && (merged >= next || weight[leaf] <= weight[merged]) {
                leaf += 1
                return leaf - 1
            }
            merged += 1
            return merged - 1
        }
        for next in n..<(2 * n - 1) {
            let a = smallest(next), b = smallest(next)
            weight.append(weight[a] + weight[b])
            parent[a] = next
            parent[b] = next
        }
        var depth = [Int](repeating: 0, count: 2 * n - 1)
        for node in stride(from: 2 * n - 3, through: 0, by: -1) { depth[node] = depth[parent[node]] + 1 }
        var countOfLength = [Int](repeating: 0, count: max(limit, depth.max() ?? 0) + 1)
        for k in 0..<n { countOfLength[depth[k]] += 1 }
        if countOfLength.count > limit + 1 {
            for d in (limit + 1)..<countOfLength.count {
                countOfLength[limit] += countOfLength[d]
                countOfLength[d] = 0
            }
            var total = 0
            for d in 1...limit { total += countOfLength[d] << (limit - d) }
            while total > 1 << limit {
                countOfLength[limit] -= 1
                for d in stride(from: limit - 1, through: 1, by: -1) where countOfLength[d] > 0 {
                    countOfLength[d] -= 1
                    countOfLength[d + 1] += 2
                    break
                }
                total -= 1
            }
        }
        // The rarest symbols get the longest codes.
        var k = 0
        for d in stride(from: min(limit, countOfLength.count - 1), through: 1, by: -1) {
            for _ in 0..<countOfLength[d] {
                lengths[symbols[k]] = UInt8(d)
                k += 1
            }
        }
        return lengths
    }

    /// Canonical codes for `lengths`, bit-reversed for a least-significant-bit-first writer.
    static func codes(_ lengths: [UInt8]) -> [UInt16] {
        var countOfLength = [Int](repeating: 0, count: 16)
        for l in lengths where l > 0 { countOfLength[Int(l)] += 1 }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1..<16 {
            code = (code + countOfLength[bits - 1]) << 1
            next[bits] = code
        }
        next[0] = 0
        var out = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, l) in lengths.enumerated() where l > 0 {
            var c = next[Int(l)]
            next[Int(l)] += 1
            var reversed = 0
            for _ in 0..<Int(l) {
                reversed = reversed << 1 | c & 1
                c >>= 1
            }
            out[symbol] = UInt16(reversed)
        }
        return out
    }
}

/// Writes bits least significant first, as deflate packs them, into a growing byte buffer
/// (CPNG's `vanish_bits`). `deallocate()` frees it.
struct BitWriter {
    fileprivate var state = vanish_bits()

    init(capacity: Int) {
        vanish_bits_init(&state, capacity)
    }

    func deallocate() {
        free(state.bytes)
    }

    /// Appends the low `n` bits of `bits` (n ≤ 32; the bits above `n` are zero).
    mutating func write(_ bits: UInt64, _ n: Int) {
        vanish_bits_write(&state, bits, UInt32(n))
    }

    /// Pads with zero bits to the next byte boundary.
    mutating func alignToByte() {
        vanish_bits_align(&state)
    }

    /// Appends whole bytes; the writer must be at a byte boundary.
    mutating func bytes(_ values: UInt8...) {
        for v in values { write(UInt64(v), 8) }
    }

    /// The bytes written, padded to a whole byte.
    mutating func finish() -> [UInt8] {
        alignToByte()
        return Array(UnsafeBufferPointer(start: state.bytes, count: state.count))
    }
}

/// A block's tokens (literals and matches) and their symbol frequencies.
///
/// Plain buffers rather than arrays, filled by CPNG's `vanish_deflate_scan`. `deallocate()` frees them.
struct TokenBlock {
    /// A literal byte is its value; a match is `kind << 16 | (256 + length)`, kind 1 for distance 1
    /// and 2 for the pixel's distance.
    private let tokens: UnsafeMutablePointer<UInt32>
    private var count = 0
    private let literalFrequency: UnsafeMutablePointer<UInt32>
    private let distanceFrequency: UnsafeMutablePointer<UInt32>
    private let capacity: Int
    /// The length code of each match length 0…258.
    private let lengthCode: UnsafeMutablePointer<UInt8>

    init(capacity: Int) {
        self.capacity = capacity
        tokens = .allocate(capacity: capacity + 8)  // the scan stores literals eight at a time
        literalFrequency = .allocate(capacity: 286)
        literalFrequency.initialize(repeating: 0, count: 286)
        distanceFrequency = .allocate(capacity: 30)
        distanceFrequency.initialize(repeating: 0, count: 30)
        lengthCode = .allocate(capacity: 259)
        for (i, code) in RunLengthDeflate.lengthCode.enumerated() { lengthCode[i] = code }
    }

    func deallocate() {
        tokens.deallocate()
        literalFrequency.deallocate()
        distanceFrequency.deallocate()
        lengthCode.deallocate()
    }

    var isFull: Bool { count >= capacity }

    mutating func reset() {
        count = 0
        literalFrequency.update(repeating: 0, count: 286)
        distanceFrequency.update(repeating: 0, count: 30)
    }

    /// Tokenises `s` from `start` until the block is full or the position reaches `stop` (≤ `count`,
    /// the bytes there are); returns where it stopped.
    ///
    /// At each position: the longest run (up to 258 bytes, at least 3) that repeats the byte before
    /// or, if longer, the pixel before (`distance` back, whose distance code is `distanceSymbol`);
    /// else a literal.
    mutating func scan(_ s: UnsafePointer<UInt8>, from start: Int, count: Int, stop: Int, distance: Int, distanceSymbol: Int, simd: Bool) -> Int {
        var n = self.count
        defer { self.count = n }
        return vanish_deflate_scan(
            s, start, count, stop, distance, UInt32(distanceSymbol), tokens, &n, capacity, literalFrequency, distanceFrequency,
            lengthCode, simd ? 1 : 0)
    }

    /// Writes the tokens as one deflate block with dynamic Huffman codes (RFC 1951, 3.2.7);
    /// `distance` is the match distance other than 1.
    func write(to writer: inout BitWriter, final: Bool, distance: Int) {
        var literals = (0..<286).map { Int(literalFrequency[$0]) }
        literals[256] = 1  // end of block
        var distances = (0..<30).map { Int(distanceFrequency[$0]) }
        // Two codes at least in each alphabet, so every code is complete (some inflaters insist).
        if literals.filter({ $0 > 0 }).count < 2 { literals[0] += 1 }
        while distances.filter({ $0 > 0 }).count < 2 { distances[distances[0] == 0 ? 0 : 1] += 1 }
        let literalLengths = RunLengthDeflate.codeLengths(literals, limit: 15)
        let distanceLengths = RunLengthDeflate.codeLengths(distances, limit: 15)
        let literalCodes = RunLengthDeflate.codes(literalLengths)
        let distanceCodes = RunLengthDeflate.codes(distanceLengths)
        let literalCount = max(257, (literalLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        let distanceCount = max(1, (distanceLengths.lastIndex { $0 > 0 } ?? 0) + 1)

        // The code lengths, run-length coded with symbols 16 (repeat), 17 and 18 (zeros).
        let all = Array(literalLengths[0..<literalCount]) + Array(distanceLengths[0..<distanceCount])
        var runs: [(symbol: Int, extra: Int, bits: Int)] = []
        var i = 0
        while i < all.count {
            let value = all[i]
            var run = 1
            while i + run < all.count && all[i + run] == value { run += 1 }
            var left = run
            if value == 0 {
                while left >= 11 { let n = min(left, 138); runs.append((18, n - 11, 7)); left -= n }
                if left >= 3 { runs.append((17, left - 3, 3)); left = 0 }
            } else {
                runs.append((Int(value), 0, 0))
                left -= 1
                while left >= 3 { let n = min(left, 6); runs.append((16, n - 3, 2)); left -= n }
            }
            for _ in 0..<left { runs.append((Int(value), 0, 0)) }
            i += run
        }
        var codeLengthFrequency = [Int](repeating: 0, count: 19)
        for r in runs { codeLengthFrequency[r.symbol] += 1 }
        if codeLengthFrequency.filter({ $0 > 0 }).count < 2 { codeLengthFrequency[codeLengthFrequency[0] == 0 ? 0 : 1] += 1 }
        let codeLengthLengths = RunLengthDeflate.codeLengths(codeLengthFrequency, limit: 7)
        let codeLengthCodes = RunLengthDeflate.codes(codeLengthLengths)
        var codeLengthCount = 19
        while codeLengthCount > 4 && codeLengthLengths[RunLengthDeflate.codeLengthOrder[codeLengthCount - 1]] == 0 { codeLengthCount -= 1 }

        writer.write(final ? 1 : 0, 1)
        writer.write(2, 2)  // dynamic Huffman codes
        writer.write(UInt64(literalCount - 257), 5)
        writer.write(UInt64(distanceCount - 1), 5)
        writer.write(UInt64(codeLengthCount - 4), 4)
        for k in 0..<codeLengthCount { writer.write(UInt64(codeLengthLengths[RunLengthDeflate.codeLengthOrder[k]]), 3) }
        for r in runs {
            writer.write(UInt64(codeLengthCodes[r.symbol]), Int(codeLengthLengths[r.symbol]))
            if r.bits > 0 { writer.write(UInt64(r.extra), r.bits) }
        }

        // The tokens: a literal's code, or a match's length code with its extra bits, in one
        // table lookup each (code bits in the low 32 bits, their count above): bytes, then lengths.
        var symbolBits = [UInt64](repeating: 0, count: 256 + 259)
        for byte in 0..<256 { symbolBits[byte] = UInt64(literalCodes[byte]) | UInt64(literalLengths[byte]) << 32 }
        for length in 3...258 {
            let lcode = Int(lengthCode[length])
            let codeLength = Int(literalLengths[257 + lcode])
            let extra = UInt64(length - RunLengthDeflate.lengthBase[lcode]) << codeLength
            symbolBits[256 + length] = (UInt64(literalCodes[257 + lcode]) | extra) | UInt64(codeLength + RunLengthDeflate.lengthExtra[lcode]) << 32
        }
        func distanceBits(_ distance: Int) -> UInt64 {
            let dcode = RunLengthDeflate.distanceCode(distance)
            let codeLength = Int(distanceLengths[dcode])
            let extra = UInt64(distance - RunLengthDeflate.distanceBase[dcode]) << codeLength
            return (UInt64(distanceCodes[dcode]) | extra) | UInt64(codeLength + RunLengthDeflate.distanceExtra[dcode]) << 32
        }
        vanish_deflate_write_tokens(&writer.state, tokens, count, symbolBits, distanceBits(1), distanceBits(distance))
        writer.write(UInt64(literalCodes[256]), Int(literalLengths[256]))
    }
}
