@testable import CairoBackend
import Testing

/// The encoder's Huffman code lengths (`RunLengthDeflate.codeLengths`, shared with
/// `DeflateReference`): complete, within the limit, and as short as Huffman's when the limit
/// does not bind.
@Suite struct HuffmanTests {
    /// Σ 2^(limit − length) over the used symbols: 2^limit exactly for a complete prefix code.
    static func kraft(_ lengths: [UInt8], limit: Int) -> Int {
        lengths.filter { $0 > 0 }.reduce(0) { $0 + 1 << (limit - Int($1)) }
    }

    /// The cost (Σ frequency × length) of an optimal prefix code, by merging the two lightest
    /// weights until one is left: each merge adds its weight once per level it sits under.
    static func huffmanCost(_ frequencies: [Int]) -> Int {
        var weights = frequencies.filter { $0 > 0 }.sorted()
        if weights.count == 1 { return weights[0] }
        var cost = 0
        while weights.count > 1 {
            let merged = weights.removeFirst() + weights.removeFirst()
            cost += merged
            weights.insert(merged, at: weights.firstIndex { $0 >= merged } ?? weights.count)
        }
        return cost
    }

    func expectValid(_ frequencies: [Int], limit: Int, _ comment: Comment) {
        let lengths = RunLengthDeflate.codeLengths(frequencies, limit: limit)
        #expect(lengths.count == frequencies.count)
        #expect(zip(frequencies, lengths).allSatisfy { ($0 == 0) == ($1 == 0) }, "unused symbols, and only they, get no code: \(comment)")
        #expect(lengths.allSatisfy { Int($0) <= limit }, comment)
        let used = frequencies.filter { $0 > 0 }.count
        if used >= 2 { #expect(Self.kraft(lengths, limit: limit) == 1 << limit, "complete: \(comment)") }
        // A more frequent symbol never gets a longer code.
        let byFrequency = frequencies.indices.filter { frequencies[$0] > 0 }.sorted { frequencies[$0] < frequencies[$1] }
        #expect(zip(byFrequency, byFrequency.dropFirst()).allSatisfy { a, b in
            frequencies[a] == frequencies[b] || lengths[b] <= lengths[a]
        }, "\(comment): shorter codes for more frequent symbols")
    }

    @Test func noSymbolOrOneSymbol() {
        #expect(RunLengthDeflate.codeLengths([0, 0, 0], limit: 15) == [0, 0, 0])
        #expect(RunLengthDeflate.codeLengths([0, 5, 0], limit: 15) == [0, 1, 0])
        #expect(RunLengthDeflate.codeLengths([3, 3], limit: 7) == [1, 1])
    }

    @Test func optimalWhenTheLimitDoesNotBind() {
        var state: UInt64 = 1
        for trial in 0..<200 {
            let count = 2 + trial % 287
            let frequencies = (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return state >> 60 < 3 ? 0 : Int(state >> 40) % (1 + trial * 37)
            }
            guard frequencies.filter({ $0 > 0 }).count >= 2 else { continue }
            let lengths = RunLengthDeflate.codeLengths(frequencies, limit: 15)
            expectValid(frequencies, limit: 15, "trial \(trial)")
            if lengths.allSatisfy({ $0 < 15 }) {
                #expect(zip(frequencies, lengths).reduce(0) { $0 + $1.0 * Int($1.1) } == Self.huffmanCost(frequencies), "trial \(trial)")
            }
        }
    }

    @Test func lengthsOverTheLimitAreFoldedBack() {
        // Fibonacci frequencies make Huffman's tree as deep as there are symbols.
        var fibonacci = [1, 1]
        while fibonacci.count < 30 { fibonacci.append(fibonacci[fibonacci.count - 1] + fibonacci[fibonacci.count - 2]) }
        expectValid(fibonacci, limit: 15, "30 Fibonacci frequencies, 15 bits")
        #expect(RunLengthDeflate.codeLengths(fibonacci, limit: 15).max() == 15)
        expectValid(Array(fibonacci.prefix(19)), limit: 7, "19 Fibonacci frequencies, 7 bits (code-length codes)")
        // 286 symbols with one dominant: all but one are rare, and the limit binds.
        expectValid([1_000_000] + Array(repeating: 1, count: 285), limit: 15, "one dominant symbol")
    }
}
