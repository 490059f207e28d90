import Foundation
import GradientData
import RecurrentTraining
import Testing

/// An independent Float64 forward pass of a recurrent network, from PyTorch's definitions, for
/// finite differences: the loss, optionally with an offset added to h_t or c_t after it is computed.
struct ReferenceRecurrentNetwork {
    let layout: RecurrentLayout
    let length: Int
    let batch: Int
    let inputs: [Double]
    let targets: [Double]
    let labels: [Int]

    enum Offset {
        case hidden(t: Int, index: Int, by: Double)
        case cell(t: Int, index: Int, by: Double)
    }

    func loss(_ p: [Double], offset: Offset? = nil) -> Double {
        let (h, i, o, g) = (layout.hidden, layout.inputs, layout.outputs, layout.gateRows)
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        var state = [Double](repeating: 0, count: batch * h)
        var cell = [Double](repeating: 0, count: batch * h)
        for t in 0..<length {
            var next = state
            var nextCell = cell
            for e in 0..<batch {
                // Pre-activations of every gate row, the x and h parts kept apart (the GRU needs them apart).
                var fromInput = [Double](repeating: 0, count: g)
                var fromState = [Double](repeating: 0, count: g)
                for r in 0..<g {
                    var sx = p[layout.inputBias + r]
                    for c in 0..<i { sx += p[layout.inputWeights + r * i + c] * inputs[(t * batch + e) * i + c] }
                    var sh = p[layout.recurrentBias + r]
                    for c in 0..<h { sh += p[layout.recurrentWeights + r * h + c] * state[e * h + c] }
                    fromInput[r] = sx
                    fromState[r] = sh
                }
                for j in 0..<h {
                    let k = e * h + j
                    switch layout.cell {
                    case .tanh: next[k] = Foundation.tanh(fromInput[j] + fromState[j])
                    case .relu: next[k] = max(0, fromInput[j] + fromState[j])
                    case .lstm:
                        let ig = sigmoid(fromInput[j] + fromState[j])
                        let fg = sigmoid(fromInput[h + j] + fromState[h + j])
                        let gg = Foundation.tanh(fromInput[2 * h + j] + fromState[2 * h + j])
                        let og = sigmoid(fromInput[3 * h + j] + fromState[3 * h + j])
                        nextCell[k] = fg * cell[k] + ig * gg
                        if case .cell(let at, let index, let by)? = offset, at == t, index == k { nextCell[k] += by }
                        next[k] = og * Foundation.tanh(nextCell[k])
                    case .gru:
                        let r = sigmoid(fromInput[j] + fromState[j])
                        let z = sigmoid(fromInput[h + j] + fromState[h + j])
                        let n = Foundation.tanh(fromInput[2 * h + j] + r * fromState[2 * h + j])
                        next[k] = (1 - z) * n + z * state[k]
                    }
                    if case .hidden(let at, let index, let by)? = offset, at == t, index == k { next[k] += by }
                }
            }
            state = next
            cell = nextCell
        }
        var total = 0.0
        for e in 0..<batch {
            var y = [Double](repeating: 0, count: o)
            for r in 0..<o {
                y[r] = p[layout.readoutBias + r]
                for c in 0..<h { y[r] += p[layout.readoutWeights + r * h + c] * state[e * h + c] }
            }
            if targets.isEmpty {
                let largest = y.max() ?? 0
                let sum = y.reduce(0) { $0 + exp($1 - largest) }
                total += log(sum) - (y[labels[e]] - largest)
            } else {
                for r in 0..<o { total += (y[r] - targets[e * o + r]) * (y[r] - targets[e * o + r]) / Double(o) }
            }
        }
        return total / Double(batch)
    }
}

@Suite struct CellGradientTests {
    static func values(_ count: Int, seed: Int, scale: Double = 1) -> [Float] {
        var generator = SeededGenerator(seed: seed, stream: 5)
        return (0..<count).map { _ in Float((2 * generator.nextUniform() - 1) * scale) }
    }

    /// A small network of `cell` with random parameters and a batch, its engine gradient, and the reference.
    static func setUp(_ cell: RecurrentCell, classes: Bool) -> (RecurrentNetwork, ReferenceRecurrentNetwork, [Float]) {
        let layout = RecurrentLayout(cell: cell, inputs: 2, hidden: 3, outputs: classes ? 4 : 1)
        let (length, batch) = (5, 2)
        let network = RecurrentNetwork(layout: layout, length: length, maxBatch: batch,
                                       loss: classes ? .crossEntropy : .meanSquaredError)
        let parameters = values(layout.count, seed: 1, scale: 0.8)
        network.parameterValues = parameters
        let inputs = values(length * batch * 2, seed: 2)
        let targets = classes ? [] : values(batch, seed: 3)
        let labels: [Int32] = classes ? [1, 3] : []
        _ = network.lossAndGradient(inputs: inputs, targets: targets, labels: labels, batch: batch)
        let reference = ReferenceRecurrentNetwork(
            layout: layout, length: length, batch: batch, inputs: inputs.map(Double.init),
            targets: targets.map(Double.init), labels: labels.map(Int.init))
        return (network, reference, parameters)
    }

    static func numericGradient(_ reference: ReferenceRecurrentNetwork, at parameters: [Float]) -> [Double] {
        let base = parameters.map(Double.init)
        var probe = base
        let eps = 1e-6
        return base.indices.map { k in
            probe[k] = base[k] + eps
            let plus = reference.loss(probe)
            probe[k] = base[k] - eps
            let minus = reference.loss(probe)
            probe[k] = base[k]
            return (plus - minus) / (2 * eps)
        }
    }

    @Test(arguments: RecurrentCell.allCases, [false, true])
    func everyParameterGradientMatchesFiniteDifferences(cell: RecurrentCell, classes: Bool) {
        let (network, reference, parameters) = Self.setUp(cell, classes: classes)
        let numeric = Self.numericGradient(reference, at: parameters)
        let analytic = network.gradientValues
        let scale = max(numeric.map(abs).max() ?? 0, 1e-6)
        for tensor in network.layout.tensors {
            let worst = (tensor.offset..<(tensor.offset + tensor.count))
                .map { abs(Double(analytic[$0]) - numeric[$0]) }.max() ?? 0
            #expect(worst / scale < 1e-3, "\(cell) \(tensor.name): worst error \(worst) against scale \(scale)")
        }
        #expect(numeric.contains { abs($0) > 1e-4 })
    }

    @Test(arguments: RecurrentCell.allCases)
    func hiddenGradientNormIsTheTotalDerivativeAtEveryTimeStep(cell: RecurrentCell) {
        let (network, reference, parameters) = Self.setUp(cell, classes: false)
        let base = parameters.map(Double.init)
        let eps = 1e-6
        let stateCount = reference.batch * network.layout.hidden
        for t in 0..<network.length {
            var squares = 0.0
            var cellSquares = 0.0
            for k in 0..<stateCount {
                let plus = reference.loss(base, offset: .hidden(t: t, index: k, by: eps))
                let minus = reference.loss(base, offset: .hidden(t: t, index: k, by: -eps))
                squares += pow((plus - minus) / (2 * eps), 2)
                if cell == .lstm {
                    let cPlus = reference.loss(base, offset: .cell(t: t, index: k, by: eps))
                    let cMinus = reference.loss(base, offset: .cell(t: t, index: k, by: -eps))
                    cellSquares += pow((cPlus - cMinus) / (2 * eps), 2)
                }
            }
            let expected = squares.squareRoot()
            let measured = Double(network.hiddenGradNorms.pointer[t])
            #expect(abs(measured - expected) <= 1e-3 * max(expected, 1e-4), "\(cell) t=\(t + 1): \(measured) vs \(expected)")
            if cell == .lstm {
                let expectedCell = cellSquares.squareRoot()
                let measuredCell = Double(network.cellGradNorms.pointer[t])
                #expect(abs(measuredCell - expectedCell) <= 1e-3 * max(expectedCell, 1e-4), "c t=\(t + 1): \(measuredCell) vs \(expectedCell)")
            }
        }
    }

    @Test func outputMatchesTheReferenceForward() {
        // The readout of one sequence through a GRU equals the reference's prediction (MSE with target 0 = y²).
        let (network, reference, parameters) = Self.setUp(.gru, classes: false)
        let y = network.outputValues(inputs: reference.inputs.map(Float.init), batch: reference.batch)
        let zeroTargets = ReferenceRecurrentNetwork(
            layout: reference.layout, length: reference.length, batch: 1,
            inputs: (0..<reference.length).flatMap { t in (0..<2).map { reference.inputs[(t * reference.batch) * 2 + $0] } },
            targets: [0], labels: [])
        let expected = zeroTargets.loss(parameters.map(Double.init)).squareRoot()
        #expect(abs(abs(Double(y[0])) - expected) < 1e-5)
    }
}
