import Foundation
import Figures
import GradientData

/// The explanation of an imported gradient log: what the log shows, without claims about how it was trained.
extension Explanation {
    static func importedSections(_ f: Findings) -> [ProseSection] {
        var out = [whatItIs(), howToReadImported(), whatThisRunShows(f)]
        if let s = explodingAndClipping(f) { out.append(s) }
        if let s = divergedRuns(f) { out.append(s) }
        out.append(importedInShort(f))
        return out
    }

    static func howToReadImported() -> ProseSection {
        var section = howToRead()
        section.paragraphs.append([
            TextSpan("An imported log: ", .strong),
            TextSpan("vanish did not train these networks, so it knows only what the log holds. Layers are numbered in the order they first appear in the log, and the last one is taken as the output layer; figures and pages for statistics the log lacks are left out."),
        ])
        return section
    }

    static func importedInShort(_ f: Findings) -> ProseSection {
        let vanished = f.runs.filter { $0.gradientFate == .vanished }
        let exploded = f.runs.filter { $0.gradientFate == .exploded || ($0.ratioAtStart ?? 0) > explodingAtStartAbove }
        var p: [TextSpan] = []
        if !vanished.isEmpty {
            p += [TextSpan("In "), TextSpan(Phrases.list(vanished.map(\.label)), .strong),
                  TextSpan(" the gradient has all but vanished by the time it reaches the first layer: those layers learn far more slowly than the last.")]
        }
        if !exploded.isEmpty {
            p += [TextSpan(p.isEmpty ? "In " : " In "), TextSpan(Phrases.list(exploded.map(\.label)), .strong),
                  TextSpan(" the gradient grows towards the input: watch for large first updates, and consider clipping by norm.")]
        }
        if p.isEmpty {
            p.append(TextSpan("In every network of this log the gradient reaches the first layer within a factor of \(NumberFormat.powerOfTen(4)) of the output layer's: no layer is starved of gradient."))
        }
        return ProseSection(heading: "In short", paragraphs: [p])
    }
}
