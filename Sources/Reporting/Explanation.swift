import Foundation
import Figures
import GradientData

/// A titled block of prose.
public struct ProseSection: Hashable, Sendable {
    public var heading: String
    public var paragraphs: [[TextSpan]]

    public init(heading: String, paragraphs: [[TextSpan]]) {
        self.heading = heading
        self.paragraphs = paragraphs
    }

    /// All the section's text as one plain string (for tests and indexes).
    public var plainText: String {
        ([heading] + paragraphs.map { $0.map(\.text).joined() }).joined(separator: "\n")
    }
}

/// The plain-language explanation, written for a student, with this run's own numbers.
///
/// Every number comes from the findings; sentences change with what the data shows
/// (no network vanishes, one diverged, no sigmoid in the run, …).
public enum Explanation {
    /// The explanation's sections, in reading order.
    public static func sections(_ f: Findings) -> [ProseSection] {
        if f.importedFrom != nil { return importedSections(f) }
        var out = [whatItIs(), howToRead(), whatThisRunShows(f)]
        if let s = explodingAndClipping(f) { out.append(s) }
        // The exploding story explains saturation in its own section; the sigmoid's bound is beside the point there.
        let sigmoidPresent = f.runs.contains { $0.settings.activation == .sigmoid }
        if !tellsExplodingStory(f) || sigmoidPresent, let s = whySigmoidAndTanh(f) { out.append(s) }
        if let s = whatReLUChanges(f) { out.append(s) }
        if let s = whatBatchNormChanges(f) { out.append(s) }
        if let s = whatResidualChanges(f) { out.append(s) }
        if let s = divergedRuns(f) { out.append(s) }
        out.append(inShort(f))
        out.append(tryItYourself())
        return out
    }

    // MARK: - Fixed text

    static func whatItIs() -> ProseSection {
        ProseSection(heading: "What a vanishing gradient is", paragraphs: [[
            TextSpan("A network learns by nudging every weight against its "),
            TextSpan("gradient", .strong),
            TextSpan(": how much the loss would change if that weight changed. The gradient is computed backwards, from the output layer to the first layer (back-propagation), and at every layer on the way it is multiplied by that layer's weights and by the slope of its activation function. When these factors are smaller than one, the signal shrinks layer after layer. By the time it reaches the first layers it has all but "),
            TextSpan("vanished", .strong),
            TextSpan(", and those layers stop learning: the network behaves as if it were much shallower, or does not learn at all."),
        ]])
    }

    static func howToRead() -> ProseSection {
        ProseSection(heading: "How to read the figures", paragraphs: [
            [TextSpan("Heatmap: ", .strong),
             TextSpan("time runs to the right (training steps), layers go up from the input (layer 1, bottom) to the output (top). The colour is the size of that layer's weight gradient ‖dL/dW‖ on a logarithmic scale: each label on the colour bar is ten times the one below it. All heatmaps share one scale, so the same colour means the same size everywhere.")],
            [TextSpan("Fading-layer diagram: ", .strong),
             TextSpan("the network drawn layer by layer; a layer is as solid and as bright as its gradient compared with the output layer's. Layers that no longer learn fade away. The film strip shows the same diagram at the start, after 10 % and 50 % of training, and at the end.")],
            [TextSpan("Profile, saturation, curves: ", .strong),
             TextSpan("the profile plots each layer's gradient against its depth; where the run has a plain sigmoid network, a dashed line falls by 0.25 per layer, the sigmoid's limit. The saturation strip shows the share of units stuck where their slope is almost zero (or dead, for ReLU). The curves show the training loss and the test accuracy.")],
        ])
    }

    // MARK: - This run

    static func name(_ r: RunFinding) -> TextSpan { TextSpan(r.label, .strong) }

    /// "the first layer receives about 10⁻¹² of the gradient of its output layer (2.3×10⁻¹²) — a trillionth".
    static func receives(_ r: RunFinding) -> String {
        if r.ratioAtEnd == 0 {
            return "the first layer receives no gradient at all at the end of training: it is too small to be stored as a number and underflows to 0"
        }
        guard let ratio = r.ratioAtEnd, ratio.isFinite, ratio > 0 else {
            return "the first layer's share of the output layer's gradient is not a finite, positive number"
        }
        var s = "the first layer receives \(Phrases.share(ratio, of: "the gradient of its output layer")) at the end of training"
        if ratio < 0.01 {
            s += " (\(NumberFormat.scientific(ratio, digits: 1)))"
            if let word = Phrases.named(ratio) { s += ", \(word)" }
        }
        return s
    }

    /// "It reaches 8.1 % test accuracy, no better than guessing one of 10 classes (10.0 %)."
    static func accuracySentence(_ r: RunFinding, _ f: Findings, subject: String = "It") -> String {
        guard let a = r.finalTestAccuracy, a.isFinite else {
            // An imported log without accuracies is not worth a sentence per network.
            return f.importedFrom != nil ? "" : "\(subject) has no test accuracy recorded."
        }
        let base = "\(subject) reaches \(Phrases.accuracy(a)) test accuracy"
        switch f.outcome(r) {
        case .chance:
            if let c = f.chance, let k = f.classes { return base + ": no better than guessing one of \(k) classes (\(Phrases.accuracy(c)))." }
            return base + ": it does not learn."
        case .partly: return base + ": it learns, but only partly."
        case .learned, .unknown: return base + "."
        }
    }

    static func whatThisRunShows(_ f: Findings) -> ProseSection {
        var paragraphs: [[TextSpan]] = []
        let vanished = f.runs.filter { $0.gradientFate == .vanished }
        let weakened = f.runs.filter { $0.gradientFate == .weakened }
        let healthy = f.runs.filter { $0.gradientFate == .healthy }
        let exploded = f.runs.filter { $0.gradientFate == .exploded }
        for r in vanished {
            var p = [TextSpan("In the "), name(r), TextSpan(" network, \(receives(r)).")]
            if let start = r.ratioAtStart, start.isFinite, start > 0 {
                p.append(TextSpan(" At the start it was \(Phrases.ratio(start))."))
            }
            p.append(TextSpan(" " + accuracySentence(r, f)))
            paragraphs.append(p)
        }
        for r in weakened {
            paragraphs.append([TextSpan("In the "), name(r), TextSpan(" network the gradient weakens but still arrives: \(receives(r)). " + accuracySentence(r, f))])
        }
        if !healthy.isEmpty {
            let allHealthy = healthy.count == f.runs.count
            var p: [TextSpan] = [TextSpan(allHealthy ? "No network in this run loses its gradient. " : "")]
            p.append(TextSpan("In "))
            for (i, r) in healthy.enumerated() {
                if i > 0 { p.append(TextSpan(i == healthy.count - 1 ? " and " : ", ")) }
                p.append(name(r))
            }
            let ratios = healthy.compactMap(\.ratioAtEnd)
            if let lo = ratios.min(), let hi = ratios.max() {
                let range = lo == hi || healthy.count == 1 ? Phrases.share(lo, of: "the output layer's gradient")
                    : "between \(Phrases.ratio(lo)) and \(Phrases.share(hi, of: "the output layer's gradient"))"
                p.append(TextSpan(" the first layer receives \(range) at the end of training"))
            }
            let accs = healthy.compactMap(\.finalTestAccuracy).filter(\.isFinite)
            if let lo = accs.min(), let hi = accs.max() {
                let range = lo == hi ? Phrases.accuracy(lo) : "\(Phrases.accuracy(lo)) to \(Phrases.accuracy(hi))"
                p.append(TextSpan(healthy.count == 1 ? ", and it reaches \(range) test accuracy." : ", and they reach \(range) test accuracy."))
            } else {
                p.append(TextSpan("."))
            }
            paragraphs.append(p)
        }
        for r in exploded {
            paragraphs.append([TextSpan("In the "), name(r), TextSpan(" network the gradient grows instead of shrinking: \(receives(r)). This is an exploding gradient, the mirror image of a vanishing one. " + accuracySentence(r, f))])
        }
        let unknown = f.runs.filter { $0.gradientFate == .unknown }
        if !unknown.isEmpty {
            paragraphs.append([TextSpan("For "), TextSpan(Phrases.list(unknown.map(\.label)), .strong),
                               TextSpan(" the ratio of the first layer's gradient to the output layer's cannot be given: a gradient is zero or not a finite number.")])
        }
        if vanished.isEmpty, !tellsExplodingStory(f), let smallest = f.runs.compactMap(\.ratioAtEnd).filter({ $0.isFinite && $0 > 0 }).min() {
            paragraphs.append([TextSpan("Even the weakest first layer here receives \(Phrases.share(smallest, of: "its output layer's gradient")); a gradient counts as vanished in this report below \(NumberFormat.powerOfTen(-4)), when the first layer learns ten thousand times more slowly than the last.")])
        }
        return ProseSection(heading: "What this run shows", paragraphs: paragraphs)
    }

    static func whySigmoidAndTanh(_ f: Findings) -> ProseSection? {
        let sigmoids = f.runs.filter(\.isPlainSigmoid)
        let tanhs = f.runs.filter { $0.settings.activation == .tanh && !$0.settings.batchNorm && !$0.settings.residual }
        guard !sigmoids.isEmpty || !tanhs.isEmpty || f.runs.contains(where: { $0.settings.activation == .sigmoid }) else { return nil }
        let depth = (sigmoids.first ?? tanhs.first ?? f.runs.first).map { $0.layerCount - 1 } ?? 0
        let bound = pow(0.25, Double(depth))
        var first: [TextSpan] = [
            TextSpan("The sigmoid σ(z) = 1 / (1 + e⁻ᶻ) has the slope σ′(z) = σ(z)(1 − σ(z)), which is "),
            TextSpan("at most 0.25", .strong),
            TextSpan(", reached at z = 0, and close to zero once a unit saturates near 0 or 1. Back-propagation multiplies by this slope once per layer"),
        ]
        if depth > 1 {
            first.append(TextSpan(", so across the \(Phrases.layers(depth)) between the output and the first layer the slopes alone can shrink the gradient to 0.25\(NumberFormat.superscript(depth)) ≈ \(NumberFormat.scientific(bound, digits: 1))."))
        } else {
            first.append(TextSpan("."))
        }
        first.append(TextSpan(" tanh is a stretched sigmoid whose slope is at most 1, so it shrinks the signal less, but its units saturate too, and there the slope is again almost zero."))
        var paragraphs = [first]
        var measured: [TextSpan] = []
        for r in sigmoids + tanhs {
            guard let k = r.factorPerLayerAtEnd else { continue }
            let lead = measured.isEmpty
            measured.append(TextSpan(lead ? "Measured here at the end of training, the gradient of the " : " In the "))
            measured.append(name(r))
            measured.append(TextSpan((lead ? " network " : " network it ") + Self.changePerLayer(k)))
            let limited = r.settings.activation == .sigmoid && k < 0.35
            if r.settings.activation == .sigmoid { measured.append(TextSpan(Self.comparedWithSigmoidLimit(k))) }
            if let s = r.saturatedAtEnd, s.isFinite {
                let share = NumberFormat.percent(s, digits: 0)
                if s >= 0.05 {
                    measured.append(TextSpan(", and \(share) of its hidden units are saturated."))
                } else if limited {
                    measured.append(TextSpan(", and only \(share) of its hidden units are saturated: the small slope alone is enough."))
                } else {
                    measured.append(TextSpan(", and only \(share) of its hidden units are saturated."))
                }
            } else {
                measured.append(TextSpan("."))
            }
        }
        if !measured.isEmpty { paragraphs.append(measured) }
        return ProseSection(heading: "Why sigmoid and tanh shrink it", paragraphs: paragraphs)
    }

    /// "shrinks by a factor of 0.24 per layer on average", or keeps its size, or grows.
    static func changePerLayer(_ k: Double) -> String {
        let factor = NumberFormat.fixed(k, digits: 2)
        if k < 0.95 { return "shrinks by a factor of \(factor) per layer on average" }
        if k <= 1.05 { return "keeps its size (a factor of \(factor) per layer on average)" }
        return "grows by a factor of \(factor) per layer on average"
    }

    /// ", close to the limit of 0.25" for a factor per layer `k` of a sigmoid network.
    static func comparedWithSigmoidLimit(_ k: Double) -> String {
        if k < 0.15 { return ", well below the slope's limit of 0.25: the weights shrink it further" }
        if k < 0.35 { return ", close to the slope's limit of 0.25" }
        return ""
    }

    /// "— 10⁹ times more than the plain sigmoid network's" when both ratios are known.
    static func comparedWithPlainSigmoid(_ r: RunFinding, _ f: Findings) -> [TextSpan] {
        guard let plain = f.runs.first(where: \.isPlainSigmoid), let a = r.ratioAtEnd, let b = plain.ratioAtEnd,
              a.isFinite, b.isFinite, a > 0, b > 0 else { return [] }
        let factor = a / b
        if factor >= 100 {
            return [TextSpan(", \(NumberFormat.powerOfTen(Phrases.exponent(factor))) times more than in the plain "), name(plain), TextSpan(" network")]
        }
        if factor >= 1.5 { return [TextSpan(", \(NumberFormat.fixed(factor, digits: 1)) times more than in the plain "), name(plain), TextSpan(" network")] }
        if factor <= 1 / 1.5 { return [TextSpan(", less than in the plain "), name(plain), TextSpan(" network")] }
        return [TextSpan(", about as much as in the plain "), name(plain), TextSpan(" network")]
    }

    /// "The X network's first layer receives …, and it reaches … test accuracy."
    static func outcomeSentences(_ runs: [RunFinding], _ f: Findings, compare: Bool) -> [TextSpan] {
        var out: [TextSpan] = []
        for r in runs {
            out.append(TextSpan(" In the "))
            out.append(name(r))
            out.append(TextSpan(" network \(receives(r))"))
            if compare { out += comparedWithPlainSigmoid(r, f) }
            out.append(TextSpan(". " + accuracySentence(r, f)))
        }
        return out
    }

    static func whatReLUChanges(_ f: Findings) -> ProseSection? {
        let relus = f.runs.filter { $0.settings.activation == .relu && !$0.settings.batchNorm && !$0.settings.residual }
        guard !relus.isEmpty else { return nil }
        var p = [TextSpan("ReLU(z) = max(0, z) has slope exactly 1 wherever a unit is active, so it passes the gradient on without shrinking it; He initialisation scales the weights so that the signal keeps its size from layer to layer.")]
        p += outcomeSentences(relus, f, compare: false)
        for r in relus {
            if let d = r.deadAtEnd, d.isFinite, d >= 0.01 {
                p += [TextSpan(" The price: a unit whose input is negative for every example has slope 0 and stops learning; \(NumberFormat.percent(d, digits: 0)) of the "), name(r), TextSpan(" network's hidden units are dead at the end.")]
            }
        }
        return ProseSection(heading: "What ReLU changes", paragraphs: [p])
    }

    static func whatBatchNormChanges(_ f: Findings) -> ProseSection? {
        let runs = f.runs.filter(\.settings.batchNorm)
        guard !runs.isEmpty else { return nil }
        var p = [TextSpan("Batch normalisation rescales every unit's input to mean 0 and standard deviation 1 over each batch (and then lets the network learn its own scale and shift). For a sigmoid this keeps the inputs near 0, where the slope is largest, instead of letting units saturate.")]
        p += outcomeSentences(runs, f, compare: true)
        return ProseSection(heading: "What batch normalisation changes", paragraphs: [p])
    }

    static func whatResidualChanges(_ f: Findings) -> ProseSection? {
        let runs = f.runs.filter(\.settings.residual)
        guard !runs.isEmpty else { return nil }
        var p = [TextSpan("A residual connection adds each layer's input to its output: h becomes h + f(h). The slope of h + f(h) is 1 plus the slope of f(h), so the gradient always has a path back to the first layer that is not multiplied by the activation's small slope.")]
        p += outcomeSentences(runs, f, compare: true)
        return ProseSection(heading: "What residual connections change", paragraphs: [p])
    }

    static func divergedRuns(_ f: Findings) -> ProseSection? {
        let runs = f.diverged
        guard !runs.isEmpty else { return nil }
        var p: [TextSpan] = []
        for r in runs {
            p += [TextSpan(p.isEmpty ? "The " : " The "), name(r),
                  TextSpan(" network "), TextSpan("diverged at step \(r.diverged ?? 0)", .warning),
                  TextSpan(": its loss or a gradient stopped being a finite number.")]
        }
        p.append(TextSpan(" This happens when the updates are too large (learning rate) or the gradient explodes. Its figures show the values after that step as they are, in the colour marked NaN."))
        return ProseSection(heading: "Runs that diverged", paragraphs: [p])
    }

    static func tryItYourself() -> ProseSection {
        ProseSection(heading: "Try it yourself", paragraphs: [[
            TextSpan("Every number here comes from history.json next to this report. To change the experiment, copy a spec (the zoo's ships as Reports/zoo.json), change the depth, the learning rate or a network's activation or initialisation, and run "),
            TextSpan("vanish run my-spec.json", .strong),
            TextSpan(". "),
            TextSpan("vanish presets", .strong),
            TextSpan(" lists the stories that ship with vanish."),
        ]])
    }

    static func inShort(_ f: Findings) -> ProseSection {
        if let p = explodingInShort(f) { return ProseSection(heading: "In short", paragraphs: [p]) }
        let vanished = f.runs.filter { $0.gradientFate == .vanished }
        let learned = f.runs.filter { f.outcome($0) == .learned && ($0.gradientFate == .healthy || $0.gradientFate == .weakened) }
        var p: [TextSpan] = []
        if vanished.isEmpty {
            p.append(TextSpan("No network here is deep or saturated enough for its gradient to vanish. Make a sigmoid network deeper (depth in the spec) to see it happen."))
        } else {
            p.append(TextSpan("Depth alone does not stop a network from learning; multiplying the gradient by many slopes smaller than one does."))
            if !learned.isEmpty {
                p += [TextSpan(" "), TextSpan(Phrases.list(learned.map(\.label)), .strong),
                      TextSpan(learned.count == 1 ? " keeps the factor per layer close to one, and it learns." : " keep the factor per layer close to one, and they learn.")]
            }
        }
        return ProseSection(heading: "In short", paragraphs: [p])
    }

    // MARK: - Network pages

    /// Short notes on one network, with its numbers, for its own page.
    public static func networkNotes(_ r: RunFinding, _ f: Findings) -> [[TextSpan]] {
        var out: [[TextSpan]] = []
        if let d = r.diverged {
            out.append([TextSpan("Diverged at step \(d): ", .warning), TextSpan("its loss or a gradient stopped being a finite number; later values are drawn as they are.")])
        }
        if let start = r.ratioAtStart, let end = r.ratioAtEnd, start.isFinite, end.isFinite, start > 0, end > 0 {
            out.append([TextSpan("Gradient reaching layer 1: ", .strong),
                        TextSpan("\(Phrases.ratioWithValue(start)) \(Phrases.isMultiple(start) ? "the" : "of the") output layer's at the start, \(Phrases.ratioWithValue(end)) at the end.")])
        }
        if let k = r.factorPerLayerAtEnd {
            var p = [TextSpan("Per layer: ", .strong),
                     TextSpan("the gradient changes by a factor of \(NumberFormat.fixed(k, digits: 2)) on average from one layer to the next")]
            if r.isPlainSigmoid && k < 0.35 {
                p.append(TextSpan(Self.comparedWithSigmoidLimit(k) + "."))
            } else if k >= 0.7 && k <= 1.4 {
                p.append(TextSpan(": close to 1, so the gradient keeps its size."))
            } else {
                p.append(TextSpan("."))
            }
            out.append(p)
        }
        if r.settings.activation == .relu, let d = r.deadAtEnd, d.isFinite {
            out.append([TextSpan("Dead units: ", .strong), TextSpan("\(NumberFormat.percent(d, digits: 0)) of the hidden units output 0 for every example of the last batch.")])
        } else if let s = r.saturatedAtEnd, s.isFinite {
            out.append([TextSpan("Saturated units: ", .strong), TextSpan("\(NumberFormat.percent(s, digits: 0)) of the hidden units at the end" + (s < 0.05 ? ", so saturation is not what shrinks this gradient." : "; their slope is almost zero."))])
        }
        if let c = r.clipping {
            out.append([TextSpan("Clipping: ", .strong),
                        TextSpan("the gradient norm exceeded \(SettingsDescription.decimal(c.limit)) in \(c.clippedSteps) of \(c.recordedSteps) recorded steps; each of those updates was scaled down to that norm.")])
        }
        if r.finalTestAccuracy != nil {
            var p = [TextSpan("Learning: ", .strong), TextSpan(accuracySentence(r, f, subject: "It"))]
            if let best = r.bestTestAccuracy, let last = r.finalTestAccuracy, best > last + 0.005 {
                p.append(TextSpan(" Its best epoch reached \(Phrases.accuracy(best))."))
            }
            out.append(p)
        }
        return out
    }

    // MARK: - Title page

    /// Two or three sentences with the run's main result, for the title page.
    public static func headline(_ f: Findings) -> [TextSpan] {
        if let p = explodingInShort(f) { return p }
        var p: [TextSpan] = []
        // Networks that lose their gradient or do not learn get a sentence each; the rest share one.
        let stuck = f.runs.filter { $0.gradientFate == .vanished || f.outcome($0) == .chance }
        for r in stuck {
            p += [TextSpan(p.isEmpty ? "In the " : " In the "), name(r), TextSpan(" network \(receives(r)). " + accuracySentence(r, f))]
        }
        let others = f.runs.filter { r in !stuck.contains(r) && r.diverged == nil }
        let accs = others.compactMap(\.finalTestAccuracy).filter(\.isFinite)
        if !others.isEmpty, let lo = accs.min(), let hi = accs.max() {
            let range = lo == hi ? Phrases.accuracy(lo) : "\(Phrases.accuracy(lo)) to \(Phrases.accuracy(hi))"
            let verb = others.count == 1 ? " keeps its gradient and reaches" : " keep their gradient and reach"
            p += [TextSpan(p.isEmpty ? "" : " "), TextSpan(Phrases.list(others.map(\.label)), .strong),
                  TextSpan("\(verb) \(range) test accuracy.")]
        }
        for r in f.diverged {
            p += [TextSpan(" "), name(r), TextSpan(" diverged at step \(r.diverged ?? 0).", .warning)]
        }
        return p
    }
}
