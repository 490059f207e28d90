import CKernels
import GradientData

/// Whether batch normalisation uses the batch's statistics (and updates its running averages) or the running ones.
public enum NetworkMode: Sendable {
    case train
    case eval
}

/// One multilayer perceptron with its parameters, gradients and every buffer a step needs.
///
/// Forward: hidden layer k computes `act(norm(W h + b))`, adding the previous layer's output
/// for k ≥ 2 when residual; the output layer gives logits; the loss is mean softmax cross-entropy.
/// All memory is allocated at initialisation for batches of up to `maxBatch` rows, so a training
/// step allocates nothing. A class only because it owns that raw memory.
public final class MLPNetwork {
    public let shape: NetworkShape
    public let layout: ParameterLayout
    public let maxBatch: Int

    let parameters: FloatBuffer
    let gradients: FloatBuffer
    let runningMean: FloatBuffer
    let runningVar: FloatBuffer
    let input: FloatBuffer
    let labels: UnsafeMutablePointer<Int32>
    /// Per hidden layer: the activation's output `a` (batch × width).
    let activations: [FloatBuffer]
    /// Per hidden layer: what the next layer reads (`a`, or `h + a` when residual).
    let outputs: [UnsafeMutablePointer<Float>]
    let residualSums: [FloatBuffer]
    let normalised: [FloatBuffer]
    let inverseStd: [FloatBuffer]
    let linear: FloatBuffer
    let columnScratch: FloatBuffer
    let logits: FloatBuffer
    let gradLogits: FloatBuffer
    let gradCurrent: FloatBuffer
    let gradNext: FloatBuffer
    let gradPre: FloatBuffer
    let gradLinear: FloatBuffer
    /// Room for the largest layer's `Wᵀ` (the forward product's right-hand side).
    let transposedWeights: FloatBuffer

    /// A network of `shape` with all parameters zero (call `initialize` next).
    public init(shape: NetworkShape, maxBatch: Int) {
        precondition(shape.depth >= 1 && shape.width >= 1 && maxBatch >= 1, "a network needs a layer and a batch")
        self.shape = shape
        self.layout = ParameterLayout(shape)
        self.maxBatch = maxBatch
        let w = shape.width
        let block = maxBatch * w
        parameters = FloatBuffer(layout.count)
        gradients = FloatBuffer(layout.count)
        runningMean = FloatBuffer(shape.depth * w)
        runningVar = FloatBuffer(shape.depth * w, repeating: 1)
        input = FloatBuffer(maxBatch * shape.inputCount)
        labels = .allocate(capacity: maxBatch)
        labels.initialize(repeating: 0, count: maxBatch)
        let activations = (0..<shape.depth).map { _ in FloatBuffer(block) }
        let residual = shape.residual
        let residualSums = residual ? (0..<shape.depth).map { _ in FloatBuffer(block) } : []
        self.activations = activations
        self.residualSums = residualSums
        outputs = (0..<shape.depth).map { index in
            residual && index > 0 ? residualSums[index].pointer : activations[index].pointer
        }
        normalised = shape.batchNorm ? (0..<shape.depth).map { _ in FloatBuffer(block) } : []
        inverseStd = shape.batchNorm ? (0..<shape.depth).map { _ in FloatBuffer(w) } : []
        linear = FloatBuffer(block)
        columnScratch = FloatBuffer(max(w, shape.classCount))
        logits = FloatBuffer(maxBatch * shape.classCount)
        gradLogits = FloatBuffer(maxBatch * shape.classCount)
        gradCurrent = FloatBuffer(block)
        gradNext = FloatBuffer(block)
        gradPre = FloatBuffer(block)
        gradLinear = FloatBuffer(block)
        transposedWeights = FloatBuffer(layout.layers.map(\.weightCount).max() ?? 1)
    }

    deinit {
        labels.deallocate()
    }

    /// Draws the weights (and, for `nielsen` and `variances`, the biases) from `generator`; batch norm starts at gamma 1, beta 0.
    ///
    /// Layers are filled in order, weights row by row, then biases: the same generator state gives the same network.
    /// `gain` multiplies the weights' standard deviation (as PyTorch's `gain`); it leaves biases alone.
    public func initialize(_ initialization: Initialization, gain: Double = 1, generator: inout SeededGenerator) {
        let p = parameters.pointer
        for layer in layout.layers {
            let fanIn = Double(layer.inputs)
            let fanOut = Double(layer.outputs)
            let std: Double
            switch initialization {
            case .xavierNormal: std = (2 / (fanIn + fanOut)).squareRoot()
            case .heNormal: std = (2 / fanIn).squareRoot()
            case .nielsen: std = (1 / fanIn).squareRoot()
            case .variances(let v): std = (v.weightVariance / fanIn).squareRoot()
            }
            let biasStd: Double? = switch initialization {
            case .nielsen: 1
            case .variances(let v): v.biasVariance.squareRoot()
            default: nil
            }
            for i in 0..<layer.weightCount { p[layer.weight + i] = Float(gain * std * generator.nextNormal()) }
            for i in 0..<layer.outputs {
                p[layer.bias + i] = biasStd.map { Float($0 * generator.nextNormal()) } ?? 0
            }
            if let gamma = layer.gamma, let beta = layer.beta {
                (p + gamma).update(repeating: 1, count: layer.outputs)
                (p + beta).update(repeating: 0, count: layer.outputs)
            }
        }
        runningMean.pointer.update(repeating: 0, count: runningMean.count)
        runningVar.pointer.update(repeating: 1, count: runningVar.count)
    }

    /// A copy of all parameters, laid out as `layout` says.
    public var parameterValues: [Float] {
        get { parameters.array }
        set {
            precondition(newValue.count == layout.count, "expected \(layout.count) parameters")
            newValue.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { parameters.pointer.update(from: base, count: layout.count) }
            }
        }
    }

    /// A copy of the gradient of the last `lossAndGradient`, laid out as `layout` says.
    public var gradientValues: [Float] { gradients.array }

    /// Loads `labels.count` examples (row-major features) into the input buffer.
    func load(features: [Float], labels batchLabels: [Int32]) -> Int {
        let count = batchLabels.count
        precondition(count <= maxBatch && features.count == count * shape.inputCount, "batch does not fit")
        features.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { input.pointer.update(from: base, count: features.count) }
        }
        for (index, label) in batchLabels.enumerated() { labels[index] = label }
        return count
    }

    /// Mean loss and gradient on one batch in train mode (updates batch norm's running averages).
    public func lossAndGradient(features: [Float], labels batchLabels: [Int32]) -> (loss: Float, correct: Int) {
        let count = load(features: features, labels: batchLabels)
        forward(batch: count, mode: .train)
        let result = loss(batch: count)
        backward(batch: count, deltaNorms: nil)
        return result
    }

    /// Mean loss on one batch, forward only.
    public func loss(features: [Float], labels batchLabels: [Int32], mode: NetworkMode) -> Float {
        let count = load(features: features, labels: batchLabels)
        forward(batch: count, mode: mode)
        return loss(batch: count).loss
    }

    /// Share of `data`'s examples whose largest logit is the label, in eval mode.
    public func accuracy(on data: Dataset) -> Float {
        guard data.count > 0 else { return .nan }
        var correct = 0
        data.features.withUnsafeBufferPointer { features in
            guard let base = features.baseAddress else { return }
            var start = 0
            while start < data.count {
                let count = min(maxBatch, data.count - start)
                input.pointer.update(from: base + start * shape.inputCount, count: count * shape.inputCount)
                for row in 0..<count { labels[row] = data.labels[start + row] }
                forward(batch: count, mode: .eval)
                correct += loss(batch: count).correct
                start += count
            }
        }
        return Float(correct) / Float(data.count)
    }

    func loss(batch: Int) -> (loss: Float, correct: Int) {
        SoftmaxCrossEntropyKernel.lossAndGradient(
            logits: logits.pointer, labels: labels, gradLogits: gradLogits.pointer, batch: batch,
            classes: shape.classCount)
    }

    /// Runs the batch in `input` through the network into `logits`.
    func forward(batch: Int, mode: NetworkMode) {
        let p = parameters.pointer
        let w = shape.width
        for index in 0..<shape.depth {
            let layer = layout.layers[index]
            let source = index == 0 ? input.pointer : outputs[index - 1]
            let u = linear.pointer
            DenseKernel.forward(x: source, weight: p + layer.weight, bias: p + layer.bias, y: u,
                                batch: batch, inputs: layer.inputs, outputs: w, scratch: transposedWeights.pointer)
            if let gamma = layer.gamma, let beta = layer.beta {
                switch mode {
                case .train:
                    BatchNormKernel.forwardTrain(
                        u: u, y: u, xhat: normalised[index].pointer, invStd: inverseStd[index].pointer,
                        mean: columnScratch.pointer, gamma: p + gamma, beta: p + beta,
                        runningMean: runningMean.pointer + index * w, runningVar: runningVar.pointer + index * w,
                        batch: batch, width: w)
                case .eval:
                    BatchNormKernel.forwardEval(
                        u: u, y: u, gamma: p + gamma, beta: p + beta, runningMean: runningMean.pointer + index * w,
                        runningVar: runningVar.pointer + index * w, batch: batch, width: w)
                }
            }
            let a = activations[index].pointer
            ActivationKernel.forward(shape.activation, input: u, output: a, count: batch * w)
            if shape.residual && index > 0 {
                let sum = residualSums[index].pointer
                let previous = outputs[index - 1]
                if ActivationKernel.simd {
                    vk_add(previous, a, sum, batch * w)
                } else {
                    for i in 0..<(batch * w) { sum[i] = previous[i] + a[i] }
                }
            }
        }
        let last = layout.layers[shape.depth]
        DenseKernel.forward(x: outputs[shape.depth - 1], weight: p + last.weight, bias: p + last.bias,
                            y: logits.pointer, batch: batch, inputs: last.inputs, outputs: last.outputs,
                            scratch: transposedWeights.pointer)
    }

    /// Back-propagates `gradLogits` into `gradients`; with `deltaNorms`, also writes each weight
    /// layer's ‖Σ_batch dL/dz‖ (z = the activation's input; for the output layer, the logits).
    func backward(batch: Int, deltaNorms: UnsafeMutablePointer<Float>?) {
        let p = parameters.pointer
        let g = gradients.pointer
        let w = shape.width
        let last = layout.layers[shape.depth]
        var current = gradCurrent.pointer
        var next = gradNext.pointer
        DenseKernel.backward(
            x: outputs[shape.depth - 1], weight: p + last.weight, dy: gradLogits.pointer, dWeight: g + last.weight,
            dBias: g + last.bias, dx: current, batch: batch, inputs: last.inputs, outputs: last.outputs)
        if let deltaNorms { deltaNorms[shape.depth] = norm(g + last.bias, last.outputs) }
        for index in stride(from: shape.depth - 1, through: 0, by: -1) {
            let layer = layout.layers[index]
            let count = batch * w
            ActivationKernel.backward(shape.activation, output: activations[index].pointer, gradOutput: current,
                                      gradInput: gradPre.pointer, count: count)
            if let deltaNorms {
                columnSums(gradPre.pointer, rows: batch, columns: w, into: columnScratch.pointer)
                deltaNorms[index] = norm(columnScratch.pointer, w)
            }
            var dz = gradPre.pointer
            if let gamma = layer.gamma, let beta = layer.beta {
                BatchNormKernel.backward(
                    dy: gradPre.pointer, xhat: normalised[index].pointer, invStd: inverseStd[index].pointer,
                    gamma: p + gamma, du: gradLinear.pointer, dGamma: g + gamma, dBeta: g + beta, batch: batch, width: w)
                dz = gradLinear.pointer
            }
            let source = index == 0 ? input.pointer : outputs[index - 1]
            DenseKernel.backward(
                x: source, weight: p + layer.weight, dy: dz, dWeight: g + layer.weight, dBias: g + layer.bias,
                dx: index > 0 ? next : nil, batch: batch, inputs: layer.inputs, outputs: w)
            if shape.residual && index > 0 {
                // The skip path carries the gradient of h_k straight to h_{k-1}.
                if ActivationKernel.simd {
                    vk_add(next, current, next, count)
                } else {
                    for i in 0..<count { next[i] += current[i] }
                }
            }
            swap(&current, &next)
        }
    }
}
