import Foundation
import GradientData
import MLPTraining
import Testing

@Suite struct MatrixProductTests {
    @Test func denseForwardIsTheMatrixProduct() {
        // y = x Wᵀ + b for a 2 × 3 batch and a 3 → 2 layer, worked by hand.
        var arrays: [[Float]] = [[1, 2, 3, 4, 5, 6], [1, 0, -1, 2, 1, 0], [0.5, -0.5], [0, 0, 0, 0]]
        withBuffers(&arrays) { p in
            DenseKernel.forward(x: p[0], weight: p[1], bias: p[2], y: p[3], batch: 2, inputs: 3, outputs: 2)
        }
        // Rows: (1·1 + 3·(−1) + 0.5, 1·2 + 2·1 − 0.5), (4 − 6 + 0.5, 8 + 5 − 0.5).
        let expected: [Float] = [-1.5, 3.5, -1.5, 12.5]
        #expect(arrays[3] == expected)
    }

    @Test func avxKernelsAreUsedWhereTheCPUHasThem() throws {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let words = Set(flags.split(separator: " "))
        #expect(!blasCoreName.isEmpty)
        if words.contains("avx2") && words.contains("fma") {
            // OpenBLAS 0.3.21 calls unknown recent CPUs "Prescott" (SSE3 kernels, half the speed).
            #expect(blasCoreName != "Prescott")
        }
    }
}
