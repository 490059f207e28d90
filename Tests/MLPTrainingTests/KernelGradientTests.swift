import GradientData
import MLPTraining
import Testing

/// Every layer kind's backward pass against central finite differences of `Σ r · output`.
@Suite struct KernelGradientTests {
    static let (batch, inputs, outputs) = (3, 4, 5)

    static func dense(x: [Float], w: [Float], b: [Float]) -> [Float] {
        var arrays = [x, w, b, [Float](repeating: 0, count: batch * outputs)]
        withBuffers(&arrays) { p in
            DenseKernel.forward(x: p[0], weight: p[1], bias: p[2], y: p[3], batch: batch, inputs: inputs, outputs: outputs)
        }
        return arrays[3]
    }

    static func dot(_ a: [Float], _ r: [Float]) -> Double {
        zip(a, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test func denseMatchesFiniteDifferences() {
        let x = GradientCheck.values(Self.batch * Self.inputs, seed: 1)
        let w = GradientCheck.values(Self.outputs * Self.inputs, seed: 2)
        let b = GradientCheck.values(Self.outputs, seed: 3)
        let r = GradientCheck.values(Self.batch * Self.outputs, seed: 4)
        var arrays = [x, w, r, [Float](repeating: 0, count: w.count), [Float](repeating: 0, count: b.count),
                      [Float](repeating: 0, count: x.count)]
        withBuffers(&arrays) { p in
            DenseKernel.backward(x: p[0], weight: p[1], dy: p[2], dWeight: p[3], dBias: p[4], dx: p[5],
                                 batch: Self.batch, inputs: Self.inputs, outputs: Self.outputs)
        }
        let eps = 1e-2
        let dx = GradientCheck.numeric(x.map(Double.init), eps: eps) {
            Self.dot(Self.dense(x: $0.map(Float.init), w: w, b: b), r)
        }
        let dw = GradientCheck.numeric(w.map(Double.init), eps: eps) {
            Self.dot(Self.dense(x: x, w: $0.map(Float.init), b: b), r)
        }
        let db = GradientCheck.numeric(b.map(Double.init), eps: eps) {
            Self.dot(Self.dense(x: x, w: w, b: $0.map(Float.init)), r)
        }
        #expect(GradientCheck.relativeError(arrays[3], dw) < 1e-4)
        #expect(GradientCheck.relativeError(arrays[4], db) < 1e-4)
        #expect(GradientCheck.relativeError(arrays[5], dx) < 1e-4)
    }

    static func activate(_ kind: Activation, _ u: [Float]) -> [Float] {
        var arrays = [u, [Float](repeating: 0, count: u.count)]
        withBuffers(&arrays) { p in ActivationKernel.forward(kind, input: p[0], output: p[1], count: u.count) }
        return arrays[1]
    }

    @Test(arguments: Activation.allCases)
    func activationMatchesFiniteDifferences(kind: Activation) {
        // Inputs at least 0.1 from relu's kink, spread over the saturating range of sigmoid and tanh.
        let u = GradientCheck.values(40, seed: 5).map { $0 * 4 + ($0 >= 0 ? 0.1 : -0.1) }
        let r = GradientCheck.values(40, seed: 6)
        let a = Self.activate(kind, u)
        var arrays = [a, r, [Float](repeating: 0, count: u.count)]
        withBuffers(&arrays) { p in
            ActivationKernel.backward(kind, output: p[0], gradOutput: p[1], gradInput: p[2], count: u.count)
        }
        let numeric = GradientCheck.numeric(u.map(Double.init), eps: 1e-2) {
            Self.dot(Self.activate(kind, $0.map(Float.init)), r)
        }
        #expect(GradientCheck.relativeError(arrays[2], numeric) < 2e-3)
    }

    @Test func activationValuesAreRight() {
        // Odd lengths exercise both the eight-lane loop and the scalar remainder.
        let u: [Float] = [-3, -0.5, 0, 0.01, 2, -1e-4, 0.07, -0.0625, 5, -9, 20, -30, 80, -100, 1e-30, 0.3, -0.7]
        let sigmoid = Self.activate(.sigmoid, u)
        let tanh = Self.activate(.tanh, u)
        for (index, value) in u.enumerated() {
            let x = Double(value)
            let expected = 1 / (1 + exp(-x))
            // Below Float's normal range (sigmoid(−100) ≈ 4e-44) only the absolute error matters.
            #expect(abs(Double(sigmoid[index]) - expected) <= 1e-6 * expected + 1e-37, "sigmoid(\(x))")
            #expect(abs(Double(tanh[index]) - Foundation.tanh(x)) <= 1e-6 * abs(Foundation.tanh(x)), "tanh(\(x))")
        }
        #expect(Self.activate(.relu, u) == u.map { max($0, 0) })
    }

    static let (bnBatch, bnWidth) = (6, 4)

    static func batchNorm(u: [Float], gamma: [Float], beta: [Float]) -> (y: [Float], xhat: [Float], invStd: [Float]) {
        let n = bnBatch * bnWidth
        var arrays = [u, [Float](repeating: 0, count: n), [Float](repeating: 0, count: n),
                      [Float](repeating: 0, count: bnWidth), [Float](repeating: 0, count: bnWidth), gamma, beta,
                      [Float](repeating: 0, count: bnWidth), [Float](repeating: 1, count: bnWidth)]
        withBuffers(&arrays) { p in
            BatchNormKernel.forwardTrain(u: p[0], y: p[1], xhat: p[2], invStd: p[3], mean: p[4], gamma: p[5],
                                         beta: p[6], runningMean: p[7], runningVar: p[8], batch: bnBatch, width: bnWidth)
        }
        return (arrays[1], arrays[2], arrays[3])
    }

    @Test func batchNormMatchesFiniteDifferences() {
        let u = GradientCheck.values(Self.bnBatch * Self.bnWidth, seed: 7).map { $0 * 3 }
        let gamma = GradientCheck.values(Self.bnWidth, seed: 8).map { $0 + 1.5 }
        let beta = GradientCheck.values(Self.bnWidth, seed: 9)
        let r = GradientCheck.values(u.count, seed: 10)
        let forward = Self.batchNorm(u: u, gamma: gamma, beta: beta)
        var arrays = [r, forward.xhat, forward.invStd, gamma, [Float](repeating: 0, count: u.count),
                      [Float](repeating: 0, count: Self.bnWidth), [Float](repeating: 0, count: Self.bnWidth)]
        withBuffers(&arrays) { p in
            BatchNormKernel.backward(dy: p[0], xhat: p[1], invStd: p[2], gamma: p[3], du: p[4], dGamma: p[5],
                                     dBeta: p[6], batch: Self.bnBatch, width: Self.bnWidth)
        }
        let eps = 1e-2
        let du = GradientCheck.numeric(u.map(Double.init), eps: eps) {
            Self.dot(Self.batchNorm(u: $0.map(Float.init), gamma: gamma, beta: beta).y, r)
        }
        let dGamma = GradientCheck.numeric(gamma.map(Double.init), eps: eps) {
            Self.dot(Self.batchNorm(u: u, gamma: $0.map(Float.init), beta: beta).y, r)
        }
        let dBeta = GradientCheck.numeric(beta.map(Double.init), eps: eps) {
            Self.dot(Self.batchNorm(u: u, gamma: gamma, beta: $0.map(Float.init)).y, r)
        }
        #expect(GradientCheck.relativeError(arrays[4], du) < 2e-3)
        #expect(GradientCheck.relativeError(arrays[5], dGamma) < 1e-4)
        #expect(GradientCheck.relativeError(arrays[6], dBeta) < 1e-4)
    }

    @Test func batchNormNormalisesAndMovesRunningStatistics() {
        let u = GradientCheck.values(Self.bnBatch * Self.bnWidth, seed: 11).map { $0 * 3 + 2 }
        let ones = [Float](repeating: 1, count: Self.bnWidth)
        let zeros = [Float](repeating: 0, count: Self.bnWidth)
        let y = Self.batchNorm(u: u, gamma: ones, beta: zeros).y
        for column in 0..<Self.bnWidth {
            let values = (0..<Self.bnBatch).map { Double(y[$0 * Self.bnWidth + column]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
    }

    static func crossEntropy(_ logits: [Float], labels: [Int32], classes: Int) -> (loss: Float, correct: Int, grad: [Float]) {
        var arrays = [logits, [Float](repeating: 0, count: logits.count)]
        var result: (loss: Float, correct: Int) = (0, 0)
        let rows = labels.count
        labels.withUnsafeBufferPointer { labelPointer in
            guard let base = labelPointer.baseAddress else { return }
            withBuffers(&arrays) { p in
                result = SoftmaxCrossEntropyKernel.lossAndGradient(
                    logits: p[0], labels: base, gradLogits: p[1], batch: rows, classes: classes)
            }
        }
        return (result.loss, result.correct, arrays[1])
    }

    @Test func softmaxCrossEntropyMatchesFiniteDifferencesAndFormula() {
        let classes = 5
        let labels: [Int32] = [0, 3, 4, 1]
        let logits = GradientCheck.values(labels.count * classes, seed: 12).map { $0 * 4 }
        let analytic = Self.crossEntropy(logits, labels: labels, classes: classes)
        let numeric = GradientCheck.numeric(logits.map(Double.init), eps: 1e-2) {
            Double(Self.crossEntropy($0.map(Float.init), labels: labels, classes: classes).loss)
        }
        #expect(GradientCheck.relativeError(analytic.grad, numeric) < 2e-3)
        var expected = 0.0
        for (row, label) in labels.enumerated() {
            let line = (0..<classes).map { Double(logits[row * classes + $0]) }
            expected += log(line.map { exp($0) }.reduce(0, +)) - line[Int(label)]
        }
        #expect(abs(Double(analytic.loss) - expected / Double(labels.count)) < 1e-5)
        // Huge logits neither overflow nor lose the answer.
        let huge = Self.crossEntropy([1000, 0, -1000, 0], labels: [0, 1], classes: 2)
        #expect(huge.loss.isFinite && huge.correct == 2)
    }
}

import Foundation
