import GradientData
import Testing

/// Central finite differences and tolerant comparison, shared by the gradient tests.
enum GradientCheck {
    /// ∂f/∂x_i by central differences, for every i.
    static func numeric(_ x: [Double], eps: Double, _ f: ([Double]) -> Double) -> [Double] {
        var probe = x
        return x.indices.map { i in
            probe[i] = x[i] + eps
            let plus = f(probe)
            probe[i] = x[i] - eps
            let minus = f(probe)
            probe[i] = x[i]
            return (plus - minus) / (2 * eps)
        }
    }

    /// The largest |analytic − numeric| relative to the largest |numeric| (and `floor`).
    static func relativeError(_ analytic: [Float], _ numeric: [Double], floor: Double = 1e-6) -> Double {
        precondition(analytic.count == numeric.count)
        let scale = max(numeric.map(abs).max() ?? 0, floor)
        let worst = zip(analytic, numeric).map { abs(Double($0) - $1) }.max() ?? 0
        return worst / scale
    }

    /// Deterministic test numbers in [-1, 1).
    static func values(_ count: Int, seed: Int) -> [Float] {
        var generator = SeededGenerator(seed: seed, stream: 77)
        return (0..<count).map { _ in Float(2 * generator.nextUniform() - 1) }
    }
}

/// Runs `body` with mutable pointers to copies of the arrays.
func withBuffers<R>(_ arrays: inout [[Float]], _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<Float>] = []
    for array in arrays {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(array.count, 1))
        pointer.initialize(repeating: 0, count: max(array.count, 1))
        for (index, value) in array.enumerated() { pointer[index] = value }
        pointers.append(pointer)
    }
    let result = body(pointers)
    for (index, pointer) in pointers.enumerated() {
        arrays[index] = Array(UnsafeBufferPointer(start: pointer, count: arrays[index].count))
        pointer.deallocate()
    }
    return result
}
