import CKernels
import GradientData
import MLPTraining
import Testing

/// The elementwise C kernels (AVX2 or AVX-512, whichever this CPU has) give the same bits as the
/// Swift code they replace, including the last elements of lengths that are not a multiple of the
/// vector width. Skipped on CPUs without AVX2, where the Swift code runs.
@Suite struct SIMDKernelTests {
    static let special: [Float] = [0, -0.0, 1e-30, -1e-7, 0.03, -0.0625, 0.0625, 0.5, -1, 2, -5, 9, 20, -40, 88, -88,
                                   -87.4, 89, -100, 100, .nan, .infinity, -.infinity, .leastNonzeroMagnitude]

    /// `count` values: the special ones, then normal values of every magnitude from 1e-4 to 30.
    static func inputs(_ count: Int, seed: Int) -> [Float] {
        var generator = SeededGenerator(seed: 21, stream: seed)
        return (0..<count).map { index in
            index < special.count ? special[index] : Float(generator.nextNormal() * 6)
        }
    }

    static let lengths = [1, 7, 8, 9, 15, 16, 17, 31, 64, 100, 4096 + 13]

    @Test(arguments: [Activation.sigmoid, .tanh, .relu])
    func activationsAreTheSwiftCodeBitForBit(kind: Activation) throws {
        guard ActivationKernel.simd else { return }
        for count in Self.lengths {
            let x = Self.inputs(count, seed: count)
            var arrays = [x, [Float](repeating: 0, count: count), [Float](repeating: 0, count: count)]
            withBuffers(&arrays) { p in
                ActivationKernel.forward(kind, input: p[0], output: p[1], count: count, simd: true)
                ActivationKernel.forward(kind, input: p[0], output: p[2], count: count, simd: false)
            }
            // The Swift code does its last `count % 8` elements with libm's expf instead of eight lanes.
            let lanes = kind == .relu ? count : count / 8 * 8
            for i in 0..<lanes {
                let (simd, swift) = (arrays[1][i], arrays[2][i])
                #expect(simd.bitPattern == swift.bitPattern || (simd.isNaN && swift.isNaN),
                        "\(kind)(\(x[i])) = \(simd) with SIMD, \(swift) in Swift (count \(count), index \(i))")
            }
            // In place gives the same as out of place.
            var inPlace = [x]
            withBuffers(&inPlace) { p in ActivationKernel.forward(kind, input: p[0], output: p[0], count: count) }
            #expect(zip(inPlace[0], arrays[1]).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
        }
    }

    @Test(arguments: [Activation.sigmoid, .tanh, .relu])
    func activationBackwardIsTheSwiftCodeBitForBit(kind: Activation) throws {
        guard ActivationKernel.simd else { return }
        for count in Self.lengths {
            var forward = [Self.inputs(count, seed: count + 1), [Float](repeating: 0, count: count)]
            withBuffers(&forward) { p in ActivationKernel.forward(kind, input: p[0], output: p[1], count: count) }
            var arrays = [forward[1], Self.inputs(count, seed: count + 2), [Float](repeating: 1, count: count),
                          [Float](repeating: 2, count: count)]
            withBuffers(&arrays) { p in
                ActivationKernel.backward(kind, output: p[0], gradOutput: p[1], gradInput: p[2], count: count, simd: true)
                ActivationKernel.backward(kind, output: p[0], gradOutput: p[1], gradInput: p[3], count: count, simd: false)
            }
            for i in 0..<count {
                let (simd, swift) = (arrays[2][i], arrays[3][i])
                #expect(simd.bitPattern == swift.bitPattern || (simd.isNaN && swift.isNaN),
                        "\(kind)' at a = \(arrays[0][i]): \(simd) with SIMD, \(swift) in Swift (count \(count), index \(i))")
            }
        }
    }

    @Test func columnSumsAndAddAreTheScalarLoops() throws {
        guard ActivationKernel.simd else { return }
        for (rows, columns) in [(1, 1), (3, 7), (64, 64), (13, 10), (64, 17), (5, 33)] {
            let matrix = Self.inputs(rows * columns, seed: rows * 100 + columns).map { $0.isFinite ? $0 : 1 }
            var sums = [Float](repeating: 0, count: columns)
            for row in 0..<rows {
                for column in 0..<columns { sums[column] += matrix[row * columns + column] }
            }
            var arrays = [matrix, [Float](repeating: 7, count: columns), [Float](repeating: 0, count: rows * columns)]
            withBuffers(&arrays) { p in
                vk_column_sums(p[0], rows, columns, p[1])
                vk_add(p[0], p[0] + (rows * columns - 1) / 2, p[2], (rows * columns + 1) / 2)
            }
            #expect(arrays[1].map(\.bitPattern) == sums.map(\.bitPattern), "\(rows) × \(columns)")
            let half = (rows * columns + 1) / 2
            let added = (0..<half).map { matrix[$0] + matrix[(rows * columns - 1) / 2 + $0] }
            #expect(Array(arrays[2][0..<half]).map(\.bitPattern) == added.map(\.bitPattern), "\(rows) × \(columns)")
            #expect(arrays[2][half...].allSatisfy { $0 == 0 }, "nothing written past the end")
        }
    }

    /// SGD with momentum gives the Swift loop's bits; the sums for ‖ΔW‖ / ‖W‖ are 16 Float32 lanes
    /// (element i in lane i mod 16) added up in Double, the same on AVX2 and AVX-512.
    @Test(arguments: [1, 7, 8, 15, 16, 17, 40, 4096 + 9])
    func sgdIsTheSwiftLoopAndItsSumsHaveSixteenLanes(count: Int) throws {
        guard ActivationKernel.simd else { return }
        let weights = Self.inputs(count, seed: 1).map { $0.isFinite ? $0 : 0.5 }
        let grads = Self.inputs(count, seed: 2).map { $0.isFinite ? $0 : -0.25 }
        let velocity = Self.inputs(count, seed: 3).map { $0.isFinite ? $0 * 0.1 : 0 }
        let (lr, momentum): (Float, Float) = (0.01, 0.9)
        var expectedW = weights, expectedV = velocity
        var changeLanes = [Float](repeating: 0, count: 16), sizeLanes = [Float](repeating: 0, count: 16)
        for i in 0..<count {
            expectedV[i] = momentum * expectedV[i] + grads[i]
            expectedW[i] = weights[i] - lr * expectedV[i]
            let d = expectedW[i] - weights[i]
            changeLanes[i % 16] += d * d
            sizeLanes[i % 16] += weights[i] * weights[i]
        }
        let expectedChange = changeLanes.reduce(0.0) { $0 + Double($1) }
        let expectedSize = sizeLanes.reduce(0.0) { $0 + Double($1) }
        var arrays = [weights, grads, velocity]
        var (change, size) = (0.0, 0.0)
        withBuffers(&arrays) { p in vk_sgd(p[0], p[1], p[2], count, lr, momentum, &change, &size) }
        #expect(arrays[0].map(\.bitPattern) == expectedW.map(\.bitPattern))
        #expect(arrays[2].map(\.bitPattern) == expectedV.map(\.bitPattern))
        #expect(change.bitPattern == expectedChange.bitPattern && size.bitPattern == expectedSize.bitPattern,
                "sums \(change), \(size); expected \(expectedChange), \(expectedSize)")
    }
}
