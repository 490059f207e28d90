import GradientData
import MLPTraining
import Testing

/// The whole network's gradient against finite differences of an independent Float64 forward pass.
@Suite struct NetworkGradientTests {
    /// Mean softmax cross-entropy of the network DESIGN.md defines, in Double, train-mode batch norm.
    static func referenceLoss(_ shape: NetworkShape, _ layout: ParameterLayout, _ p: [Double], x: [Double],
                              labels: [Int32]) -> Double {
        let batch = labels.count
        var h = x
        var width = shape.inputCount
        for (index, layer) in layout.layers.enumerated() {
            var z = [Double](repeating: 0, count: batch * layer.outputs)
            for row in 0..<batch {
                for o in 0..<layer.outputs {
                    var sum = p[layer.bias + o]
                    for i in 0..<width { sum += p[layer.weight + o * width + i] * h[row * width + i] }
                    z[row * layer.outputs + o] = sum
                }
            }
            if index == shape.depth {
                var loss = 0.0
                for row in 0..<batch {
                    let line = Array(z[(row * layer.outputs)..<((row + 1) * layer.outputs)])
                    let top = line.max() ?? 0
                    loss += log(line.map { exp($0 - top) }.reduce(0, +)) + top - line[Int(labels[row])]
                }
                return loss / Double(batch)
            }
            if let gamma = layer.gamma, let beta = layer.beta {
                for o in 0..<layer.outputs {
                    let column = (0..<batch).map { z[$0 * layer.outputs + o] }
                    let mean = column.reduce(0, +) / Double(batch)
                    let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(batch)
                    for row in 0..<batch {
                        let normalised = (z[row * layer.outputs + o] - mean) / (variance + 1e-5).squareRoot()
                        z[row * layer.outputs + o] = p[gamma + o] * normalised + p[beta + o]
                    }
                }
            }
            let a = z.map { value -> Double in
                switch shape.activation {
                case .sigmoid: return 1 / (1 + exp(-value))
                case .tanh: return Foundation.tanh(value)
                case .relu: return max(value, 0)
                }
            }
            h = shape.residual && index > 0 ? zip(h, a).map { $0 + $1 } : a
            width = layer.outputs
        }
        return .nan
    }

    static let cases: [(Activation, Bool, Bool, Initialization)] = [
        (.sigmoid, false, false, .xavierNormal), (.tanh, false, false, .xavierNormal),
        (.relu, false, false, .heNormal), (.sigmoid, true, false, .xavierNormal),
        (.sigmoid, false, true, .nielsen), (.relu, true, true, .heNormal),
    ]

    @Test(arguments: 0..<6)
    func wholeNetworkGradientMatchesFiniteDifferences(caseIndex: Int) {
        let (activation, batchNorm, residual, initialization) = Self.cases[caseIndex]
        let shape = NetworkShape(inputCount: 4, classCount: 3, depth: 3, width: 5, activation: activation,
                                 batchNorm: batchNorm, residual: residual)
        let batch = 6
        let network = MLPNetwork(shape: shape, maxBatch: batch)
        var generator = SeededGenerator(seed: caseIndex)
        network.initialize(initialization, generator: &generator)
        // Move biases, gamma and beta off 0 and 1 so gradients are checked in general position
        // (a relu row whose inputs are all 0 would otherwise sit exactly on the kink, z = b = 0).
        var p = network.parameterValues
        for layer in network.layout.layers {
            for o in 0..<layer.outputs { p[layer.bias + o] += 0.2 * Float(generator.nextNormal()) }
        }
        network.parameterValues = p
        if batchNorm {
            for layer in network.layout.layers {
                if let gamma = layer.gamma, let beta = layer.beta {
                    for o in 0..<layer.outputs {
                        p[gamma + o] = 1 + 0.3 * Float(generator.nextNormal())
                        p[beta + o] = 0.3 * Float(generator.nextNormal())
                    }
                }
            }
            network.parameterValues = p
        }
        let x = (0..<(batch * 4)).map { _ in Float(generator.nextNormal()) }
        let labels: [Int32] = [0, 1, 2, 2, 1, 0]
        let (loss, _) = network.lossAndGradient(features: x, labels: labels)
        let parameters = network.parameterValues.map(Double.init)
        let xDouble = x.map(Double.init)
        let reference = Self.referenceLoss(shape, network.layout, parameters, x: xDouble, labels: labels)
        #expect(abs(Double(loss) - reference) < 1e-5 * max(1, abs(reference)))
        let numeric = GradientCheck.numeric(parameters, eps: 1e-6) {
            Self.referenceLoss(shape, network.layout, $0, x: xDouble, labels: labels)
        }
        let error = GradientCheck.relativeError(network.gradientValues, numeric)
        #expect(error < 1e-3, "\(activation) batchNorm \(batchNorm) residual \(residual): \(error)")

    }
}

import Foundation
