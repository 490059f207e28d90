import Graphics

/// Measures text with the same fonts, options and code the Cairo backend draws it with.
///
/// Thread-safe: it holds only the process's immutable font set.
public struct CairoTextMeasurer: TextMeasurer {
    let fonts: DejaVuFonts

    /// Loads the shipped DejaVu fonts (once per process); throws if they cannot be loaded.
    public init() throws {
        fonts = try DejaVuFonts.shared.get()
    }

    init(fonts: DejaVuFonts) {
        self.fonts = fonts
    }

    /// The advance width and the font's ascent and descent at `style.size`.
    ///
    /// Empty text, or a size that is not a positive finite number, measures as zero.
    public func measure(_ text: String, style: TextStyle) -> TextExtents {
        do {
            return try fonts.placement(text, style: style).extents
        } catch {
            // Only an allocation failure inside Cairo gets here; the estimate keeps layout going
            // and the renderer will report the same failure when it draws.
            return EstimatedTextMeasurer().measure(text, style: style)
        }
    }
}
