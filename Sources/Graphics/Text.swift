/// Typeface weights shipped with the package (DejaVu Sans and DejaVu Sans Bold).
public enum FontWeight: Hashable, Sendable {
    case regular
    case bold
}

/// Where the anchor point lies horizontally on a line of text.
public enum TextAnchor: Hashable, Sendable {
    case start
    case middle
    case end
}

/// Where the anchor point lies vertically on a line of text.
public enum TextBaseline: Hashable, Sendable {
    /// The anchor is on the alphabetic baseline.
    case alphabetic
    /// The anchor is halfway between the font's ascent and descent.
    case middle
    /// The anchor is at the top of the font's ascent.
    case top
    /// The anchor is at the bottom of the font's descent.
    case bottom
}

/// How a line of text is drawn.
public struct TextStyle: Hashable, Sendable {
    public var size: Double
    public var weight: FontWeight
    public var color: Color
    public var anchor: TextAnchor
    public var baseline: TextBaseline

    public init(
        size: Double, weight: FontWeight = .regular, color: Color = .black,
        anchor: TextAnchor = .start, baseline: TextBaseline = .alphabetic
    ) {
        self.size = size
        self.weight = weight
        self.color = color
        self.anchor = anchor
        self.baseline = baseline
    }
}

/// The size of a line of text as a font lays it out.
public struct TextExtents: Hashable, Sendable {
    /// Horizontal advance of the whole line.
    public var width: Double
    /// Distance from the baseline up to the top of the font (positive).
    public var ascent: Double
    /// Distance from the baseline down to the bottom of the font (positive).
    public var descent: Double

    public init(width: Double, ascent: Double, descent: Double) {
        self.width = width
        self.ascent = ascent
        self.descent = descent
    }

    public var height: Double { ascent + descent }
}

/// Measures text as the backend will draw it, so figures can lay out labels.
public protocol TextMeasurer: Sendable {
    func measure(_ text: String, style: TextStyle) -> TextExtents
}
