import CKernels
import COpenBLAS
import GradientData
import MLPTraining

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where each parameter tensor of a recurrent network starts in its flat parameter vector.
///
/// PyTorch's layout: `W_ih` (gates × hidden rows, inputs columns), `W_hh` (gates × hidden, hidden),
/// `b_ih`, `b_hh`, then the readout `W` (outputs × hidden) and `b`. Gates stack in PyTorch's
/// order: LSTM i, f, g, o; GRU r, z, n.
public struct RecurrentLayout: Sendable, Hashable {
    public let cell: RecurrentCell
    public let inputs: Int
    public let hidden: Int
    public let outputs: Int
    public var gateRows: Int { cell.gateCount * hidden }
    public var inputWeights: Int { 0 }
    public var recurrentWeights: Int { gateRows * inputs }
    public var inputBias: Int { recurrentWeights + gateRows * hidden }
    public var recurrentBias: Int { inputBias + gateRows }
    public var readoutWeights: Int { recurrentBias + gateRows }
    public var readoutBias: Int { readoutWeights + outputs * hidden }
    public var count: Int { readoutBias + outputs }

    public init(cell: RecurrentCell, inputs: Int, hidden: Int, outputs: Int) {
        self.cell = cell
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
    }

    /// The parameter tensors in layout order: name, offset, element count.
    public var tensors: [(name: String, offset: Int, count: Int)] {
        [("W_ih", inputWeights, gateRows * inputs), ("W_hh", recurrentWeights, gateRows * hidden),
         ("b_ih", inputBias, gateRows), ("b_hh", recurrentBias, gateRows),
         ("readout.W", readoutWeights, outputs * hidden), ("readout.b", readoutBias, outputs)]
    }

    /// The history's "layers" of a recurrent run: each a weight matrix with its bias.
    public static let layerNames = ["input", "recurrent", "readout"]

    /// Where a history "layer" (a weight matrix with its bias) lies in the parameter vector.
    public struct LayerTensors: Sendable, Hashable {
        public var weight: Int
        public var weightCount: Int
        public var bias: Int
        public var biasCount: Int
    }

    /// The tensors of each of `layerNames`, in that order.
    public var layerTensors: [LayerTensors] {
        [LayerTensors(weight: inputWeights, weightCount: gateRows * inputs, bias: inputBias, biasCount: gateRows),
         LayerTensors(weight: recurrentWeights, weightCount: gateRows * hidden, bias: recurrentBias, biasCount: gateRows),
         LayerTensors(weight: readoutWeights, weightCount: outputs * hidden, bias: readoutBias, biasCount: outputs)]
    }
}

/// What the loss of a batch is: MSE against a target (adding) or softmax cross-entropy against a label.
public enum SequenceLoss: Sendable {
    case meanSquaredError
    case crossEntropy
}

/// A one-layer recurrent network (tanh, relu, LSTM or GRU cell) with a linear readout of the last
/// hidden state, trained by full backpropagation through time.
///
/// Every buffer is allocated once for `maxBatch` sequences of `length` steps, so that a training
/// step allocates nothing. Sequences are stored time-major: element (t, e, i) at `(t · n + e) · I + i`
/// for a batch of n.
public final class RecurrentNetwork {
    public let layout: RecurrentLayout
    public let length: Int
    public let maxBatch: Int
    public let loss: SequenceLoss

    let parameters: FloatBuffer
    let gradients: FloatBuffer
    /// Inputs of the batch, time-major.
    let input: FloatBuffer
    /// Targets (MSE: `outputs` per sequence) or labels (cross-entropy) of the batch.
    let targets: FloatBuffer
    let labels: UnsafeMutablePointer<Int32>
    /// Per time step, the gate activations (i, f, g, o / r, z, n / the new state's pre-activation);
    /// during the backward pass each step's slot is overwritten by its gradients with respect to the
    /// gates' pre-activations (the part that multiplies `W_hh`).
    let gates: FloatBuffer
    /// GRU only: per time step `W_hn h_{t−1} + b_hn`, then the n gate's pre-activation gradient as `W_in` sees it.
    let candidate: FloatBuffer
    /// Hidden states h_0 … h_T (h_0 = 0), time-major.
    let states: FloatBuffer
    /// LSTM cell states c_0 … c_T (c_0 = 0).
    let cells: FloatBuffer
    /// LSTM tanh(c_1) … tanh(c_T), kept for the output and the backward pass.
    let squashedCells: FloatBuffer
    let recurrentProduct: FloatBuffer
    let outputs: FloatBuffer
    let outputGradient: FloatBuffer
    let hiddenGradient: FloatBuffer
    let previousHiddenGradient: FloatBuffer
    let cellGradient: FloatBuffer
    let ones: FloatBuffer

    /// Per time step t = 1…T (index t − 1), filled by a recorded `backward` / `forward`.
    public let hiddenGradNorms: FloatBuffer
    public let cellGradNorms: FloatBuffer
    public let gateMeans: FloatBuffer
    public let saturatedShares: FloatBuffer

    public init(layout: RecurrentLayout, length: Int, maxBatch: Int, loss: SequenceLoss) {
        self.layout = layout
        self.length = length
        self.maxBatch = maxBatch
        self.loss = loss
        let h = layout.hidden
        let rows = length * maxBatch
        parameters = FloatBuffer(layout.count)
        gradients = FloatBuffer(layout.count)
        input = FloatBuffer(rows * layout.inputs)
        targets = FloatBuffer(maxBatch * layout.outputs)
        labels = .allocate(capacity: maxBatch)
        labels.initialize(repeating: 0, count: maxBatch)
        gates = FloatBuffer(rows * layout.gateRows)
        candidate = FloatBuffer(layout.cell == .gru ? rows * h : 0)
        states = FloatBuffer((length + 1) * maxBatch * h)
        cells = FloatBuffer(layout.cell == .lstm ? (length + 1) * maxBatch * h : 0)
        squashedCells = FloatBuffer(layout.cell == .lstm ? rows * h : 0)
        recurrentProduct = FloatBuffer(maxBatch * layout.gateRows)
        outputs = FloatBuffer(maxBatch * layout.outputs)
        outputGradient = FloatBuffer(maxBatch * layout.outputs)
        hiddenGradient = FloatBuffer(maxBatch * h)
        previousHiddenGradient = FloatBuffer(maxBatch * h)
        cellGradient = FloatBuffer(maxBatch * h)
        ones = FloatBuffer(rows, repeating: 1)
        hiddenGradNorms = FloatBuffer(length)
        cellGradNorms = FloatBuffer(length)
        gateMeans = FloatBuffer(length)
        saturatedShares = FloatBuffer(length)
    }

    deinit {
        labels.deallocate()
    }

    // MARK: - Initialisation

    /// Draws every parameter as `init` says, from `generator`, in layout order.
    ///
    /// `pytorch`: U(±1/√hidden) for every weight and bias of the cell, the readout as `torch.nn.Linear`
    /// (U(±1/√fan_in)). `orthogonal` and `identity` replace each hidden-to-hidden block of `W_hh`;
    /// `identity` also zeroes `b_hh`. `forgetBias` is added to the forget-gate part of `b_ih` (LSTM).
    public func initialize(_ initialization: RecurrentInitialization, forgetBias: Double?, generator: inout SeededGenerator) {
        let p = parameters.pointer
        let bound = 1 / Double(layout.hidden).squareRoot()
        for i in 0..<layout.readoutWeights {
            p[i] = Float((2 * generator.nextUniform() - 1) * bound)
        }
        let readoutBound = 1 / Double(layout.hidden).squareRoot()
        for i in layout.readoutWeights..<layout.count {
            p[i] = Float((2 * generator.nextUniform() - 1) * readoutBound)
        }
        let h = layout.hidden
        switch initialization {
        case .pytorch:
            break
        case .orthogonal:
            for block in 0..<layout.cell.gateCount {
                let matrix = Self.orthogonal(h, generator: &generator)
                for r in 0..<h {
                    for c in 0..<h { p[layout.recurrentWeights + (block * h + r) * h + c] = Float(matrix[r * h + c]) }
                }
            }
        case .identity:
            for block in 0..<layout.cell.gateCount {
                for r in 0..<h {
                    for c in 0..<h { p[layout.recurrentWeights + (block * h + r) * h + c] = r == c ? 1 : 0 }
                }
            }
            for i in 0..<layout.gateRows { p[layout.recurrentBias + i] = 0 }
        }
        if layout.cell == .lstm, let forgetBias {
            for j in 0..<h { p[layout.inputBias + h + j] += Float(forgetBias) }
        }
    }

    /// A random orthogonal n × n matrix: Gram–Schmidt on a Gaussian matrix's rows (twice, for accuracy).
    static func orthogonal(_ n: Int, generator: inout SeededGenerator) -> [Double] {
        var m = (0..<(n * n)).map { _ in generator.nextNormal() }
        for r in 0..<n {
            for _ in 0..<2 {
                for q in 0..<r {
                    var dot = 0.0
                    for c in 0..<n { dot += m[r * n + c] * m[q * n + c] }
                    for c in 0..<n { m[r * n + c] -= dot * m[q * n + c] }
                }
            }
            var size = 0.0
            for c in 0..<n { size += m[r * n + c] * m[r * n + c] }
            let scale = 1 / size.squareRoot()
            for c in 0..<n { m[r * n + c] *= scale }
        }
        return m
    }

    // MARK: - Arrays (tests and tools)

    /// The parameters in layout order.
    public var parameterValues: [Float] {
        get { parameters.array }
        set {
            precondition(newValue.count == layout.count, "one value per parameter")
            for (i, value) in newValue.enumerated() { parameters.pointer[i] = value }
        }
    }

    /// The gradients of the last `backward`, in layout order.
    public var gradientValues: [Float] { gradients.array }

    /// Loss and gradient of one batch given as arrays: `inputs` time-major (t, e, i), `targets`
    /// one row of `outputs` per sequence (MSE) or `labels` (cross-entropy).
    public func lossAndGradient(inputs: [Float], targets values: [Float] = [], labels classes: [Int32] = [], batch: Int,
                                record: Bool = true) -> Float {
        load(inputs: inputs, targets: values, labels: classes, batch: batch)
        forward(batch: batch, record: record)
        let value = batchLoss(batch: batch).loss
        backward(batch: batch, record: record)
        return value
    }

    /// The readout of each sequence (n × outputs) for a batch given as arrays.
    public func outputValues(inputs: [Float], batch: Int) -> [Float] {
        load(inputs: inputs, targets: [], labels: [], batch: batch)
        forward(batch: batch, record: false)
        return Array(UnsafeBufferPointer(start: outputs.pointer, count: batch * layout.outputs))
    }

    func load(inputs: [Float], targets values: [Float], labels classes: [Int32], batch: Int) {
        precondition(batch <= maxBatch && inputs.count == length * batch * layout.inputs)
        for (i, value) in inputs.enumerated() { input.pointer[i] = value }
        for (i, value) in values.enumerated() { targets.pointer[i] = value }
        for (i, value) in classes.enumerated() { labels[i] = value }
    }

    // MARK: - Forward

    /// Runs the batch of `n` sequences in `input` through the cell and the readout into `outputs`.
    ///
    /// With `record`, the per-time-step gate means and saturated shares are filled too.
    public func forward(batch n: Int, record: Bool) {
        let h = layout.hidden
        let g = layout.gateRows
        let p = parameters.pointer
        let x = input.pointer
        let a = gates.pointer
        let hw = recurrentProduct.pointer
        let bih = p + layout.inputBias
        let bhh = p + layout.recurrentBias
        let stateBase = states.pointer
        // x W_ihᵀ for every time step at once.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(length * n), Int32(g), Int32(layout.inputs),
                    1, x, Int32(layout.inputs), p + layout.inputWeights, Int32(layout.inputs), 0, a, Int32(g))
        stateBase.update(repeating: 0, count: n * h)
        if layout.cell == .lstm { cells.pointer.update(repeating: 0, count: n * h) }
        for t in 0..<length {
            let previous = stateBase + t * n * h
            let next = stateBase + (t + 1) * n * h
            let step = a + t * n * g
            if t == 0 {
                hw.update(repeating: 0, count: n * g)
            } else {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(g), Int32(h),
                            1, previous, Int32(h), p + layout.recurrentWeights, Int32(h), 0, hw, Int32(g))
            }
            // Pre-activations of every gate: x W_ihᵀ (already in `step`) + b_ih + h W_hhᵀ + b_hh; the
            // GRU's n gate keeps its recurrent part apart, since r scales it.
            let candidateRows = layout.cell == .gru ? 2 * h : g
            for e in 0..<n {
                let row = step + e * g
                let hwRow = hw + e * g
                for j in 0..<candidateRows { row[j] += bih[j] + hwRow[j] + bhh[j] }
            }
            switch layout.cell {
            case .tanh:
                vk_tanh(step, step, n * h)
                next.update(from: step, count: n * h)
            case .relu:
                for k in 0..<(n * h) { step[k] = max(step[k], 0) }
                next.update(from: step, count: n * h)
            case .lstm:
                let cPrevious = cells.pointer + t * n * h
                let cNext = cells.pointer + (t + 1) * n * h
                let squashed = squashedCells.pointer + t * n * h
                for e in 0..<n {
                    let row = step + e * g
                    vk_sigmoid(row, row, 2 * h)
                    vk_tanh(row + 2 * h, row + 2 * h, h)
                    vk_sigmoid(row + 3 * h, row + 3 * h, h)
                    for j in 0..<h { cNext[e * h + j] = row[h + j] * cPrevious[e * h + j] + row[j] * row[2 * h + j] }
                }
                vk_tanh(cNext, squashed, n * h)
                for e in 0..<n {
                    let row = step + e * g
                    for j in 0..<h { next[e * h + j] = row[3 * h + j] * squashed[e * h + j] }
                }
            case .gru:
                let hn = candidate.pointer + t * n * h
                for e in 0..<n {
                    let row = step + e * g
                    let hwRow = hw + e * g
                    vk_sigmoid(row, row, 2 * h)
                    for j in 0..<h {
                        let recurrentPart = hwRow[2 * h + j] + bhh[2 * h + j]
                        hn[e * h + j] = recurrentPart
                        row[2 * h + j] += bih[2 * h + j] + row[j] * recurrentPart
                    }
                    vk_tanh(row + 2 * h, row + 2 * h, h)
                    for j in 0..<h {
                        let z = row[h + j]
                        next[e * h + j] = (1 - z) * row[2 * h + j] + z * previous[e * h + j]
                    }
                }
            }
            if record { recordGatesAndSaturation(t: t, batch: n) }
        }
        // Readout of h_T.
        let last = stateBase + length * n * h
        let y = outputs.pointer
        let o = layout.outputs
        for e in 0..<n { (y + e * o).update(from: p + layout.readoutBias, count: o) }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(o), Int32(h),
                    1, last, Int32(h), p + layout.readoutWeights, Int32(h), 1, y, Int32(o))
    }

    /// The mean of the memory gate (LSTM f, GRU z) and the share of saturated tanh values at time step `t`.
    private func recordGatesAndSaturation(t: Int, batch n: Int) {
        let h = layout.hidden
        let g = layout.gateRows
        let step = gates.pointer + t * n * g
        var gateSum = 0.0
        var saturated = 0
        func count(_ values: UnsafePointer<Float>) {
            for j in 0..<h where abs(values[j]) > 0.97 { saturated += 1 }
        }
        for e in 0..<n {
            let row = step + e * g
            switch layout.cell {
            case .tanh: count(row)
            case .relu: break
            case .lstm:
                for j in 0..<h { gateSum += Double(row[h + j]) }
                count(squashedCells.pointer + (t * n + e) * h)
            case .gru:
                for j in 0..<h { gateSum += Double(row[h + j]) }
                count(row + 2 * h)
            }
        }
        gateMeans.pointer[t] = Float(gateSum / Double(n * h))
        saturatedShares.pointer[t] = Float(saturated) / Float(n * h)
    }

    /// The batch-mean loss of the last forward pass, its gradient in `outputGradient`, and the
    /// number of correctly classified sequences (cross-entropy; 0 for MSE).
    public func batchLoss(batch n: Int) -> (loss: Float, correct: Int) {
        let o = layout.outputs
        let y = outputs.pointer
        let dy = outputGradient.pointer
        switch loss {
        case .meanSquaredError:
            var total = 0.0
            let scale = 2 / Float(n * o)
            for k in 0..<(n * o) {
                let difference = y[k] - targets.pointer[k]
                total += Double(difference * difference)
                dy[k] = scale * difference
            }
            return (Float(total / Double(n * o)), 0)
        case .crossEntropy:
            var total = 0.0
            var correct = 0
            for e in 0..<n {
                let row = y + e * o
                let gradientRow = dy + e * o
                var largest = row[0]
                var best = 0
                for k in 1..<o where row[k] > largest {
                    largest = row[k]
                    best = k
                }
                var sum: Float = 0
                for k in 0..<o {
                    gradientRow[k] = expf(row[k] - largest)
                    sum += gradientRow[k]
                }
                let label = Int(labels[e])
                total += Double(logf(sum) - (row[label] - largest))
                for k in 0..<o { gradientRow[k] = (gradientRow[k] / sum - (k == label ? 1 : 0)) / Float(n) }
                if best == label { correct += 1 }
            }
            return (Float(total / Double(n)), correct)
        }
    }

    // MARK: - Backward

    /// Backpropagation through time of the last forward pass: every parameter's gradient of the batch-mean loss.
    ///
    /// With `record`, ‖∂L/∂h_t‖ (and LSTM ‖∂L/∂c_t‖) are stored per time step: the total derivative,
    /// through every later step and the readout.
    public func backward(batch n: Int, record: Bool) {
        let h = layout.hidden
        let g = layout.gateRows
        let o = layout.outputs
        let p = parameters.pointer
        let d = gradients.pointer
        let a = gates.pointer
        let stateBase = states.pointer
        let rows = Int32(length * n)
        var dh = hiddenGradient.pointer
        var dhPrevious = previousHiddenGradient.pointer
        let dc = cellGradient.pointer
        let last = stateBase + length * n * h

        // Readout: dW = dyᵀ h_T, db = Σ dy, dh_T = dy W.
        let dy = outputGradient.pointer
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(o), Int32(h), Int32(n),
                    1, dy, Int32(o), last, Int32(h), 0, d + layout.readoutWeights, Int32(h))
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(n), Int32(o), 1, dy, Int32(o), ones.pointer, 1,
                    0, d + layout.readoutBias, 1)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(h), Int32(o),
                    1, dy, Int32(o), p + layout.readoutWeights, Int32(h), 0, dh, Int32(h))
        if layout.cell == .lstm { dc.update(repeating: 0, count: n * h) }

        for t in stride(from: length - 1, through: 0, by: -1) {
            let previous = stateBase + t * n * h
            let current = stateBase + (t + 1) * n * h
            let step = a + t * n * g
            if record { hiddenGradNorms.pointer[t] = Self.norm(dh, n * h) }
            var keepsDirectPath = false
            switch layout.cell {
            case .tanh:
                for k in 0..<(n * h) { step[k] = dh[k] * (1 - current[k] * current[k]) }
            case .relu:
                for k in 0..<(n * h) { step[k] = current[k] > 0 ? dh[k] : 0 }
            case .lstm:
                let cPrevious = cells.pointer + t * n * h
                let squashedCurrent = squashedCells.pointer + t * n * h
                var cellSquares = 0.0
                for e in 0..<n {
                    let row = step + e * g
                    for j in 0..<h {
                        let k = e * h + j
                        let (i, f, gg, og) = (row[j], row[h + j], row[2 * h + j], row[3 * h + j])
                        let squashed = squashedCurrent[k]
                        let cellTotal = dc[k] + dh[k] * og * (1 - squashed * squashed)
                        cellSquares += Double(cellTotal) * Double(cellTotal)
                        row[j] = cellTotal * gg * i * (1 - i)
                        row[h + j] = cellTotal * cPrevious[k] * f * (1 - f)
                        row[2 * h + j] = cellTotal * i * (1 - gg * gg)
                        row[3 * h + j] = dh[k] * squashed * og * (1 - og)
                        // The cell path: dc_{t−1} = f ⊙ dc_t.
                        dc[k] = cellTotal * f
                    }
                }
                if record { cellGradNorms.pointer[t] = Float(cellSquares.squareRoot()) }
            case .gru:
                let hn = candidate.pointer + t * n * h
                for e in 0..<n {
                    let row = step + e * g
                    for j in 0..<h {
                        let k = e * h + j
                        let (r, z, candidateValue) = (row[j], row[h + j], row[2 * h + j])
                        let dCandidate = dh[k] * (1 - z) * (1 - candidateValue * candidateValue)
                        let dz = dh[k] * (previous[k] - candidateValue) * z * (1 - z)
                        let dr = dCandidate * hn[k] * r * (1 - r)
                        dhPrevious[k] = dh[k] * z
                        row[j] = dr
                        row[h + j] = dz
                        row[2 * h + j] = dCandidate * r
                        hn[k] = dCandidate
                    }
                }
                keepsDirectPath = true
            }
            if t > 0 {
                // dh_{t−1} = dA_t W_hh (+ the GRU's direct path z ⊙ dh_t, already in dhPrevious).
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(h), Int32(g),
                            1, step, Int32(g), p + layout.recurrentWeights, Int32(h), keepsDirectPath ? 1 : 0,
                            dhPrevious, Int32(h))
                swap(&dh, &dhPrevious)
            }
        }

        // Weight gradients over all time steps at once.
        let x = input.pointer
        let inputs = Int32(layout.inputs)
        if layout.cell == .gru {
            // r and z blocks see the same pre-activation gradient from x and h; the n block's x part is unscaled by r.
            let twoH = Int32(2 * h)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, twoH, inputs, rows,
                        1, a, Int32(g), x, inputs, 0, d + layout.inputWeights, inputs)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(h), inputs, rows,
                        1, candidate.pointer, Int32(h), x, inputs, 0, d + layout.inputWeights + 2 * h * layout.inputs, inputs)
            cblas_sgemv(CblasRowMajor, CblasTrans, rows, twoH, 1, a, Int32(g), ones.pointer, 1, 0, d + layout.inputBias, 1)
            cblas_sgemv(CblasRowMajor, CblasTrans, rows, Int32(h), 1, candidate.pointer, Int32(h), ones.pointer, 1,
                        0, d + layout.inputBias + 2 * h, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(g), inputs, rows,
                        1, a, Int32(g), x, inputs, 0, d + layout.inputWeights, inputs)
            cblas_sgemv(CblasRowMajor, CblasTrans, rows, Int32(g), 1, a, Int32(g), ones.pointer, 1, 0, d + layout.inputBias, 1)
        }
        // h_0 … h_{T−1} are contiguous: one product for W_hh.
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(g), Int32(h), rows,
                    1, a, Int32(g), stateBase, Int32(h), 0, d + layout.recurrentWeights, Int32(h))
        cblas_sgemv(CblasRowMajor, CblasTrans, rows, Int32(g), 1, a, Int32(g), ones.pointer, 1, 0, d + layout.recurrentBias, 1)
    }

    static func norm(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = 0.0
        for k in 0..<count { sum += Double(x[k]) * Double(x[k]) }
        return Float(sum.squareRoot())
    }
}

@inline(__always)
func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
