import GradientData

/// The state of SGD with momentum or Adam over a flat parameter vector, updated in place.
///
/// SGD follows PyTorch's convention: `v = μ v + g`, `w -= lr · v`. Adam: `m = β1 m + (1 − β1) g`,
/// `v = β2 v + (1 − β2) g²`, `w -= lr · m̂ / (sqrt(v̂) + ε)` with bias-corrected m̂, v̂.
struct Optimizer {
    let spec: OptimizerSpec
    let first: FloatBuffer
    let second: FloatBuffer?
    var stepCount = 0

    init(_ spec: OptimizerSpec, parameterCount: Int) {
        self.spec = spec
        first = FloatBuffer(parameterCount)
        second = spec.kind == .adam ? FloatBuffer(parameterCount) : nil
    }

    mutating func update(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int) {
        stepCount += 1
        let lr = Float(spec.learningRate)
        let m = first.pointer
        switch spec.kind {
        case .sgd:
            let momentum = Float(spec.momentum ?? 0)
            for i in 0..<count {
                m[i] = momentum * m[i] + gradients[i]
                parameters[i] -= lr * m[i]
            }
        case .adam:
            guard let v = second?.pointer else { return }
            let beta1 = spec.beta1 ?? 0.9
            let beta2 = spec.beta2 ?? 0.999
            let epsilon = Float(spec.epsilon ?? 1e-8)
            let correction1 = Float(1 - pow(beta1, Double(stepCount)))
            let correction2 = Float(1 - pow(beta2, Double(stepCount))).squareRoot()
            let (b1, b2) = (Float(beta1), Float(beta2))
            for i in 0..<count {
                let g = gradients[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                parameters[i] -= lr * (m[i] / correction1) / (v[i].squareRoot() / correction2 + epsilon)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
