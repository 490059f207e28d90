/// A text measurer that estimates DejaVu Sans extents from per-character classes.
///
/// For layout where no font backend is at hand (scene-level tests, dry runs); a backend's
/// measurer is exact and should be preferred. Widths err on the wide side.
public struct EstimatedTextMeasurer: TextMeasurer {
    public init() {}

    public func measure(_ text: String, style: TextStyle) -> TextExtents {
        var em = 0.0
        for ch in text {
            switch ch {
            case "i", "l", "j", "'", "|", ".", ",", ":", ";", "!", " ": em += 0.32
            case "f", "t", "r", "(", ")", "[", "]", "-": em += 0.42
            case "m", "w", "M", "W", "%", "—": em += 0.95
            case "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹", "⁻": em += 0.42
            default: em += ch.isUppercase ? 0.72 : 0.64
            }
        }
        let boldFactor = style.weight == .bold ? 1.08 : 1
        return TextExtents(width: em * style.size * boldFactor, ascent: 0.93 * style.size, descent: 0.24 * style.size)
    }
}
