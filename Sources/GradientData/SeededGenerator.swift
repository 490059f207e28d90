/// A small, fast, seedable random number generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random number of a run comes from a generator like this one, owned by that run, so a
/// spec and seed give the same numbers on any machine, thread count or Swift version (the
/// standard library's shuffles and samplers are not used because their algorithms may change).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    /// Box–Muller yields normals in pairs; the second one waits here.
    private var spareNormal: Double?

    /// A generator for `seed`; different `stream`s of one seed are independent sequences.
    public init(seed: Int, stream: Int = 0) {
        var mixer = UInt64(bitPattern: Int64(seed))
        // Stir the stream in after one SplitMix round so neighbouring streams decorrelate.
        mixer = Self.splitMix(&mixer) ^ (UInt64(bitPattern: Int64(stream)) &* 0xD1B5_4A32_D192_ED03)
        state = (Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer))
        spareNormal = nil
    }

    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal N(0, 1) by the Box–Muller transform.
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let radius = (-2 * log(1 - nextUniform())).squareRoot()
        let angle = 2 * Double.pi * nextUniform()
        spareNormal = radius * sin(angle)
        return radius * cos(angle)
    }

    /// A uniform integer in 0..<bound (bound > 0), without modulo bias.
    public mutating func nextIndex(below bound: Int) -> Int {
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit
        while true {
            let value = next()
            if value >= threshold { return Int(value % limit) }
        }
    }

    /// Shuffles `values` in place (Fisher–Yates, from the last element down).
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for index in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(index, nextIndex(below: index + 1))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
