import Foundation
import Figures
import GradientData

/// The exploding-gradient part of the explanation: growth per layer, what it did, what clipping changed.
extension Explanation {
    /// A first layer that receives more than this multiple of the output layer's gradient at step 0
    /// has an exploding gradient (the zoo's networks stay below 2).
    public static let explodingAtStartAbove = 10.0

    /// The runs whose gradient grows towards the input at initialisation.
    static func growing(_ f: Findings) -> [RunFinding] {
        f.runs.filter { r in
            guard let start = r.ratioAtStart, start.isFinite else { return false }
            return start > explodingAtStartAbove
        }
    }

    /// Whether the report tells the exploding story: a gradient grows at the start, or a run clips.
    public static func tellsExplodingStory(_ f: Findings) -> Bool {
        !growing(f).isEmpty || f.runs.contains { $0.settings.clipNorm != nil }
    }

    /// The run that differs from `r` only in having no clipping, if the history has one.
    static func unclippedTwin(_ r: RunFinding, _ f: Findings) -> RunFinding? {
        f.runs.first { other in
            var s = other.settings
            guard s.clipNorm == nil, s.seed == r.settings.seed else { return false }
            s.clipNorm = r.settings.clipNorm
            s.network = r.settings.network
            return s == r.settings
        }
    }

    static func explodingAndClipping(_ f: Findings) -> ProseSection? {
        guard tellsExplodingStory(f) else { return nil }
        var paragraphs: [[TextSpan]] = [[
            TextSpan("An "), TextSpan("exploding", .strong),
            TextSpan(" gradient is the mirror image of a vanishing one. On its way back the gradient is multiplied, layer after layer, by the weights and by the activation's slope. When these factors are smaller than one the gradient shrinks towards the input and the first layers stop learning; when they are larger than one it grows, and the first layers receive the largest gradients and take the largest steps. Large initial weights make the factors larger than one."),
        ]]
        let grows = growing(f)
        if !grows.isEmpty {
            var p = [TextSpan("At initialisation the gradient grows on its way back")]
            for (i, r) in grows.enumerated() {
                guard let k = r.factorPerLayerAtStart, let start = r.ratioAtStart else { continue }
                p.append(TextSpan(i == 0 ? ": in the " : "; in the "))
                p.append(name(r))
                p.append(TextSpan(" network by a factor of \(NumberFormat.fixed(k, digits: 2)) per layer, so that its first layer receives \(Phrases.share(start, of: "the output layer's gradient"))"))
            }
            p.append(TextSpan(". In the profile the start line rises towards layer 1, and in the heatmaps the bottom rows are the brightest at the start."))
            paragraphs.append(p)
        }
        for r in f.runs where r.settings.clipNorm == nil && growing(f).contains(r) {
            var p: [TextSpan] = [TextSpan("Without clipping, the "), name(r)]
            if let d = r.diverged {
                p.append(TextSpan(" network's loss or gradient stops being a finite number at step \(d): the updates have blown the weights up."))
            } else {
                p.append(TextSpan(" network's first updates are too large: they throw its first layers far from where they started"))
                if let s = r.saturatedAtEnd, s.isFinite, s >= 0.05, r.settings.activation != .relu {
                    p.append(TextSpan(", \(NumberFormat.percent(s, digits: 0)) of its hidden units end up saturated"))
                }
                p.append(TextSpan(", and at the end \(receives(r)). " + accuracySentence(r, f)))
            }
            paragraphs.append(p)
        }
        for r in f.runs {
            guard let limit = r.settings.clipNorm else { continue }
            var p: [TextSpan] = [
                TextSpan("Clipping by norm (as PyTorch's clip_grad_norm_) scales the whole gradient down whenever its norm exceeds a limit, here \(SettingsDescription.decimal(limit)), so no update is larger than the learning rate times that limit. It keeps the gradient's direction and the balance between layers: the "),
                name(r), TextSpan(" network's first layer still receives "),
            ]
            p.append(TextSpan(r.ratioAtStart.map { Phrases.share($0, of: "the output layer's gradient") } ?? "an unknown share of the output layer's gradient"))
            p.append(TextSpan(" at step 0."))
            if let c = r.clipping {
                p.append(TextSpan(" Its gradient norm starts at \(NumberFormat.fixed(c.normAtStart, digits: c.normAtStart >= 10 ? 0 : 1)), and clipping is at work in \(c.clippedSteps) of \(c.recordedSteps) recorded steps"))
                if let first = c.firstUnclippedStep, first > 0 {
                    p.append(TextSpan(" (every step before step \(first))"))
                }
                p.append(TextSpan("."))
            }
            p.append(TextSpan(" " + accuracySentence(r, f)))
            if let twin = unclippedTwin(r, f), let a = twin.finalTestAccuracy, a.isFinite {
                p.append(TextSpan(" Without clipping: \(Phrases.accuracy(a))" + (twin.diverged.map { ", and it diverged at step \($0)." } ?? ".")))
            }
            paragraphs.append(p)
        }
        paragraphs.append([TextSpan("Clipping treats the symptom, the size of the step; it does not make the factors per layer close to one. Initialisation scaled to the layer (Xavier for tanh, He for ReLU), batch normalisation and residual connections do, and they help against vanishing gradients too.")])
        return ProseSection(heading: "Exploding gradients, and what clipping changes", paragraphs: paragraphs)
    }
}

extension Explanation {
    /// The most runs the exploding headline names one by one.
    static let headlineRunLimit = 8

    /// The exploding story in two or three sentences (title page and "In short"), or nil when the report tells another.
    static func explodingInShort(_ f: Findings) -> [TextSpan]? {
        let grows = growing(f)
        guard tellsExplodingStory(f), !grows.isEmpty else { return nil }
        let factors = grows.compactMap(\.factorPerLayerAtStart)
        let ratios = grows.compactMap(\.ratioAtStart)
        guard let kLo = factors.min(), let kHi = factors.max(), let rHi = ratios.max() else { return nil }
        let factor = NumberFormat.fixed(kLo, digits: 2) == NumberFormat.fixed(kHi, digits: 2)
            ? NumberFormat.fixed(kLo, digits: 2) : "\(NumberFormat.fixed(kLo, digits: 2)) to \(NumberFormat.fixed(kHi, digits: 2))"
        var p = [TextSpan("The gradient explodes: at initialisation it grows by a factor of \(factor) per layer on its way back, and the first layer receives up to \(Phrases.share(rHi, of: "the output layer's gradient")).")]
        // One sentence a run: more than a few would crowd out the title page, so it names the first few.
        for r in f.runs.prefix(headlineRunLimit) {
            guard let a = r.finalTestAccuracy, a.isFinite else {
                if let d = r.diverged { p += [TextSpan(" "), name(r), TextSpan(" diverged at step \(d).", .warning)] }
                continue
            }
            if let limit = r.settings.clipNorm {
                p += [TextSpan(" Clipped at \(SettingsDescription.decimal(limit)), "), name(r), TextSpan(" reaches \(Phrases.accuracy(a)) test accuracy.")]
            } else {
                p += [TextSpan(" Without clipping, "), name(r)]
                p.append(TextSpan(r.diverged.map { " diverged at step \($0)." }
                                  ?? " reaches \(Phrases.accuracy(a)) test accuracy" + (f.outcome(r) == .chance ? ", no better than guessing." : ".")))
            }
        }
        if f.runs.count > headlineRunLimit {
            p.append(TextSpan(" (The first \(headlineRunLimit) of \(Phrases.count(f.runs.count, "run")); history.json holds them all.)"))
        }
        return p
    }
}
