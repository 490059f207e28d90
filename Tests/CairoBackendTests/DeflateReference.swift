@testable import CairoBackend

/// The PNG writer's coding written as plainly as possible, one byte and one bit at a time: the
/// C hot loops (CPNG's deflate.c), with AVX2 or without, must give exactly these bytes.
///
/// Only the Huffman code lengths (`RunLengthDeflate.codeLengths`) are shared with the encoder;
/// `HuffmanTests` checks those on their own.
enum DeflateReference {
    /// A literal byte, or a match of `length` bytes `distance` back.
    enum Token: Equatable {
        case literal(UInt8)
        case match(length: Int, distance: Int)
    }

    /// At each position the longest run (3…258 bytes) repeating the byte before or, only if
    /// longer, the byte `pixelBytes` before; else a literal.
    static func tokens(_ s: [UInt8], pixelBytes: Int) -> [Token] {
        let d = max(1, min(pixelBytes, 32768))
        func run(_ i: Int, _ back: Int, _ limit: Int) -> Int {
            var n = 0
            while n < limit && s[i + n] == s[i + n - back] { n += 1 }
            return n
        }
        var out: [Token] = []
        var i = 0
        while i < s.count {
            let limit = min(258, s.count - i)
            var length = 0, from = 1
            if i >= 1 && limit >= 3 && s[i] == s[i - 1] && s[i + 1] == s[i] && s[i + 2] == s[i] { length = run(i, 1, limit) }
            if d > 1 && i >= d && limit > max(length, 2) && s[i] == s[i - d] {
                let other = run(i, d, limit)
                if other > length && other >= 3 { (length, from) = (other, d) }
            }
            if length >= 3 {
                out.append(.match(length: length, distance: from))
                i += length
            } else {
                out.append(.literal(s[i]))
                i += 1
            }
        }
        return out
    }

    /// Bits least significant first.
    struct Bits {
        var bytes: [UInt8] = []
        var used = 0  // bits of the last byte in use (0: none started)

        mutating func write(_ value: Int, _ n: Int) {
            for k in 0..<n {
                if used == 0 { bytes.append(0) }
                bytes[bytes.count - 1] |= UInt8((value >> k) & 1) << used
                used = (used + 1) % 8
            }
        }

        mutating func align() { used = 0 }
    }

    /// Blocks of `blockTokens` tokens, each with its own dynamic Huffman codes, then the last
    /// (possibly empty) block, then Adler-32.
    static func zlib(_ s: [UInt8], pixelBytes: Int, blockTokens: Int = RunLengthDeflate.blockTokens) -> [UInt8] {
        var bits = Bits()
        bits.write(0x78, 8)
        bits.write(0x01, 8)
        let all = tokens(s, pixelBytes: pixelBytes)
        let size = blockTokens
        var start = 0
        while all.count - start >= size {
            block(all[start..<(start + size)], final: false, into: &bits)
            start += size
        }
        block(all[start...], final: true, into: &bits)
        bits.align()
        let a = adler32(s)
        for shift in [24, 16, 8, 0] { bits.write(Int(a >> UInt32(shift) & 0xFF), 8) }
        return bits.bytes
    }

    static func block(_ tokens: ArraySlice<Token>, final: Bool, into bits: inout Bits) {
        func lengthCode(_ length: Int) -> Int { lengthBase.lastIndex { $0 <= length }! }
        var literals = [Int](repeating: 0, count: 286), distances = [Int](repeating: 0, count: 30)
        for t in tokens {
            switch t {
            case .literal(let b): literals[Int(b)] += 1
            case .match(let length, let distance):
                literals[257 + lengthCode(length)] += 1
                distances[distanceCode(distance)] += 1
            }
        }
        literals[256] = 1
        if literals.filter({ $0 > 0 }).count < 2 { literals[0] += 1 }
        while distances.filter({ $0 > 0 }).count < 2 { distances[distances[0] == 0 ? 0 : 1] += 1 }
        let literalLengths = RunLengthDeflate.codeLengths(literals, limit: 15)
        let distanceLengths = RunLengthDeflate.codeLengths(distances, limit: 15)
        let literalCodes = codes(literalLengths), distanceCodes = codes(distanceLengths)
        let literalCount = max(257, literalLengths.lastIndex { $0 > 0 }! + 1)
        let distanceCount = max(1, distanceLengths.lastIndex { $0 > 0 }! + 1)

        // Code lengths as symbols 0…15, 16 (repeat the last 3–6 times), 17 (3–10 zeros), 18 (11–138 zeros).
        let lengths = Array(literalLengths[0..<literalCount]) + Array(distanceLengths[0..<distanceCount])
        var symbols: [(symbol: Int, extra: Int, bits: Int)] = []
        var i = 0
        while i < lengths.count {
            var run = 1
            while i + run < lengths.count && lengths[i + run] == lengths[i] { run += 1 }
            var left = run
            if lengths[i] == 0 {
                while left >= 11 { let n = min(left, 138); symbols.append((18, n - 11, 7)); left -= n }
                if left >= 3 { symbols.append((17, left - 3, 3)); left = 0 }
            } else {
                symbols.append((Int(lengths[i]), 0, 0))
                left -= 1
                while left >= 3 { let n = min(left, 6); symbols.append((16, n - 3, 2)); left -= n }
            }
            symbols += Array(repeating: (Int(lengths[i]), 0, 0), count: left)
            i += run
        }
        var frequency = [Int](repeating: 0, count: 19)
        for s in symbols { frequency[s.symbol] += 1 }
        if frequency.filter({ $0 > 0 }).count < 2 { frequency[frequency[0] == 0 ? 0 : 1] += 1 }
        let codeLengthLengths = RunLengthDeflate.codeLengths(frequency, limit: 7)
        let codeLengthCodes = codes(codeLengthLengths)
        var codeLengthCount = 19
        while codeLengthCount > 4 && codeLengthLengths[codeLengthOrder[codeLengthCount - 1]] == 0 { codeLengthCount -= 1 }

        bits.write(final ? 1 : 0, 1)
        bits.write(2, 2)
        bits.write(literalCount - 257, 5)
        bits.write(distanceCount - 1, 5)
        bits.write(codeLengthCount - 4, 4)
        for k in 0..<codeLengthCount { bits.write(Int(codeLengthLengths[codeLengthOrder[k]]), 3) }
        for s in symbols {
            bits.write(Int(codeLengthCodes[s.symbol]), Int(codeLengthLengths[s.symbol]))
            bits.write(s.extra, s.bits)
        }
        for t in tokens {
            switch t {
            case .literal(let b): bits.write(Int(literalCodes[Int(b)]), Int(literalLengths[Int(b)]))
            case .match(let length, let distance):
                let l = lengthCode(length), d = distanceCode(distance)
                bits.write(Int(literalCodes[257 + l]), Int(literalLengths[257 + l]))
                bits.write(length - lengthBase[l], lengthExtra[l])
                bits.write(Int(distanceCodes[d]), Int(distanceLengths[d]))
                bits.write(distance - distanceBase[d], distanceExtra[d])
            }
        }
        bits.write(Int(literalCodes[256]), Int(literalLengths[256]))
    }

    // MARK: - RFC 1951, 3.2

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                               4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    /// The order code-length code lengths are sent in.
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static func distanceCode(_ distance: Int) -> Int { distanceBase.lastIndex { $0 <= distance }! }

    /// Canonical codes for `lengths` (3.2.2), bit-reversed for writing least significant bit first.
    static func codes(_ lengths: [UInt8]) -> [Int] {
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1..<16 {
            code = (code + lengths.filter { Int($0) == bits - 1 && $0 > 0 }.count) << 1
            next[bits] = code
        }
        return lengths.map { l in
            guard l > 0 else { return 0 }
            let c = next[Int(l)]
            next[Int(l)] += 1
            return (0..<Int(l)).reduce(0) { $0 << 1 | (c >> $1 & 1) }
        }
    }

    /// Adler-32 by its definition (RFC 1950, 9).
    static func adler32(_ s: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in s {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    /// PNG lines (filter type 2, Up) of 8-bit RGB from opaque ARGB words, `width` per row.
    static func upFilteredRGB(_ pixels: [UInt32], width: Int) -> [UInt8] {
        var out: [UInt8] = []
        for y in 0..<(pixels.count / max(width, 1)) {
            out.append(2)
            for x in 0..<width {
                let p = pixels[y * width + x], above = y > 0 ? pixels[(y - 1) * width + x] : 0
                for shift: UInt32 in [16, 8, 0] { out.append(UInt8(truncatingIfNeeded: p >> shift) &- UInt8(truncatingIfNeeded: above >> shift)) }
            }
        }
        return out
    }
}
