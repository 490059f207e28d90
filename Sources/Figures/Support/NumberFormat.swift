import Foundation

/// Locale-independent number formatting for every label, table cell and file of the figures.
///
/// Never consults the user's locale: the decimal separator is always `.`, minus is `−`
/// (U+2212) in labels that are drawn, and powers of ten use Unicode superscripts (`10⁻¹²`).
public enum NumberFormat {
    private static let superscriptDigits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]

    /// `n` in Unicode superscript digits, with `⁻` for negatives (`-12` → `⁻¹²`).
    public static func superscript(_ n: Int) -> String {
        let digits = String(n.magnitude).map { superscriptDigits[Int(String($0)) ?? 0] }
        return (n < 0 ? "⁻" : "") + String(digits)
    }

    /// `10^exponent` as a label: `10⁻¹²`, `10⁰`, `10³`.
    public static func powerOfTen(_ exponent: Int) -> String {
        "10" + superscript(exponent)
    }

    /// `value` with exactly `digits` digits after the point (`fixed(0.5, digits: 2)` → `0.50`).
    ///
    /// NaN prints as `NaN`, infinities as `∞` and `−∞`; negative numbers use `−` when `typographicMinus`.
    public static func fixed(_ value: Double, digits: Int, typographicMinus: Bool = true) -> String {
        guard value.isFinite else { return nonFinite(value, typographicMinus: typographicMinus) }
        let digits = max(0, min(digits, 12))
        let scale = pow(10, Double(digits))
        let scaled = (abs(value) * scale).rounded()
        // Beyond 2^53 the digits are not meaningful; fall back to scientific notation.
        guard scaled < 9.0e15 else { return scientific(value, digits: digits, typographicMinus: typographicMinus) }
        let whole = UInt64(scaled)
        let unit = UInt64(scale)
        var text = String(whole / unit)
        if digits > 0 {
            let frac = String(whole % unit)
            text += "." + String(repeating: "0", count: digits - frac.count) + frac
        }
        let negative = value < 0 && whole != 0
        return (negative ? (typographicMinus ? "−" : "-") : "") + text
    }

    /// `value` as `m×10ⁿ` with `digits` digits after the mantissa's point (`3.2×10⁻¹²`);
    /// zero prints as `0`, and a mantissa of exactly 1 is dropped (`10⁻⁶`) when `digits` is 0.
    public static func scientific(_ value: Double, digits: Int = 1, typographicMinus: Bool = true) -> String {
        guard value.isFinite else { return nonFinite(value, typographicMinus: typographicMinus) }
        guard value != 0 else { return "0" }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = abs(value) / pow(10, Double(exponent))
        // Rounding the mantissa can carry into the next decade (9.96 → 10.0).
        let scale = pow(10, Double(max(0, digits)))
        if (mantissa * scale).rounded() >= 10 * scale {
            exponent += 1
            mantissa /= 10
        }
        if (mantissa * scale).rounded() < scale {  // guards log10 landing just below a whole decade
            exponent -= 1
            mantissa *= 10
        }
        let sign = value < 0 ? (typographicMinus ? "−" : "-") : ""
        let m = fixed(mantissa, digits: digits)
        if digits == 0 && m == "1" { return sign + powerOfTen(exponent) }
        return sign + m + "×" + powerOfTen(exponent)
    }

    /// A fraction 0…1 as a percentage with `digits` decimals and a thin space: `95.3 %`.
    public static func percent(_ fraction: Double, digits: Int = 1) -> String {
        guard fraction.isFinite else { return nonFinite(fraction, typographicMinus: true) }
        return fixed(fraction * 100, digits: digits) + "\u{2009}%"
    }

    /// A tick label for a linear axis value, with just enough decimals for `spacing`.
    public static func tick(_ value: Double, spacing: Double) -> String {
        guard spacing > 0, spacing.isFinite else { return fixed(value, digits: 0) }
        let digits = max(0, Int((-log10(spacing)).rounded(.up)))
        return fixed(value, digits: min(digits, 6))
    }

    private static func nonFinite(_ value: Double, typographicMinus: Bool) -> String {
        if value.isNaN { return "NaN" }
        return value < 0 ? (typographicMinus ? "−∞" : "-inf") : "∞"
    }
}
