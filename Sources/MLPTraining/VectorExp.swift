/// exp, sigmoid and tanh eight lanes at a time, for the activation loops.
///
/// glibc's scalar `expf` costs a call per element; this Cephes-style polynomial (relative error
/// about 2e-7 over the whole range) runs in SIMD registers on any x86-64 or ARM64.
enum VectorExp {
    typealias Lanes = SIMD8<Float>

    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        // Below −87.3 the result would be subnormal, above 88.7 infinite: clamp to the normal range.
        var v = x.replacing(with: -87.33654, where: x .< -87.33654)
        v.replace(with: 88.72283, where: v .> 88.72283)
        // n = round(v / ln 2) by the 1.5·2²³ trick (no SSE4.1 rounding instruction needed).
        let magic = Lanes(repeating: 12_582_912)
        let shifted = v * 1.442695041 + magic
        let n = shifted - magic
        var r = v - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p = Lanes(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        // The low bits of `shifted` hold n as an integer: 2ⁿ is (n + 127) << 23 as a bit pattern.
        // (Bit casts only: Swift's generic SIMD Float→Int conversion goes lane by lane.)
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let exponent = (integer &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: Lanes.self)
    }

    /// `output[i] = 1 / (1 + exp(−input[i]))`.
    static func sigmoid(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int) {
        let lanes = count / 8 * 8
        var i = 0
        while i < lanes {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: Lanes.self)
            let y = 1 / (1 + exp(-x))
            UnsafeMutableRawPointer(output + i).storeBytes(of: y, as: Lanes.self)
            i += 8
        }
        while i < count {
            output[i] = 1 / (1 + expf(-input[i]))
            i += 1
        }
    }

    /// `output[i] = tanh(input[i])`: `(1 − e) / (1 + e)` with `e = exp(−2|x|)`, and the Taylor
    /// series below |x| = 1/16 where that quotient would lose digits.
    static func tanh(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int) {
        let lanes = count / 8 * 8
        var i = 0
        while i < lanes {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: Lanes.self)
            let magnitude = x.replacing(with: -x, where: x .< 0)
            let e = exp(-2 * magnitude)
            var y = (1 - e) / (1 + e)
            let x2 = x * x
            var series = x2 * Lanes(repeating: -17.0 / 315) + Lanes(repeating: 2.0 / 15)
            series = series * x2 + Lanes(repeating: -1.0 / 3)
            series = (series * x2 + 1) * x
            y.replace(with: -y, where: x .< 0)
            y.replace(with: series, where: magnitude .< 0.0625)
            UnsafeMutableRawPointer(output + i).storeBytes(of: y, as: Lanes.self)
            i += 8
        }
        while i < count {
            output[i] = ActivationKernel.fastTanh(input[i])
            i += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
