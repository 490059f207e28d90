import CKernels
import Foundation
import GradientData

/// Measures the matrix products training does, and the processor's peak, in GFLOP/s.
///
/// `vanish bench` prints these; tests only check that the numbers are positive and finite.
///
/// - `measure(width:)` times the three products of one dense layer's training step on a batch of
///   `batch` rows — forward `x Wᵀ` (through `Wᵀ`, as training does), `dW = dyᵀ x` and `dx = dy W` —
///   with the same code training calls (`DenseKernel`), and counts `3 · 2 · batch · width²` flops.
/// - `peakGFLOPS()` is the processor's peak on one core: a tight loop of twelve independent
///   fused multiply-add chains on the widest vector registers the CPU has (AVX-512: 16 lanes;
///   AVX2: 8; otherwise 4-lane multiply and add), so nothing waits for memory or for a previous
///   result; flops = iterations × chains × lanes × 2.
public enum GEMMBenchmark {
    /// The layer widths `vanish bench` reports.
    public static let standardWidths = [64, 256, 512, 1024]

    /// One measurement of the products of a `batch × width` layer.
    public struct Result: Sendable, Hashable {
        public var width: Int
        public var batch: Int
        public var kernel: MatrixKernel
        /// Median over the repetitions, in 10⁹ floating-point operations per second.
        public var gflops: Double
        /// Median seconds for one layer's three products.
        public var secondsPerStep: Double
    }

    /// GFLOP/s of one layer's forward and backward products at `width` (inputs = outputs = width).
    ///
    /// - Parameters:
    ///   - kernel: which kernel does the products (whatever their size); default the one training
    ///     uses at this width (`MatrixKernel.training(m:n:k:)`).
    ///   - minimumSeconds: each repetition runs the products at least this long.
    ///   - repetitions: the result is the median of this many repetitions.
    public static func measure(
        width: Int, batch: Int = 64, kernel: MatrixKernel? = nil,
        minimumSeconds: Double = 0.1, repetitions: Int = 3
    ) -> Result {
        let w = max(1, width)
        let rows = max(1, batch)
        let kernel = kernel ?? MatrixKernel.training(m: rows, n: w, k: w)
        var generator = SeededGenerator(seed: 1, stream: 0)
        func filled(_ count: Int) -> FloatBuffer {
            let buffer = FloatBuffer(count)
            for i in 0..<count { buffer.pointer[i] = Float(generator.nextNormal()) * 0.1 }
            return buffer
        }
        let x = filled(rows * w), weight = filled(w * w), bias = filled(w), dy = filled(rows * w)
        let y = FloatBuffer(rows * w), dWeight = FloatBuffer(w * w), dBias = FloatBuffer(w)
        let dx = FloatBuffer(rows * w), scratch = FloatBuffer(w * w)
        func step() {
            DenseKernel.forward(x: x.pointer, weight: weight.pointer, bias: bias.pointer, y: y.pointer,
                                batch: rows, inputs: w, outputs: w, scratch: scratch.pointer, kernel: kernel)
            DenseKernel.backward(x: x.pointer, weight: weight.pointer, dy: dy.pointer, dWeight: dWeight.pointer,
                                 dBias: dBias.pointer, dx: dx.pointer, batch: rows, inputs: w, outputs: w,
                                 kernel: kernel)
        }
        step()
        var times: [Double] = []
        for _ in 0..<max(1, repetitions) {
            var count = 0
            let start = monotonicSeconds()
            var elapsed = 0.0
            repeat {
                for _ in 0..<8 { step() }
                count += 8
                elapsed = monotonicSeconds() - start
            } while elapsed < minimumSeconds
            times.append(elapsed / Double(count))
        }
        let seconds = median(times)
        let flops = 3 * 2 * Double(rows) * Double(w) * Double(w)
        return Result(width: w, batch: rows, kernel: kernel, gflops: flops / seconds / 1e9, secondsPerStep: seconds)
    }

    /// The processor's peak single-precision GFLOP/s on one core (see the type's summary for how).
    public static func peakGFLOPS(minimumSeconds: Double = 0.1, repetitions: Int = 3) -> Double {
        let perIteration = Double(vk_fma_loop_flops_per_iteration())
        var iterations = 1 << 16
        var rates: [Double] = []
        var sink: Float = 0
        while rates.count < max(1, repetitions) {
            let start = monotonicSeconds()
            sink += vk_fma_loop(iterations)
            let elapsed = monotonicSeconds() - start
            if elapsed < minimumSeconds {
                iterations *= 2
                continue
            }
            rates.append(Double(iterations) * perIteration / elapsed / 1e9)
        }
        // The loop's result must be used, or the compiler may drop the loop.
        return sink.isNaN ? .nan : median(rates)
    }

    /// The widest vector instructions the kernels use on this CPU: "AVX-512", "AVX2", or "SSE".
    public static var vectorUnit: String {
        switch vk_simd_level() {
        case 2: return "AVX-512"
        case 1: return "AVX2"
        default: return "SSE"
        }
    }

    /// The middle of `values` (the mean of the two middle ones for an even count); NaN when empty.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }
}
