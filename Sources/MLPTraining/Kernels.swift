import CKernels
import GradientData

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fully connected layer on a batch of row vectors: `y = x Wᵀ + b`.
///
/// `x` is `batch × inputs`, `W` is `outputs × inputs` (row-major), `b` and each row of `y` hold `outputs`.
/// `kernel` nil: the products go where training sends them (`MatrixKernel.training(m:n:k:)`).
public enum DenseKernel {
    /// `y = x Wᵀ + b`.
    ///
    /// - Parameter scratch: room for `inputs × outputs` values; with it, `Wᵀ` is written there
    ///   first so that the own kernel (which wants `B` untransposed) can do the product.
    public static func forward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, batch: Int, inputs: Int, outputs: Int,
        scratch: UnsafeMutablePointer<Float>? = nil, kernel: MatrixKernel? = nil
    ) {
        for row in 0..<batch {
            (y + row * outputs).update(from: bias, count: outputs)
        }
        let kernel = kernel ?? MatrixKernel.training(m: batch, n: outputs, k: inputs)
        if kernel == .vanish, let scratch {
            vk_transpose(Int32(outputs), Int32(inputs), weight, inputs, scratch, outputs)
            matrixProduct(transposeA: false, transposeB: false, m: batch, n: outputs, k: inputs,
                          a: x, lda: inputs, b: scratch, ldb: outputs, beta: 1, c: y, ldc: outputs, kernel: kernel)
            return
        }
        matrixProduct(transposeA: false, transposeB: true, m: batch, n: outputs, k: inputs,
                      a: x, lda: inputs, b: weight, ldb: inputs, beta: 1, c: y, ldc: outputs, kernel: kernel)
    }

    /// Gradients of the layer: `dW = dyᵀ x`, `db = Σ_rows dy`, and `dx = dy W` when `dx` is given.
    public static func backward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?,
        batch: Int, inputs: Int, outputs: Int, kernel: MatrixKernel? = nil
    ) {
        matrixProduct(transposeA: true, transposeB: false, m: outputs, n: inputs, k: batch,
                      a: dy, lda: outputs, b: x, ldb: inputs, c: dWeight, ldc: inputs, kernel: kernel)
        columnSums(dy, rows: batch, columns: outputs, into: dBias)
        if let dx {
            matrixProduct(transposeA: false, transposeB: false, m: batch, n: inputs, k: outputs,
                          a: dy, lda: outputs, b: weight, ldb: inputs, c: dx, ldc: inputs, kernel: kernel)
        }
    }
}

/// Sums a row-major matrix's rows into one row.
@inline(__always)
func columnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
    if ActivationKernel.simd {
        vk_column_sums(matrix, rows, columns, sums)
        return
    }
    sums.update(repeating: 0, count: columns)
    for row in 0..<rows {
        let line = matrix + row * columns
        for column in 0..<columns { sums[column] += line[column] }
    }
}

/// Elementwise nonlinearities; the backward pass needs only the forward output.
///
/// Where the CPU has AVX2 (or AVX-512) the C kernels (Sources/CKernels) do the same operations 8
/// (or 16) lanes at a time; for every element the Swift code computes eight lanes at a time (all
/// but the last `count % 8`) they give the same bits, so training is the same on every path.
public enum ActivationKernel {
    /// Whether the CPU has AVX2 (or AVX-512), so the C kernels can run.
    public static let simd = vk_simd_level() >= 1

    /// `output[i] = act(input[i])`; input and output may be the same buffer.
    ///
    /// - Parameter simd: use the C kernels (default: where the CPU has them); false runs the Swift code.
    public static func forward(
        _ kind: Activation, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int,
        simd: Bool = ActivationKernel.simd
    ) {
        switch kind {
        case .sigmoid:
            if simd { vk_sigmoid(input, output, count) } else { VectorExp.sigmoid(input, output, count) }
        case .tanh:
            if simd { vk_tanh(input, output, count) } else { VectorExp.tanh(input, output, count) }
        case .relu:
            for i in 0..<count { output[i] = max(input[i], 0) }
        }
    }

    /// tanh through one `expf` (glibc's `tanhf` is several times slower): `(1 − e) / (1 + e)` with
    /// `e = exp(−2|x|)`, and its Taylor series below 1/16 where that quotient would lose digits.
    /// Relative error below 1e-6 everywhere.
    @inline(__always)
    static func fastTanh(_ x: Float) -> Float {
        let magnitude = abs(x)
        if magnitude < 0.0625 {
            let x2 = x * x
            return x * (1 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315))))
        }
        let e = expf(-2 * magnitude)
        let value = (1 - e) / (1 + e)
        return x < 0 ? -value : value
    }

    /// `gradInput[i] = gradOutput[i] · act'(input)`, with act' written through the output `a`:
    /// sigmoid a(1 − a), tanh 1 − a², relu 1 where a > 0 (0 at the kink, as PyTorch).
    public static func backward(
        _ kind: Activation, output a: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, count: Int, simd: Bool = ActivationKernel.simd
    ) {
        if simd {
            let code: Int32 = kind == .sigmoid ? 0 : kind == .tanh ? 1 : 2
            vk_activation_backward(code, a, gradOutput, gradInput, count)
            return
        }
        typealias Lanes = SIMD8<Float>
        let lanes = count / 8 * 8
        var i = 0
        // Written out in eight lanes: the relu select does not vectorise by itself.
        switch kind {
        case .sigmoid:
            while i < lanes {
                let y = UnsafeRawPointer(a + i).loadUnaligned(as: Lanes.self)
                let g = UnsafeRawPointer(gradOutput + i).loadUnaligned(as: Lanes.self)
                UnsafeMutableRawPointer(gradInput + i).storeBytes(of: g * y * (1 - y), as: Lanes.self)
                i += 8
            }
        case .tanh:
            while i < lanes {
                let y = UnsafeRawPointer(a + i).loadUnaligned(as: Lanes.self)
                let g = UnsafeRawPointer(gradOutput + i).loadUnaligned(as: Lanes.self)
                UnsafeMutableRawPointer(gradInput + i).storeBytes(of: g * (1 - y * y), as: Lanes.self)
                i += 8
            }
        case .relu:
            while i < lanes {
                let y = UnsafeRawPointer(a + i).loadUnaligned(as: Lanes.self)
                let g = UnsafeRawPointer(gradOutput + i).loadUnaligned(as: Lanes.self)
                let passed = g.replacing(with: 0, where: .!(y .> 0))
                UnsafeMutableRawPointer(gradInput + i).storeBytes(of: passed, as: Lanes.self)
                i += 8
            }
        }
        while i < count {
            switch kind {
            case .sigmoid: gradInput[i] = gradOutput[i] * a[i] * (1 - a[i])
            case .tanh: gradInput[i] = gradOutput[i] * (1 - a[i] * a[i])
            case .relu: gradInput[i] = a[i] > 0 ? gradOutput[i] : 0
            }
            i += 1
        }
    }
}

/// Batch normalisation over the batch dimension of a `batch × width` matrix, per column.
///
/// Train mode normalises with the batch's mean and (biased) variance and moves the running
/// averages by `momentum` towards them (the running variance takes the unbiased batch variance,
/// as PyTorch does); eval mode normalises with the running averages.
///
/// The loops run over eight columns at a time (`Columns`); every element sees the same operations
/// in the same order as one column at a time would, so the bits do not depend on the width.
public enum BatchNormKernel {
    public static let epsilon: Float = 1e-5
    public static let momentum: Float = 0.1

    /// Train mode: `y = gamma · xhat + beta`, `xhat = (u − mean) / sqrt(var + eps)`.
    ///
    /// `u` and `y` may be the same buffer. Keeps `xhat` and `invStd` for the backward pass;
    /// `mean` is scratch of `width` values.
    public static func forwardTrain(
        u: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, xhat: UnsafeMutablePointer<Float>,
        invStd: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        runningMean: UnsafeMutablePointer<Float>, runningVar: UnsafeMutablePointer<Float>,
        batch: Int, width: Int
    ) {
        columnSums(u, rows: batch, columns: width, into: mean)
        let scale = 1 / Float(batch)
        for j in 0..<width { mean[j] *= scale }
        // Two passes (mean, then squared deviations) keep the variance accurate in Float32.
        for block in Columns(width) {
            let m = block.load(mean)
            var squares = Columns.Lanes()
            for row in 0..<batch {
                let d = block.load(u + row * width) - m
                squares += d * d
            }
            block.store(squares, invStd)
        }
        let unbiased = batch > 1 ? Float(batch) / Float(batch - 1) : 1
        for j in 0..<width {
            let variance = invStd[j] * scale
            runningMean[j] = (1 - momentum) * runningMean[j] + momentum * mean[j]
            runningVar[j] = (1 - momentum) * runningVar[j] + momentum * variance * unbiased
            invStd[j] = 1 / (variance + epsilon).squareRoot()
        }
        for block in Columns(width) {
            let (m, inverse, g, b) = (block.load(mean), block.load(invStd), block.load(gamma), block.load(beta))
            for row in 0..<batch {
                let offset = row * width
                let normalised = (block.load(u + offset) - m) * inverse
                block.store(normalised, xhat + offset)
                block.store(g * normalised + b, y + offset)
            }
        }
    }

    /// Eval mode: normalise with the running mean and variance; `u` and `y` may be the same buffer.
    public static func forwardEval(
        u: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, runningMean: UnsafePointer<Float>, runningVar: UnsafePointer<Float>,
        batch: Int, width: Int
    ) {
        for block in Columns(width) {
            let scale = block.load(gamma) / (block.load(runningVar) + epsilon).squareRoot()
            let (m, b) = (block.load(runningMean), block.load(beta))
            for row in 0..<batch {
                let offset = row * width
                block.store((block.load(u + offset) - m) * scale + b, y + offset)
            }
        }
    }

    /// Train-mode gradients: `dGamma = Σ dy·xhat`, `dBeta = Σ dy`,
    /// `du = gamma · invStd / B · (B·dy − dBeta − xhat·dGamma)`.
    public static func backward(
        dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>, du: UnsafeMutablePointer<Float>,
        dGamma: UnsafeMutablePointer<Float>, dBeta: UnsafeMutablePointer<Float>, batch: Int, width: Int
    ) {
        let n = Float(batch)
        for block in Columns(width) {
            var (sumGamma, sumBeta) = (Columns.Lanes(), Columns.Lanes())
            for row in 0..<batch {
                let g = block.load(dy + row * width)
                sumGamma += g * block.load(xhat + row * width)
                sumBeta += g
            }
            block.store(sumGamma, dGamma)
            block.store(sumBeta, dBeta)
            let factor = block.load(gamma) * block.load(invStd) / n
            for row in 0..<batch {
                let offset = row * width
                block.store(factor * (n * block.load(dy + offset) - sumBeta - block.load(xhat + offset) * sumGamma),
                            du + offset)
            }
        }
    }
}

/// The columns `0..<width` in blocks of eight (the last may be narrower), each read and written
/// as one `SIMD8<Float>` (lanes past the block's width are zero and never stored).
struct Columns: Sequence, IteratorProtocol {
    typealias Lanes = SIMD8<Float>

    struct Block {
        let start: Int
        let count: Int

        @inline(__always)
        func load(_ row: UnsafePointer<Float>) -> Lanes {
            let p = row + start
            if count == 8 { return UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
            var lanes = Lanes()
            for i in 0..<count { lanes[i] = p[i] }
            return lanes
        }

        @inline(__always)
        func load(_ row: UnsafeMutablePointer<Float>) -> Lanes { load(UnsafePointer(row)) }

        @inline(__always)
        func store(_ lanes: Lanes, _ row: UnsafeMutablePointer<Float>) {
            let p = row + start
            if count == 8 {
                UnsafeMutableRawPointer(p).storeBytes(of: lanes, as: Lanes.self)
                return
            }
            for i in 0..<count { p[i] = lanes[i] }
        }
    }

    let width: Int
    var start = 0

    init(_ width: Int) { self.width = width }

    @inline(__always)
    mutating func next() -> Block? {
        guard start < width else { return nil }
        defer { start += 8 }
        return Block(start: start, count: Swift.min(8, width - start))
    }
}

/// Mean softmax cross-entropy over a batch of logits.
public enum SoftmaxCrossEntropyKernel {
    /// Returns the mean loss and the number of rows whose largest logit is the label (first on ties);
    /// writes `gradLogits = (softmax − onehot) / batch`.
    public static func lossAndGradient(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, gradLogits: UnsafeMutablePointer<Float>,
        batch: Int, classes: Int
    ) -> (loss: Float, correct: Int) {
        var total = 0.0
        var correct = 0
        let scale = 1 / Float(batch)
        for row in 0..<batch {
            let line = logits + row * classes
            let grad = gradLogits + row * classes
            var best = 0
            for c in 1..<max(classes, 1) where line[c] > line[best] { best = c }
            let label = Int(labels[row])
            if best == label { correct += 1 }
            let top = line[best]
            var sum: Float = 0
            for c in 0..<classes {
                let e = expf(line[c] - top)
                grad[c] = e
                sum += e
            }
            // log-sum-exp relative to the largest logit: never overflows.
            total += Double(logf(sum) - (line[label] - top))
            let inverse = 1 / sum
            for c in 0..<classes { grad[c] = grad[c] * inverse * scale }
            grad[label] -= scale
            if !top.isFinite { total = .nan }
        }
        return (Float(total / Double(batch)), correct)
    }
}
