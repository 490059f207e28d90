/// A fixed-size block of Float32 memory, allocated once and freed in `deinit`.
///
/// The training loop works on raw pointers into these blocks so that no step allocates.
public final class FloatBuffer {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(_ count: Int, repeating value: Float = 0) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value, count: max(count, 1))
    }

    deinit {
        pointer.deallocate()
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
