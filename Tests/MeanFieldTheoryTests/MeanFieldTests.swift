import Foundation
import MeanFieldTheory
import Testing

/// Mean-field quantities against values computed independently by `tools/mean_field_reference.py`
/// (numpy's 200-point Gauss–Hermite rule, scipy's brentq and adaptive quadrature).
@Suite struct MeanFieldTests {
    @Test func quadratureIsANormalExpectation() {
        let rule = GaussianQuadrature.standard
        #expect(rule.nodes.count == 200)
        #expect(abs(rule.weights.reduce(0, +) - 1) < 1e-13)
        // Moments of N(0, 1): E[z²] = 1, E[z⁴] = 3, E[z⁶] = 15, odd moments 0.
        #expect(abs(rule.expectation { $0 * $0 } - 1) < 1e-12)
        #expect(abs(rule.expectation { pow($0, 4) } - 3) < 1e-11)
        #expect(abs(rule.expectation { pow($0, 6) } - 15) < 1e-10)
        #expect(abs(rule.expectation { pow($0, 5) }) < 1e-12)
        // E[cos z] = e^{-1/2}.
        #expect(abs(rule.expectation { cos($0) } - exp(-0.5)) < 1e-13)
        let small = GaussianQuadrature(points: 5)
        #expect(small.nodes.count == 5 && abs(small.expectation { pow($0, 8) } - 105) < 1e-9, "exact to degree 9")
    }

    @Test func tanhCriticalWeightVarianceAtBiasVarianceFiveHundredths() throws {
        // numpy/scipy: 1.7609546396 (Schoenholz et al. 2017 quote ≈ 1.76).
        let critical = try #require(MeanField.criticalWeightVariance(.tanh, biasVariance: 0.05))
        #expect(abs(critical - 1.7609546396) < 1e-8)
        let edge = MeanField(.tanh, weightVariance: critical, biasVariance: 0.05)
        #expect(abs(try #require(edge.chi1) - 1) < 1e-9)
    }

    @Test func tanhFixedPointsAndDepthScalesMatchTheReference() throws {
        let reference: [(Double, q: Double, chi: Double, c: Double, xi: Double)] = [
            (1.5, 0.418037200533, 0.938636268199, 1, 15.7909940341),
            (2.5, 1.063958377417, 1.133515698704, 0.446804232344, 11.7955975159),
            (3.5, 1.806506183449, 1.277976483476, 0.216312668572, 7.7683361669),
        ]
        for r in reference {
            let field = MeanField(.tanh, weightVariance: r.0, biasVariance: 0.05)
            #expect(abs(try #require(field.fixedVariance) - r.q) < 1e-9, "q* at σ_w² \(r.0)")
            #expect(abs(try #require(field.chi1) - r.chi) < 1e-9, "χ₁ at σ_w² \(r.0)")
            // The correlation map runs on a 64² product rule (fast enough for figures): about 10⁻⁴.
            #expect(abs(try #require(field.fixedCorrelation) - r.c) < 2e-4, "c* at σ_w² \(r.0)")
            #expect(abs(try #require(field.correlationDepthScale) / r.xi - 1) < 2e-3, "ξ_c at σ_w² \(r.0)")
            let chi = try #require(field.chi1)
            #expect(abs(try #require(field.gradientDepthScale) + 1 / log(chi)) < 1e-12)
            #expect(abs(try #require(field.gradientFactorPerLayer) - chi.squareRoot()) < 1e-12)
        }
    }

    @Test func reluIsExact() throws {
        for weightVariance in [0.5, 1.0, 1.5, 1.9] {
            let field = MeanField(.relu, weightVariance: weightVariance, biasVariance: 0.05)
            // E[relu(h)²] = q/2 and E[relu′(h)²] = 1/2: q* = σ_b² / (1 − σ_w²/2), χ₁ = σ_w²/2.
            #expect(abs(try #require(field.fixedVariance) - 0.05 / (1 - weightVariance / 2)) < 1e-12)
            #expect(abs(try #require(field.chi1) - weightVariance / 2) < 1e-14)
        }
        #expect(MeanField(.relu, weightVariance: 2.5, biasVariance: 0.05).fixedVariance == nil, "the variance grows without bound")
        let critical = try #require(MeanField.criticalWeightVariance(.relu, biasVariance: 0.05))
        #expect(abs(critical - 2) < 1e-9, "He's initialisation is the edge of chaos for relu")
    }

    @Test func sigmoidMatchesTheReference() throws {
        let field = MeanField(.sigmoid, weightVariance: 4, biasVariance: 0.05)
        #expect(abs(try #require(field.fixedVariance) - 1.253202300282) < 1e-9)
        #expect(abs(try #require(field.chi1) - 0.169547488852) < 1e-9)
        // φ′ ≤ 1/4: χ₁ ≤ σ_w²/16, so the sigmoid's edge lies beyond σ_w² = 16.
        #expect(try #require(MeanField.criticalWeightVariance(.sigmoid, biasVariance: 0.05)) > 16)
    }
}
