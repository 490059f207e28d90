import Foundation
import Figures

/// Numbers turned into words for the report's sentences; locale-independent.
public enum Phrases {
    /// A ratio as a reader says it: `35 %`, `about 10⁻¹²`, `2.3 times` (see `share(of:)`).
    ///
    /// Ratios from 0.01 up to `multipleFrom` are percentages, smaller ones the nearest power
    /// of ten, larger ones a multiple.
    public static func ratio(_ r: Double) -> String {
        guard r.isFinite else { return "a non-finite amount" }
        if r <= 0 { return "none" }
        if isMultiple(r) { return NumberFormat.fixed(r, digits: r >= 10 ? 0 : 1) + " times" }
        if r >= 0.01 { return NumberFormat.percent(r, digits: r >= 0.1 ? 0 : 1) }
        return "about " + NumberFormat.powerOfTen(exponent(r))
    }

    /// From 1.1 up a ratio reads better as "1.3 times" than as "130 %".
    public static let multipleFrom = 1.1

    /// Whether `r` is said as a multiple ("2.2 times the …") rather than a share ("46 % of the …").
    public static func isMultiple(_ r: Double) -> Bool { r.isFinite && r >= multipleFrom }

    /// `ratio` followed by what it is a share of: "about 10⁻¹² of the gradient of", "2.3 times the gradient of".
    public static func share(_ r: Double, of thing: String) -> String {
        if isMultiple(r) { return "\(ratio(r)) \(thing)" }
        return "\(ratio(r)) of \(thing)"
    }

    /// A ratio with its exact value where the words round a lot: `about 10⁻¹² (6.0×10⁻¹³)`, `46 %`, `2.2 times`.
    public static func ratioWithValue(_ r: Double) -> String {
        guard r.isFinite, r > 0, r < 0.01 else { return ratio(r) }
        return "\(ratio(r)) (\(NumberFormat.scientific(r, digits: 1)))"
    }

    /// The power of ten nearest to `r` (on a log scale).
    public static func exponent(_ r: Double) -> Int {
        Int(log10(r).rounded())
    }

    /// "a trillionth" for 10⁻¹², "a millionth" for 10⁻⁶ … when the ratio is within half a decade of one; else nil.
    public static func named(_ r: Double) -> String? {
        guard r.isFinite, r > 0 else { return nil }
        let names = [-3: "a thousandth", -6: "a millionth", -9: "a billionth", -12: "a trillionth", -15: "a quadrillionth"]
        return names[exponent(r)]
    }

    /// An accuracy as a percentage with one decimal: `95.3 %`.
    public static func accuracy(_ a: Double) -> String {
        NumberFormat.percent(a, digits: 1)
    }

    /// `a`, `a and b`, `a, b and c`.
    public static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
        }
    }

    /// "1 network", "3 networks".
    public static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : (plural ?? singular + "s"))
    }

    /// A number of layers or steps with an English plural.
    public static func layers(_ n: Int) -> String { count(n, "layer") }
}
