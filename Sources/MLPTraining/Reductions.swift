/// Vectorised reductions over Float32 buffers (eight lanes at a time, remainder scalar).

/// Euclidean norm of `count` values, scaled by the largest magnitude first so that tiny
/// gradients (1e-20 and below) neither underflow nor lose digits when squared.
/// A NaN or infinity anywhere gives a non-finite result.
@inline(__always)
func norm(_ values: UnsafePointer<Float>, _ count: Int) -> Float {
    let lanes = count / 8 * 8
    var largest = SIMD8<Float>.zero
    var total = SIMD8<Float>.zero
    var i = 0
    while i < lanes {
        let v = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
        // `pointwiseMax` is not specialised for SIMD8 and costs a function call per lane.
        let magnitude = v.replacing(with: -v, where: v .< 0)
        largest.replace(with: magnitude, where: magnitude .> largest)
        total += v
        i += 8
    }
    var top = largest.max()
    var sum = total.sum()
    while i < count {
        top = max(top, abs(values[i]))
        sum += values[i]
        i += 1
    }
    guard sum.isFinite, top.isFinite else { return scalarNorm(values, count) }
    guard top > 0 else { return 0 }
    // Below 2⁻¹⁰⁰ the reciprocal would overflow Float (for subnormal tops) or the scaled squares lose
    // digits: Double holds those squares exactly enough.
    guard top >= 0x1p-100 else { return scalarNorm(values, count) }
    let scale = 1 / top
    var squares = SIMD8<Float>.zero
    i = 0
    while i < lanes {
        let v = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self) * scale
        squares += v * v
        i += 8
    }
    var rest: Float = 0
    while i < count {
        let v = values[i] * scale
        rest += v * v
        i += 1
    }
    return top * (Double(squares.sum()) + Double(rest)).squareRootFloat
}

/// The plain Double-accumulated norm: used where non-finite values make scaling meaningless.
func scalarNorm(_ values: UnsafePointer<Float>, _ count: Int) -> Float {
    var sum = 0.0
    for i in 0..<count {
        let value = Double(values[i])
        sum += value * value
    }
    return Float(sum.squareRoot())
}

extension Double {
    fileprivate var squareRootFloat: Float { Float(squareRoot()) }
}

/// Sum of `count` values (Float lanes, Double total).
@inline(__always)
func sum(_ values: UnsafePointer<Float>, _ count: Int) -> Double {
    let lanes = count / 8 * 8
    var total = SIMD8<Float>.zero
    var i = 0
    while i < lanes {
        total += UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var rest = 0.0
    while i < count {
        rest += Double(values[i])
        i += 1
    }
    return Double(total.sum()) + rest
}

/// Σ (x − mean)² over `count` values.
@inline(__always)
func squaredDeviations(_ values: UnsafePointer<Float>, _ count: Int, mean: Float) -> Double {
    let lanes = count / 8 * 8
    var total = SIMD8<Float>.zero
    let center = SIMD8<Float>(repeating: mean)
    var i = 0
    while i < lanes {
        let d = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self) - center
        total += d * d
        i += 8
    }
    var rest = 0.0
    while i < count {
        let d = Double(values[i] - mean)
        rest += d * d
        i += 1
    }
    return Double(total.sum()) + rest
}

/// How many of `count` values lie outside [low, high] (below `low` or above `high`).
@inline(__always)
func countOutside(_ values: UnsafePointer<Float>, _ count: Int, low: Float, high: Float) -> Int {
    let lanes = count / 8 * 8
    var hits = SIMD8<Int32>.zero
    let lowVector = SIMD8<Float>(repeating: low)
    let highVector = SIMD8<Float>(repeating: high)
    var i = 0
    while i < lanes {
        let v = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
        hits &+= SIMD8<Int32>.zero.replacing(with: 1, where: (v .< lowVector) .| (v .> highVector))
        i += 8
    }
    var total = Int(hits.wrappedSum())
    while i < count {
        if values[i] < low || values[i] > high { total += 1 }
        i += 1
    }
    return total
}

/// Σ (a − b)² and Σ b² over `count` values: the change of an update and the size before it.
@inline(__always)
func changeAndSize(now a: UnsafePointer<Float>, before b: UnsafePointer<Float>, _ count: Int) -> (Double, Double) {
    let lanes = count / 8 * 8
    var change = SIMD8<Float>.zero
    var size = SIMD8<Float>.zero
    var i = 0
    while i < lanes {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        let d = x - y
        change += d * d
        size += y * y
        i += 8
    }
    var restChange = 0.0
    var restSize = 0.0
    while i < count {
        let d = Double(a[i]) - Double(b[i])
        restChange += d * d
        restSize += Double(b[i]) * Double(b[i])
        i += 1
    }
    return (Double(change.sum()) + restChange, Double(size.sum()) + restSize)
}
