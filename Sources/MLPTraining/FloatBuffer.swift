/// A fixed-size block of Float32 memory, allocated once and freed in `deinit`.
///
/// The training loop works on raw pointers into these blocks so that no step allocates.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ count: Int, repeating value: Float = 0) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value, count: max(count, 1))
    }

    deinit {
        pointer.deallocate()
    }

    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// Euclidean norm of `count` values, accumulated in Double so tiny gradients keep their digits.
@inline(__always)
func norm(_ values: UnsafePointer<Float>, _ count: Int) -> Float {
    var sum = 0.0
    for i in 0..<count {
        let value = Double(values[i])
        sum += value * value
    }
    return Float(sum.squareRoot())
}
