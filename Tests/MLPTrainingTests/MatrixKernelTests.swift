import Foundation
import GradientData
import MLPTraining
import Testing

/// The own AVX-512 kernel against OpenBLAS, on the shapes training uses and on awkward ones.
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
        guard MatrixKernel.available.contains(.avx512) else { return }
        let (batch, inputs, outputs) = shape
        let own = Self.layer(.avx512, batch: batch, inputs: inputs, outputs: outputs)
        let blas = Self.layer(.openBLAS, batch: batch, inputs: inputs, outputs: outputs)
        for (name, (mine, theirs)) in zip(["y", "dW", "db", "dx"], zip(own, blas)) {
            #expect(mine.count == theirs.count)
            // Sums of up to 100 products of N(0,1) values: a few ulps of ~10 apart at most.
            let worst = zip(mine, theirs).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-4, "\(name) differs by \(worst)")
            #expect(mine.contains { $0 != 0 })
        }
    }

    @Test func ownKernelIsTheSameWhateverTheBlocking() throws {
        guard MatrixKernel.available.contains(.avx512) else { return }
        // Rows 0-5 of a 13-row product are one register tile; computed alone they must be equal bits.
        let whole = Self.layer(.avx512, batch: 13, inputs: 64, outputs: 64)[0]
        let again = Self.layer(.avx512, batch: 13, inputs: 64, outputs: 64)[0]
        #expect(whole == again)
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
