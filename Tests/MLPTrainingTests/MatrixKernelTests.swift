import CKernels
import Foundation
import GradientData
import MLPTraining
import Testing

/// The own kernel (AVX2 or AVX-512, whichever this CPU has) against OpenBLAS and against a scalar
/// fused multiply-add chain, on the shapes training uses and on awkward ones.
@Suite struct MatrixKernelTests {
    static func random(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(generator.nextNormal()) }
    }

    /// Forward and backward of one dense layer with `kernel`: y, dW, db, dx.
    static func layer(_ kernel: MatrixKernel, batch: Int, inputs: Int, outputs: Int) -> [[Float]] {
        var generator = SeededGenerator(seed: 7, stream: batch * 10_000 + inputs * 100 + outputs)
        var arrays: [[Float]] = [
            random(batch * inputs, &generator), random(outputs * inputs, &generator), random(outputs, &generator),
            random(batch * outputs, &generator), [Float](repeating: 0, count: batch * outputs),
            [Float](repeating: 0, count: outputs * inputs), [Float](repeating: 0, count: outputs),
            [Float](repeating: 0, count: batch * inputs), [Float](repeating: 0, count: outputs * inputs),
        ]
        withBuffers(&arrays) { p in
            DenseKernel.forward(x: p[0], weight: p[1], bias: p[2], y: p[4], batch: batch, inputs: inputs,
                                outputs: outputs, scratch: p[8], kernel: kernel)
            DenseKernel.backward(x: p[0], weight: p[1], dy: p[3], dWeight: p[5], dBias: p[6], dx: p[7],
                                 batch: batch, inputs: inputs, outputs: outputs, kernel: kernel)
        }
        return [arrays[4], arrays[5], arrays[6], arrays[7]]
    }

    @Test(arguments: [(64, 64, 64), (64, 64, 10), (13, 64, 64), (7, 5, 3), (1, 17, 33), (64, 100, 70), (6, 130, 65)])
    func ownKernelAgreesWithOpenBLAS(shape: (Int, Int, Int)) throws {
        guard MatrixKernel.available.contains(.vanish) else { return }
        let (batch, inputs, outputs) = shape
        let own = Self.layer(.vanish, batch: batch, inputs: inputs, outputs: outputs)
        let blas = Self.layer(.openBLAS, batch: batch, inputs: inputs, outputs: outputs)
        for (name, (mine, theirs)) in zip(["y", "dW", "db", "dx"], zip(own, blas)) {
            #expect(mine.count == theirs.count)
            // Sums of up to 100 products of N(0,1) values: a few ulps of ~10 apart at most.
            let worst = zip(mine, theirs).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-4, "\(name) differs by \(worst)")
            #expect(mine.contains { $0 != 0 })
        }
    }

    /// `C = (accumulate ? C : 0) + op(A)·B` with `vk_gemm`, strides wider than the matrices.
    static func ownProduct(m: Int, n: Int, k: Int, transposeA: Bool, accumulate: Bool, seed: Int) -> (
        a: [Float], b: [Float], c: [Float], result: [Float], lda: Int, ldb: Int, ldc: Int
    ) {
        var generator = SeededGenerator(seed: 11, stream: seed)
        let lda = (transposeA ? m : k) + 3, ldb = n + 5, ldc = n + 2
        var arrays = [random(transposeA ? k * lda : m * lda, &generator), random(k * ldb, &generator),
                      random(m * ldc, &generator)]
        let c = arrays[2]
        withBuffers(&arrays) { p in
            vk_gemm(Int32(m), Int32(n), Int32(k), p[0], transposeA ? 1 : lda, transposeA ? lda : 1, p[1], ldb,
                    p[2], ldc, accumulate ? 1 : 0)
        }
        return (arrays[0], arrays[1], c, arrays[2], lda, ldb, ldc)
    }

    static let awkwardSizes = [1, 2, 5, 6, 7, 8, 9, 13, 15, 16, 17, 23, 24, 25, 31, 33, 47, 64, 65, 100]

    /// Every element is one fused multiply-add chain over p in order from +0, then C added once:
    /// the same bits as that chain written out element by element, for any m, n, k.
    @Test(arguments: [false, true])
    func ownKernelIsTheScalarFusedChainBitForBit(transposeA: Bool) throws {
        guard MatrixKernel.available.contains(.vanish) else { return }
        var checked = 0
        for (index, m) in Self.awkwardSizes.enumerated() {
            // Every n with a few k each (1 among them), accumulating or not, in turn.
            for (offset, n) in Self.awkwardSizes.enumerated() {
                let k = [1, 3, 8, 17, 64, 129][(index + offset) % 6]
                let accumulate = (index + offset) % 2 == 1
                let product = Self.ownProduct(m: m, n: n, k: k, transposeA: transposeA, accumulate: accumulate,
                                              seed: index * 100 + offset)
                var mismatches = 0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum: Float = 0
                        for p in 0..<k {
                            let a = transposeA ? product.a[p * product.lda + i] : product.a[i * product.lda + p]
                            sum.addProduct(a, product.b[p * product.ldb + j])
                        }
                        if accumulate { sum += product.c[i * product.ldc + j] }
                        if sum.bitPattern != product.result[i * product.ldc + j].bitPattern { mismatches += 1 }
                    }
                    // Padding between rows stays untouched.
                    for j in n..<product.ldc where product.result[i * product.ldc + j] != product.c[i * product.ldc + j] {
                        mismatches += 1
                    }
                }
                #expect(mismatches == 0, "m \(m) n \(n) k \(k) accumulate \(accumulate): \(mismatches) elements differ")
                checked += 1
            }
        }
        #expect(checked == Self.awkwardSizes.count * Self.awkwardSizes.count)
    }

    /// A block of the product computed on its own (other tile edges, other panels) gives the same bits.
    @Test func ownKernelIsTheSameWhateverTheBlocking() throws {
        guard MatrixKernel.available.contains(.vanish) else { return }
        let (m, n, k) = (29, 70, 45)
        let whole = Self.ownProduct(m: m, n: n, k: k, transposeA: false, accumulate: true, seed: 1)
        for (row, rows, column, columns) in [(0, 6, 0, 16), (1, 5, 3, 9), (7, 22, 17, 53), (28, 1, 69, 1), (2, 13, 0, 70)] {
            var arrays = [whole.a, whole.b, whole.c]
            withBuffers(&arrays) { p in
                vk_gemm(Int32(rows), Int32(columns), Int32(k), p[0] + row * whole.lda, whole.lda, 1,
                        p[1] + column, whole.ldb, p[2] + row * whole.ldc + column, whole.ldc, 1)
            }
            for i in row..<(row + rows) {
                for j in column..<(column + columns) {
                    #expect(arrays[2][i * whole.ldc + j].bitPattern == whole.result[i * whole.ldc + j].bitPattern,
                            "block at (\(row), \(column)): element (\(i), \(j))")
                }
            }
        }
    }

    @Test func benchmarkGivesPositiveRates() {
        let result = GEMMBenchmark.measure(width: 64, minimumSeconds: 0.001, repetitions: 1)
        #expect(result.gflops > 0 && result.gflops.isFinite)
        #expect(result.width == 64 && result.batch == 64 && result.kernel == MatrixKernel.training)
        let peak = GEMMBenchmark.peakGFLOPS(minimumSeconds: 0.001, repetitions: 1)
        #expect(peak > 0 && peak.isFinite)
        #expect(["AVX-512", "AVX2", "SSE"].contains(GEMMBenchmark.vectorUnit))
    }
}

/// The activations (AVX-512 where the CPU has it) against the formulas, including tails and extremes.
@Suite struct ActivationAccuracyTests {
    static let inputs: [Float] = [0, -0.0, 1e-30, -1e-7, 0.03, -0.0625, 0.0625, 0.5, -1, 2, -5, 9, 20, -40, 88, -100, 100,
                                  .nan, .infinity, -.infinity] + (0..<17).map { Float($0) * 0.37 - 3 }

    @Test(arguments: [Activation.sigmoid, .tanh, .relu])
    func forwardMatchesTheFormula(kind: Activation) {
        var arrays = [Self.inputs, [Float](repeating: 0, count: Self.inputs.count)]
        withBuffers(&arrays) { p in
            ActivationKernel.forward(kind, input: p[0], output: p[1], count: Self.inputs.count)
        }
        for (x, y) in zip(Self.inputs, arrays[1]) {
            let exact: Double
            switch kind {
            case .sigmoid: exact = 1 / (1 + Foundation.exp(-Double(x)))
            case .tanh: exact = Foundation.tanh(Double(x))
            case .relu: exact = x.isNaN ? .nan : Double(max(x, 0))
            }
            if exact.isNaN {
                #expect(y.isNaN || kind == .relu, "\(kind) \(x)")
            } else if exact.isInfinite {
                #expect(Double(y) == exact, "\(kind) \(x)")
            } else {
                #expect(abs(Double(y) - exact) <= 1e-6 * max(abs(exact), 1e-30), "\(kind) \(x) → \(y), expected \(exact)")
            }
        }
    }

    @Test(arguments: [Activation.sigmoid, .tanh, .relu])
    func backwardIsTheDerivativeThroughTheOutput(kind: Activation) {
        let outputs: [Float] = (0..<37).map { Float($0) / 36 * (kind == .tanh ? 2 : 1) - (kind == .tanh ? 1 : 0) }
        let grads: [Float] = (0..<37).map { Float($0 % 5) - 2.5 }
        var arrays = [outputs, grads, [Float](repeating: 9, count: 37)]
        withBuffers(&arrays) { p in
            ActivationKernel.backward(kind, output: p[0], gradOutput: p[1], gradInput: p[2], count: 37)
        }
        for i in 0..<37 {
            let (a, g) = (outputs[i], grads[i])
            let expected: Float
            switch kind {
            case .sigmoid: expected = g * a * (1 - a)
            case .tanh: expected = g * (1 - a * a)
            case .relu: expected = a > 0 ? g : 0
            }
            #expect(arrays[2][i] == expected, "\(kind) \(i)")
        }
    }
}
