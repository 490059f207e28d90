import Foundation

/// The nonlinearities mean-field theory is computed for here.
public enum MeanFieldActivation: String, Sendable, Hashable, CaseIterable {
    case tanh, relu, sigmoid

    /// φ(h).
    public func value(_ h: Double) -> Double {
        switch self {
        case .tanh: return Foundation.tanh(h)
        case .relu: return max(0, h)
        case .sigmoid: return 1 / (1 + exp(-h))
        }
    }

    /// φ′(h) (relu: 1 for h > 0, else 0).
    public func slope(_ h: Double) -> Double {
        switch self {
        case .tanh:
            let t = Foundation.tanh(h)
            return 1 - t * t
        case .relu: return h > 0 ? 1 : 0
        case .sigmoid:
            let s = 1 / (1 + exp(-h))
            return s * (1 - s)
        }
    }
}

/// Signal propagation in a deep, wide, random network at initialisation (Poole et al. 2016;
/// Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017): weights N(0, σ_w²/fan_in), biases N(0, σ_b²).
///
/// With h = √q z, z ~ N(0, 1), the pre-activation variance follows q ↦ σ_w² E[φ(h)²] + σ_b² to a
/// fixed point q*; χ₁ = σ_w² E[φ′(h)²] at q* is the factor by which each layer multiplies the
/// squared gradient on its way back. χ₁ < 1: ordered, gradients vanish; χ₁ > 1: chaotic, they
/// explode; χ₁ = 1: the edge of chaos. Every expectation is a Gauss–Hermite sum.
public struct MeanField: Sendable {
    public var activation: MeanFieldActivation
    public var weightVariance: Double
    public var biasVariance: Double
    public var quadrature: GaussianQuadrature

    public init(_ activation: MeanFieldActivation, weightVariance: Double, biasVariance: Double,
                quadrature: GaussianQuadrature = .standard) {
        self.activation = activation
        self.weightVariance = weightVariance
        self.biasVariance = biasVariance
        self.quadrature = quadrature
    }

    /// One layer of the variance map: σ_w² E[φ(√q z)²] + σ_b².
    public func nextVariance(_ q: Double) -> Double {
        let s = max(0, q).squareRoot()
        return weightVariance * quadrature.expectation { z in
            let a = activation.value(s * z)
            return a * a
        } + biasVariance
    }

    /// q*, the fixed point of the variance map reached from q = 1; nil when the variance grows without
    /// bound (relu with σ_w² ≥ 2 and σ_b² > 0).
    public var fixedVariance: Double? {
        var q = 1.0
        for _ in 0..<100_000 {
            let next = nextVariance(q)
            if !next.isFinite || next > 1e12 { return nil }
            if abs(next - q) <= 1e-15 * max(1, q) { return next }
            q = next
        }
        return q
    }

    /// χ₁ = σ_w² E[φ′(√q* z)²]; nil when there is no q*.
    public var chi1: Double? {
        guard let q = fixedVariance else { return nil }
        return chi1(atVariance: q)
    }

    /// σ_w² E[φ′(√q z)²] at a given variance q.
    public func chi1(atVariance q: Double) -> Double {
        let s = max(0, q).squareRoot()
        return weightVariance * quadrature.expectation { z in
            let d = activation.slope(s * z)
            return d * d
        }
    }

    /// √χ₁: the factor by which each layer multiplies ‖dL/dW‖ on the way back, in a wide network.
    public var gradientFactorPerLayer: Double? { chi1.map { $0.squareRoot() } }

    /// ξ_∇ = −1/ln χ₁: the depth over which the squared gradient falls by e (negative: grows by e).
    public var gradientDepthScale: Double? {
        guard let chi = chi1, chi > 0, chi != 1 else { return nil }
        return -1 / log(chi)
    }

    /// One layer of the correlation map at q*: c ↦ (σ_w² E[φ(u₁)φ(u₂)] + σ_b²) / q*, with
    /// u₁ = √q* z₁, u₂ = √q* (c z₁ + √(1 − c²) z₂).
    public func nextCorrelation(_ c: Double, fixedVariance q: Double) -> Double {
        let s = q.squareRoot(), r = max(0, 1 - c * c).squareRoot()
        // φ(u₁) is taken out of the inner sum over z₂: one activation per pair instead of two.
        let product = quadrature.expectation { z1 in
            activation.value(s * z1) * quadrature.expectation { z2 in activation.value(s * (c * z1 + r * z2)) }
        }
        return (weightVariance * product + biasVariance) / q
    }

    /// χ_c = σ_w² E[φ′(u₁)φ′(u₂)] at correlation c: the slope of the correlation map.
    public func correlationSlope(_ c: Double, fixedVariance q: Double) -> Double {
        let s = q.squareRoot(), r = max(0, 1 - c * c).squareRoot()
        return weightVariance * quadrature.expectation { z1 in
            activation.slope(s * z1) * quadrature.expectation { z2 in activation.slope(s * (c * z1 + r * z2)) }
        }
    }

    /// The rule the correlation map is computed with, as a product over z₁ and z₂: 64² points keep a figure's hundreds
    /// of σ_w² fast; c* and ξ_c agree with a 200-point rule to about 10⁻⁴.
    public static let correlationQuadrature = GaussianQuadrature(points: 64)

    /// This field on `correlationQuadrature`, with its own q*: at c = 1 the map is then 1 to rounding.
    var onCorrelationRule: MeanField {
        MeanField(activation, weightVariance: weightVariance, biasVariance: biasVariance, quadrature: Self.correlationQuadrature)
    }

    /// c*, the stable fixed point of the correlation map: 1 in the ordered phase (χ₁ ≤ 1), below 1
    /// in the chaotic phase, found by bisection of c ↦ map(c) − c on [0, 1).
    public var fixedCorrelation: Double? {
        guard let chi = chi1 else { return nil }
        if chi <= 1 { return 1 }
        let coarse = onCorrelationRule
        guard let q = coarse.fixedVariance, q > 0 else { return nil }
        func excess(_ c: Double) -> Double { coarse.nextCorrelation(c, fixedVariance: q) - c }
        var lo = 0.0, hi = 1 - 1e-10
        if excess(lo) <= 0 { return lo }
        if excess(hi) >= 0 { return 1 }
        // Bisection to 10⁻¹², well below the rule's own accuracy of about 10⁻⁴.
        while hi - lo > 1e-12 {
            let mid = (lo + hi) / 2
            if excess(mid) > 0 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// ξ_c = −1/ln χ_c(c*): the depth over which two inputs' correlation approaches c*. It diverges
    /// at the edge of chaos (infinity there); deep networks train only up to a few multiples of it.
    public var correlationDepthScale: Double? {
        guard let q = fixedVariance, let c = fixedCorrelation else { return nil }
        let slope: Double
        if c >= 1 {
            slope = chi1(atVariance: q)
        } else {
            let coarse = onCorrelationRule
            guard let qc = coarse.fixedVariance else { return nil }
            slope = coarse.correlationSlope(c, fixedVariance: qc)
        }
        guard slope > 0 else { return nil }
        return slope >= 1 ? .infinity : -1 / log(slope)
    }

    /// The critical σ_w² at σ_b² (χ₁ = 1): the edge of chaos, by bisection. nil if χ₁ stays below 1
    /// up to σ_w² = 10⁴.
    public static func criticalWeightVariance(
        _ activation: MeanFieldActivation, biasVariance: Double, quadrature: GaussianQuadrature = .standard
    ) -> Double? {
        func chaotic(_ weightVariance: Double) -> Bool {
            // No fixed point: the signal grows without bound, past the edge.
            MeanField(activation, weightVariance: weightVariance, biasVariance: biasVariance, quadrature: quadrature).chi1.map { $0 > 1 } ?? true
        }
        var lo = 1e-3, hi = 1.0
        while !chaotic(hi) {
            lo = hi
            hi *= 2
            if hi > 1e4 { return nil }
        }
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if mid <= lo || mid >= hi { break }
            if chaotic(mid) { hi = mid } else { lo = mid }
        }
        return (lo + hi) / 2
    }
}
