import Foundation

/// Where a value falls on a `LogScale`.
public enum ScaledValue: Hashable, Sendable {
    /// A finite positive value, at position 0…1 (clamped) of the scale.
    case position(Double)
    /// Zero, a negative number, or a value too small to be represented: drawn in the underflow colour.
    case underflow
    /// NaN or ±infinity: drawn in the non-finite colour.
    case nonFinite
}

/// A base-10 logarithmic normaliser over whole decades, `10^lowerExponent … 10^upperExponent`.
///
/// Panels that are compared share one `LogScale`, built from the values of all of them with
/// `covering(_:)`, so that a colour means the same magnitude in every panel.
public struct LogScale: Hashable, Sendable {
    /// The low end is `10^lowerExponent`.
    public let lowerExponent: Int
    /// The high end is `10^upperExponent` (always above `lowerExponent`).
    public let upperExponent: Int

    /// A scale from `10^lower` to `10^upper`; an empty or reversed range is widened to one decade.
    public init(lowerExponent: Int, upperExponent: Int) {
        self.lowerExponent = min(lowerExponent, upperExponent)
        self.upperExponent = max(upperExponent, self.lowerExponent + 1)
    }

    /// The number of decades the scale spans (at least 1).
    public var decades: Int { upperExponent - lowerExponent }

    /// The smallest scale of whole decades holding every finite, positive value of `values`
    /// (the lowest rounded down, the highest rounded up); `fallback` when there is none.
    public static func covering<S: Sequence>(
        _ values: S, fallback: LogScale = LogScale(lowerExponent: -1, upperExponent: 0)
    ) -> LogScale where S.Element: BinaryFloatingPoint {
        var lo = Double.infinity
        var hi = -Double.infinity
        for v in values {
            let d = Double(v)
            guard d.isFinite, d > 0 else { continue }
            lo = min(lo, d)
            hi = max(hi, d)
        }
        return covering(minimum: lo, maximum: hi, fallback: fallback)
    }

    /// The smallest whole-decade scale holding every finite, positive value of the rows.
    ///
    /// The same as `covering(_:)` for per-step, per-layer statistics, without generic overhead.
    /// - Complexity: O(total count of values).
    public static func covering(
        rows: [[Float]], fallback: LogScale = LogScale(lowerExponent: -1, upperExponent: 0)
    ) -> LogScale {
        var lo = Float.infinity
        var hi = -Float.infinity
        for row in rows {
            for v in row where v.isFinite && v > 0 {
                lo = Swift.min(lo, v)
                hi = Swift.max(hi, v)
            }
        }
        return covering(minimum: Double(lo), maximum: Double(hi), fallback: fallback)
    }

    /// The whole-decade scale from `minimum` rounded down to `maximum` rounded up
    /// (`fallback` unless both are finite and positive).
    public static func covering(minimum: Double, maximum: Double, fallback: LogScale) -> LogScale {
        guard minimum.isFinite, maximum.isFinite, minimum > 0, maximum >= minimum else { return fallback }
        return LogScale(lowerExponent: Int(log10(minimum).rounded(.down)), upperExponent: Int(log10(maximum).rounded(.up)))
    }

    /// Where `value` falls: its position on the scale, or which special case it is.
    public func scale(_ value: Double) -> ScaledValue {
        guard value.isFinite else { return .nonFinite }
        guard value > 0 else { return .underflow }
        return .position(position(ofExponent: log10(value)))
    }

    /// The position 0…1 (clamped) of `10^exponent` on the scale.
    public func position(ofExponent exponent: Double) -> Double {
        let t = (exponent - Double(lowerExponent)) / Double(decades)
        return min(max(t, 0), 1)
    }

    /// The colour of `value` in `map`, including the map's special colours.
    public func color(_ value: Double, in map: ColorMap) -> Color {
        switch scale(value) {
        case .position(let t): return map.color(at: t)
        case .underflow: return map.underflowColor
        case .nonFinite: return map.nonFiniteColor
        }
    }
}
