import Foundation
import GradientData
import Reporting
import Testing

@Suite struct ExplanationTests {
    func text(_ history: GradientHistory) -> String {
        Explanation.sections(Findings(history: history, data: nil)).map(\.plainText).joined(separator: "\n")
    }

    @Test func sigmoidSentenceCarriesTheHistorysRatioAndAccuracy() {
        let t = text(HistoryFixtures.zooLike)
        #expect(t.contains("In the sigmoid network, the first layer receives about 10⁻¹² of the gradient of its output layer at the end of training (1.0×10⁻¹²), a trillionth."))
        #expect(t.contains("At the start it was about 10⁻¹¹."))
        #expect(t.contains("It reaches 8.0\u{2009}% test accuracy: no better than guessing one of 10 classes (10.0\u{2009}%)."))
    }

    @Test func theSentenceFollowsADifferentRatio() {
        var shapes = [HistoryFixtures.RunShape(name: "sigmoid", activation: .sigmoid, ratio: 1.2e-6, accuracy: 0.5)]
        var t = text(HistoryFixtures.history(shapes))
        #expect(t.contains("receives about 10⁻⁶ of the gradient of its output layer at the end of training (1.2×10⁻⁶), a millionth."))
        #expect(t.contains("It reaches 50.0\u{2009}% test accuracy: it learns, but only partly."))
        shapes[0].ratio = 2e-5
        t = text(HistoryFixtures.history(shapes))
        #expect(t.contains("(2.0×10⁻⁵)"))
        #expect(!t.contains("a millionth"))
    }

    @Test func healthyNetworksAreSummarisedWithTheirRange() {
        let t = text(HistoryFixtures.zooLike)
        #expect(t.contains("In relu, sigmoid+batchnorm and sigmoid+residual the first layer receives between 20 % and 80 % of the output layer's gradient at the end of training, and they reach 96.0 % to 98.0 % test accuracy.".replacingOccurrences(of: " %", with: "\u{2009}%")))
        #expect(t.contains("In the tanh network the gradient weakens but still arrives: the first layer receives about 10⁻³ of the gradient of its output layer at the end of training (3.0×10⁻³), a thousandth. It reaches 95.0\u{2009}% test accuracy."))
        #expect(t.contains("In the tanh network it shrinks by a factor of 0.38 per layer on average, and 10\u{2009}% of its hidden units are saturated."))
    }

    @Test func fixesAreComparedWithThePlainSigmoid() {
        let t = text(HistoryFixtures.zooLike)
        // 0.2 / 1e-12 = 2×10¹¹ → the nearest power of ten.
        #expect(t.contains("In the sigmoid+batchnorm network the first layer receives 20\u{2009}% of the gradient of its output layer at the end of training, 10¹¹ times more than in the plain sigmoid network."))
        #expect(t.contains("sigmoid+residual network the first layer receives 80\u{2009}% of the gradient of its output layer at the end of training, 10¹² times more"))
    }

    @Test func theSigmoidBoundUsesTheRunsDepth() {
        // 6 hidden layers: six slopes between the output and layer 1; 0.25⁶ = 2.4×10⁻⁴.
        let t = text(HistoryFixtures.zooLike)
        #expect(t.contains("across the 6 layers between the output and the first layer the slopes alone can shrink the gradient to 0.25⁶ ≈ 2.4×10⁻⁴."))
        // 1e-12^(1/6) = 0.01 per layer; 40 % saturated.
        #expect(t.contains("the gradient of the sigmoid network shrinks by a factor of 0.01 per layer on average, well below the slope's limit of 0.25: the weights shrink it further, and 40\u{2009}% of its hidden units are saturated."))
        let deep = HistoryFixtures.history([.init(name: "sigmoid", activation: .sigmoid, ratio: 1e-12, accuracy: 0.08)], depth: 20)
        #expect(text(deep).contains("0.25²⁰ ≈ 9.1×10⁻¹³"))
    }

    @Test func theMeasuredFactorIsWordedByItsSize() {
        let h = HistoryFixtures.history([
            .init(name: "sigmoid", activation: .sigmoid, ratio: pow(0.25, 6), accuracy: 0.09, saturated: 0.01),
            .init(name: "tanh", activation: .tanh, ratio: 1.3, accuracy: 0.97, saturated: 0.01),
        ])
        let t = text(h)
        #expect(t.contains("the gradient of the sigmoid network shrinks by a factor of 0.25 per layer on average, close to the slope's limit of 0.25, and only 1\u{2009}% of its hidden units are saturated: the small slope alone is enough."))
        #expect(t.contains("In the tanh network it keeps its size (a factor of 1.04 per layer on average), and only 1\u{2009}% of its hidden units are saturated."))
    }

    @Test func whenNothingVanishesTheTextSaysSo() {
        let h = HistoryFixtures.history([
            .init(name: "relu", activation: .relu, ratio: 0.5, accuracy: 0.97),
            .init(name: "sigmoid+residual", activation: .sigmoid, residual: true, ratio: 0.25, accuracy: 0.9),
        ])
        let t = text(h)
        #expect(t.contains("No network in this run loses its gradient."))
        #expect(t.contains("Even the weakest first layer here receives 25\u{2009}% of its output layer's gradient"))
        #expect(t.contains("No network here is deep or saturated enough for its gradient to vanish."))
        #expect(!t.contains("Why sigmoid and tanh shrink it") == false)  // a sigmoid network is present
        #expect(!t.contains("What batch normalisation changes"))
        #expect(!t.contains("Runs that diverged"))
    }

    @Test func sectionsAppearOnlyForNetworksInTheRun() {
        let h = HistoryFixtures.history([.init(name: "relu", activation: .relu, ratio: 0.5, accuracy: 0.97, dead: 0.12)])
        let headings = Explanation.sections(Findings(history: h, data: nil)).map(\.heading)
        #expect(headings == ["What a vanishing gradient is", "How to read the figures", "What this run shows", "What ReLU changes", "In short", "Try it yourself"])
        #expect(text(h).contains("12\u{2009}% of the relu network's hidden units are dead at the end."))
    }

    @Test func divergedRunsAreNamedWithTheirStep() {
        let h = HistoryFixtures.history([
            .init(name: "sigmoid", activation: .sigmoid, ratio: 1e-9, accuracy: 0.1),
            .init(name: "relu", activation: .relu, ratio: 3000, accuracy: 0.1, diverged: 17),
        ])
        let t = text(h)
        #expect(t.contains("The relu network diverged at step 17: its loss or a gradient stopped being a finite number."))
        #expect(t.contains("In the relu network the gradient grows instead of shrinking: the first layer receives 3000 times the gradient of its output layer"))
        let headline = Explanation.headline(Findings(history: h, data: nil)).map(\.text).joined()
        #expect(headline.contains("relu diverged at step 17."))
    }

    @Test func headlineStatesTheStory() {
        let headline = Explanation.headline(Findings(history: HistoryFixtures.zooLike, data: nil)).map(\.text).joined()
        #expect(headline.hasPrefix("In the sigmoid network the first layer receives about 10⁻¹² of the gradient of its output layer"))
        #expect(headline.contains("tanh, relu, sigmoid+batchnorm and sigmoid+residual keep their gradient and reach 95.0\u{2009}% to 98.0\u{2009}% test accuracy."))
    }
}

@Suite struct PhrasesTests {
    @Test func ratiosReadAsPercentagesPowersOrMultiples() {
        #expect(Phrases.ratio(0.35) == "35\u{2009}%")
        #expect(Phrases.ratio(0.042) == "4.2\u{2009}%")
        #expect(Phrases.ratio(3.1e-12) == "about 10⁻¹²")
        #expect(Phrases.ratio(3.2e-12) == "about 10⁻¹¹")  // nearest on a log scale: √10 × 10⁻¹² is the midpoint
        #expect(Phrases.ratio(2.34) == "2.3 times")
        #expect(Phrases.ratio(0) == "none")
        #expect(Phrases.ratio(.nan) == "a non-finite amount")
        #expect(Phrases.share(2.34, of: "x") == "2.3 times x")
        #expect(Phrases.share(0.5, of: "x") == "50\u{2009}% of x")
        #expect(Phrases.ratio(1.05) == "105\u{2009}%")
        #expect(Phrases.ratio(1.32) == "1.3 times")
    }

    @Test func namesAndLists() {
        #expect(Phrases.named(1.1e-12) == "a trillionth")
        #expect(Phrases.named(2e-5) == nil)
        #expect(Phrases.list(["a"]) == "a")
        #expect(Phrases.list(["a", "b", "c"]) == "a, b and c")
        #expect(Phrases.count(1, "epoch") == "1 epoch")
        #expect(Phrases.count(30, "epoch") == "30 epochs")
    }

    @Test func specDecimalsAreLocaleFree() {
        #expect(SettingsDescription.decimal(0.01) == "0.01")
        #expect(SettingsDescription.decimal(0.9) == "0.9")
        #expect(SettingsDescription.decimal(1) == "1")
        #expect(SettingsDescription.decimal(1e-5) == "10⁻⁵")
    }
}

@Suite struct NetworkNotesTests {
    func notes(_ name: String, in history: GradientHistory) -> String {
        let f = Findings(history: history, data: nil)
        guard let r = f.runs.first(where: { $0.label == name }) else { return "" }
        return Explanation.networkNotes(r, f).map { $0.map(\.text).joined() }.joined(separator: "\n")
    }

    @Test func notesCarryTheRunsOwnNumbers() {
        // 6 layers between layer 1 and the output: (2.4×10⁻⁴)^(1/6) = 0.25 per layer.
        let h = HistoryFixtures.history([
            .init(name: "sigmoid", activation: .sigmoid, ratio: pow(0.25, 6), startFactor: 2, accuracy: 0.09, saturated: 0.01),
            .init(name: "relu", activation: .relu, ratio: 0.9, accuracy: 0.97, dead: 0.07),
        ])
        let sigmoid = notes("sigmoid", in: h)
        #expect(sigmoid.contains("Gradient reaching layer 1: about 10⁻³ (4.9×10⁻⁴) of the output layer's at the start, about 10⁻⁴ (2.4×10⁻⁴) at the end."))
        #expect(sigmoid.contains("the gradient changes by a factor of 0.25 on average from one layer to the next, close to the slope's limit of 0.25."))
        #expect(sigmoid.contains("Saturated units: 1\u{2009}% of the hidden units at the end, so saturation is not what shrinks this gradient."))
        #expect(sigmoid.contains("It reaches 9.0\u{2009}% test accuracy: no better than guessing one of 10 classes"))
        let relu = notes("relu", in: h)
        #expect(relu.contains("Dead units: 7\u{2009}% of the hidden units"))
        #expect(relu.contains("Gradient reaching layer 1: 9.0 times the output layer's at the start, 90\u{2009}% at the end."))
        #expect(relu.contains("factor of 0.98 on average from one layer to the next: close to 1, so the gradient keeps its size."))
        #expect(!relu.contains("Diverged"))
    }

    @Test func aDivergedRunSaysSoFirst() {
        let h = HistoryFixtures.history([.init(name: "relu", activation: .relu, ratio: 0.9, accuracy: 0.1, diverged: 3)])
        #expect(notes("relu", in: h).hasPrefix("Diverged at step 3: "))
    }
}
