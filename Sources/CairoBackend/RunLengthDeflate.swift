/// A zlib stream (RFC 1950/1951) for PNG image data, built for speed on figures.
///
/// Figures are mostly flat colour: after PNG's Up filter, most bytes are zero or repeat the pixel
/// to their left. This encoder looks for exactly those two repeats — the byte before (distance 1)
/// and the pixel before (distance `pixelBytes`) — instead of searching a hash table as zlib does,
/// and codes each block of tokens with its own Huffman tables. On the zoo's figures it is several
/// times faster than zlib at level 1, for files somewhat larger than zlib's.
/// The output depends only on the input: same bytes in, same bytes out.
enum RunLengthDeflate {
    /// Tokens per block; each block gets Huffman tables fitted to its own tokens.
    static let blockTokens = 1 << 15

    /// The zlib stream of `input`, whose repeats are looked for at distances 1 and `pixelBytes`.
    static func zlib(_ input: UnsafeBufferPointer<UInt8>, pixelBytes: Int) -> [UInt8] {
        let count = input.count
        var writer = BitWriter(capacity: count / 8 + 1024)  // figures compress to about a tenth; it grows if not
        writer.bytes(0x78, 0x01)  // deflate, 32 KiB window, "fastest" level hint; 0x7801 % 31 == 0
        var tokens = TokenBlock(capacity: blockTokens)
        defer { tokens.deallocate() }
        let distance = max(1, min(pixelBytes, 32768))
        let distanceSymbol = distanceCode(distance)
        if let s = input.baseAddress {
            var i = 0
            while i < count {
                i = tokens.scan(s, from: i, count: count, distance: distance, distanceSymbol: distanceSymbol)
                if tokens.isFull {
                    tokens.write(to: &writer, final: false)
                    tokens.reset()
                }
            }
        }
        tokens.write(to: &writer, final: true)
        writer.alignToByte()
        let checksum = adler32(input)
        writer.bytes(UInt8(checksum >> 24), UInt8(checksum >> 16 & 0xFF), UInt8(checksum >> 8 & 0xFF), UInt8(checksum & 0xFF))
        return writer.finish()
    }

    /// The Adler-32 checksum of `input` (RFC 1950), as zlib's `adler32` computes it.
    ///
    /// Eight bytes at a time: a word adds the first sum eight times to the second, then its bytes'
    /// sum to the first and their sum weighted 8, 7, …, 1 to the second. Filtered figures are
    /// mostly zero bytes, for which only the first step is needed.
    static func adler32(_ input: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard let p = input.baseAddress else { return 1 }
        let base: UInt32 = 65521
        // 5552 bytes (a multiple of 8) is the most that cannot overflow 32 bits between reductions.
        let block = 5552
        var s1: UInt32 = 1, s2: UInt32 = 0
        var i = 0
        let count = input.count
        let raw = UnsafeRawPointer(p)
        while i < count {
            let end = min(count, i + block)
            while i + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian
                s2 &+= s1 &* 8
                if word != 0 {
                    // Bytes b0…b7 (b0 first): s1 gains their sum, s2 their sum weighted 8, 7, …, 1.
                    // Each product's top 16 bits sum four 16-bit lanes times constants, without carries.
                    let even = word & 0x00FF_00FF_00FF_00FF, odd = word >> 8 & 0x00FF_00FF_00FF_00FF
                    let sum = ((even &+ odd) &* 0x0001_0001_0001_0001) >> 48
                    let weighted = ((even &* 0x0008_0006_0004_0002) >> 48) &+ ((odd &* 0x0007_0005_0003_0001) >> 48)
                    s1 &+= UInt32(truncatingIfNeeded: sum)
                    s2 &+= UInt32(truncatingIfNeeded: weighted)
                }
                i += 8
            }
            while i < end {
                s1 &+= UInt32(p[i])
                s2 &+= s1
                i += 1
            }
            s1 %= base
            s2 %= base
        }
        return s2 << 16 | s1
    }

    /// How many bytes from `p` on equal the byte `distance` before each, up to `limit`.
    @inline(__always)
    static func runLength(_ p: UnsafePointer<UInt8>, distance: Int, limit: Int) -> Int {
        var n = 0
        let raw = UnsafeRawPointer(p)
        // Eight bytes at a time while they all match: the overlapping source is already final.
        while n + 8 <= limit {
            let a = raw.loadUnaligned(fromByteOffset: n, as: UInt64.self)
            let b = raw.loadUnaligned(fromByteOffset: n - distance, as: UInt64.self)
            if a != b { return n + (a ^ b).trailingZeroBitCount / 8 }
            n += 8
        }
        while n < limit && p[n] == p[n - distance] { n += 1 }
        return n
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

/// Writes bits least significant first, as deflate packs them, into a growing byte buffer.
///
/// The buffer is a plain allocation (no array uniqueness checks in the innermost loop);
/// `finish()` returns the bytes and frees it.
struct BitWriter {
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var accumulator: UInt64 = 0
    private var bitCount = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        buffer = .allocate(capacity: self.capacity)
    }

    /// Appends the low `n` bits of `bits` (n ≤ 32; the bits above `n` are zero).
    @inline(__always)
    mutating func write(_ bits: UInt64, _ n: Int) {
        accumulator |= bits << UInt64(bitCount)
        bitCount += n
        if bitCount >= 32 {
            if count + 8 > capacity { grow() }
            UnsafeMutableRawPointer(buffer).storeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian, toByteOffset: count, as: UInt32.self)
            count += 4
            accumulator >>= 32
            bitCount -= 32
        }
    }

    /// Doubles the buffer; its new bytes are written before they are read.
    private mutating func grow() {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity)
        bigger.initialize(from: buffer, count: count)
        buffer.deallocate()
        buffer = bigger
        capacity *= 2
    }

    /// Pads with zero bits to the next byte boundary and flushes every whole byte.
    mutating func alignToByte() {
        while bitCount > 0 {
            if count + 1 > capacity { grow() }
            buffer[count] = UInt8(truncatingIfNeeded: accumulator)
            count += 1
            accumulator >>= 8
            bitCount = max(0, bitCount - 8)
        }
        accumulator = 0
    }

    /// Appends whole bytes; the writer must be at a byte boundary.
    mutating func bytes(_ values: UInt8...) {
        for v in values { write(UInt64(v), 8) }
    }

    /// The bytes written, after which the writer must not be used; it must be at a byte boundary.
    mutating func finish() -> [UInt8] {
        alignToByte()
        defer { buffer.deallocate() }
        return Array(UnsafeBufferPointer(start: buffer, count: count))
    }
}

/// A block's tokens (literals and matches) and their symbol frequencies.
///
/// Plain buffers rather than arrays: this is the encoder's innermost loop. `deallocate()` frees them.
struct TokenBlock {
    /// A literal byte is its value; a match is `1 << 31 | length << 16 | distance`.
    private let tokens: UnsafeMutablePointer<UInt32>
    private var count = 0
    private let literalFrequency: UnsafeMutablePointer<Int>
    private let distanceFrequency: UnsafeMutablePointer<Int>
    private let capacity: Int
    /// The length code of each match length 0…258, copied here so the loop reads no global.
    private let lengthCode: UnsafeMutablePointer<UInt8>

    init(capacity: Int) {
        self.capacity = capacity
        tokens = .allocate(capacity: capacity)
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

    /// Tokenises `s` from `start` until the block is full or the input ends; returns where it stopped.
    ///
    /// At each position: the longest run (up to 258 bytes, at least 3) that repeats the byte before
    /// or, if longer, the pixel before (`distance` back, whose distance code is `distanceSymbol`);
    /// else a literal. The block's state lives in locals here: this is the encoder's innermost loop.
    mutating func scan(_ s: UnsafePointer<UInt8>, from start: Int, count: Int, distance: Int, distanceSymbol: Int) -> Int {
        var i = start, n = self.count
        let tokens = self.tokens, literalFrequency = self.literalFrequency, lengthCode = self.lengthCode
        let raw = UnsafeRawPointer(s)
        defer { self.count = n }
        while i < count && n < capacity {
            // Stretches of literals (antialiased edges, text) first: a run of 3 or more at either
            // distance must begin with 3 bytes equal to those 1 or `distance` bytes back, so where
            // neither 3-byte window matches the byte is a literal, found with two comparisons.
            if i >= distance && i + 4 <= count {
                let back = distance
                while i + 4 <= count && n < capacity {
                    let here = raw.loadUnaligned(fromByteOffset: i, as: UInt32.self) & 0x00FF_FFFF
                    if here == raw.loadUnaligned(fromByteOffset: i - 1, as: UInt32.self) & 0x00FF_FFFF
                        || here == raw.loadUnaligned(fromByteOffset: i - back, as: UInt32.self) & 0x00FF_FFFF { break }
                    let byte = s[i]
                    tokens[n] = UInt32(byte)
                    literalFrequency[Int(byte)] += 1
                    n += 1
                    i += 1
                }
                if i >= count || n >= capacity { break }
            }
            let limit = min(258, count - i)
            let byte = s[i]
            var length = 0, from = 1
            if i >= 1 && limit >= 3 && byte == s[i - 1] && s[i + 1] == byte && s[i + 2] == byte {
                length = RunLengthDeflate.runLength(s + i, distance: 1, limit: limit)
            }
            if distance > 1 && i >= distance && limit > max(length, 2) && byte == s[i - distance] {
                let other = RunLengthDeflate.runLength(s + i, distance: distance, limit: limit)
                if other > length && other >= 3 { (length, from) = (other, distance) }
            }
            if length >= 3 {
                tokens[n] = 1 << 31 | UInt32(length) << 16 | UInt32(from)
                literalFrequency[257 + Int(lengthCode[length])] += 1
                distanceFrequency[from == 1 ? 0 : distanceSymbol] += 1
                i += length
            } else {
                tokens[n] = UInt32(byte)
                literalFrequency[Int(byte)] += 1
                i += 1
            }
            n += 1
        }
        return i
    }

    /// Writes the tokens as one deflate block with dynamic Huffman codes (RFC 1951, 3.2.7).
    func write(to writer: inout BitWriter, final: Bool) {
        var literals = Array(UnsafeBufferPointer(start: literalFrequency, count: 286))
        literals[256] = 1  // end of block
        var distances = Array(UnsafeBufferPointer(start: distanceFrequency, count: 30))
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

        // The tokens: a literal's code, and a match's length code with its extra bits, in one
        // table lookup each (code bits in the low 32 bits, their count above).
        var symbolBits = [UInt64](repeating: 0, count: 259)
        var matchBits = [UInt64](repeating: 0, count: 259)
        for byte in 0..<256 { symbolBits[byte] = UInt64(literalCodes[byte]) | UInt64(literalLengths[byte]) << 32 }
        for length in 3...258 {
            let lcode = Int(lengthCode[length])
            let codeLength = Int(literalLengths[257 + lcode])
            let extra = UInt64(length - RunLengthDeflate.lengthBase[lcode]) << codeLength
            matchBits[length] = (UInt64(literalCodes[257 + lcode]) | extra) | UInt64(codeLength + RunLengthDeflate.lengthExtra[lcode]) << 32
        }
        var lastDistance = 0, distanceBits: UInt64 = 0
        symbolBits.withUnsafeBufferPointer { literal in
            matchBits.withUnsafeBufferPointer { match in
                for t in 0..<count {
                    let token = tokens[t]
                    if token < 1 << 31 {
                        let bits = literal[Int(token)]
                        writer.write(bits & 0xFFFF_FFFF, Int(bits >> 32))
                        continue
                    }
                    let bits = match[Int(token >> 16 & 0x1FF)]
                    writer.write(bits & 0xFFFF_FFFF, Int(bits >> 32))
                    let distance = Int(token & 0xFFFF)
                    if distance != lastDistance {
                        let dcode = RunLengthDeflate.distanceCode(distance)
                        let codeLength = Int(distanceLengths[dcode])
                        let extra = UInt64(distance - RunLengthDeflate.distanceBase[dcode]) << codeLength
                        distanceBits = (UInt64(distanceCodes[dcode]) | extra) | UInt64(codeLength + RunLengthDeflate.distanceExtra[dcode]) << 32
                        lastDistance = distance
                    }
                    writer.write(distanceBits & 0xFFFF_FFFF, Int(distanceBits >> 32))
                }
            }
        }
        writer.write(UInt64(literalCodes[256]), Int(literalLengths[256]))
    }
}
