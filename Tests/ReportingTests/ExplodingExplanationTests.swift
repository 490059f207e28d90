import Foundation
import GradientData
import Reporting
import Testing

/// The exploding story's text: growth per layer, what happened without clipping, what clipping changed.
@Suite struct ExplodingExplanationTests {
    /// Two tanh networks whose layer 1 gets 20 and 24 times the output layer's gradient at step 0; the second clips at 1.
    static func history() -> GradientHistory {
        var history = HistoryFixtures.history([
            .init(name: "tanh", activation: .tanh, ratio: 1e-3, startFactor: 2e4, accuracy: 0.15, saturated: 0.7),
            .init(name: "tanh+clipping", activation: .tanh, ratio: 3, startFactor: 8, accuracy: 0.9),
        ])
        history.runs[1].settings.clipNorm = 1
        return history
    }

    static func text(_ history: GradientHistory) -> String {
        Explanation.sections(Findings(history: history, data: nil)).map(\.plainText).joined(separator: "\n")
    }

    @Test func explainsGrowthPerLayerAndWhatClippingChanged() {
        let findings = Findings(history: Self.history(), data: nil)
        #expect(Explanation.tellsExplodingStory(findings))
        let text = Self.text(Self.history())
        #expect(text.contains("Exploding gradients, and what clipping changes"))
        // 20^(1/6) and 24^(1/6): six layers between layer 1 and the output layer.
        #expect(text.contains("tanh network by a factor of 1.65 per layer, so that its first layer receives 20 times"))
        #expect(text.contains("tanh+clipping network by a factor of 1.70 per layer"))
        #expect(text.contains("70\u{2009}% of its hidden units end up saturated"))
        // Weight and bias norms are equal in the fixture: at step 0 the norm is √2 times the weights' norm.
        #expect(text.contains("clipping is at work in 5 of 5 recorded steps"))
        #expect(text.contains("Without clipping: 15.0\u{2009}%"))
        #expect(!text.contains("Why sigmoid and tanh shrink it"))
        let headline = Explanation.headline(findings).map(\.text).joined()
        #expect(headline.hasPrefix("The gradient explodes: at initialisation it grows by a factor of 1.65 to 1.70 per layer"))
        #expect(headline.contains("Clipped at 1, tanh+clipping reaches 90.0\u{2009}% test accuracy."))
    }

    @Test func vanishingStoriesDoNotTellIt() {
        let history = HistoryFixtures.history([
            .init(name: "sigmoid", activation: .sigmoid, ratio: 1e-9, accuracy: 0.1),
            .init(name: "relu", activation: .relu, ratio: 0.5, accuracy: 0.95),
        ])
        #expect(!Explanation.tellsExplodingStory(Findings(history: history, data: nil)))
        #expect(!Self.text(history).contains("Exploding gradients"))
    }
}
