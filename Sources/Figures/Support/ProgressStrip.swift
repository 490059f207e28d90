import Graphics

/// A strip added under a figure that says how far through training it is drawn: a step counter
/// and a progress bar in the bottom-right corner, for the frames of an animation.
///
/// The strip lies below the figure's own area, so it never covers data, and it has the same
/// height in every frame, so frames of one animation share one size.
public enum ProgressStrip {
    /// The strip's height in points at `style`'s sizes.
    public static func height(style: FigureStyle) -> Double { style.tickSize * 2.4 }

    /// The bar's length in points.
    static let barLength = 150.0

    /// `figure` on a canvas `canvasWidth` wide and `figureHeight` plus the strip high (at least the
    /// figure's size), in its top-left corner so its title stays put while a film strip grows, with
    /// the strip for `step` of `firstStep … lastStep` at the bottom.
    ///
    /// A figure already as wide as the canvas keeps its items untouched (no group, no clip), so
    /// the frame draws exactly as the still figure does.
    public static func framed(
        _ figure: Scene, canvasWidth: Double? = nil, figureHeight: Double? = nil, step: Int, firstStep: Int, lastStep: Int,
        style: FigureStyle, measurer: TextMeasurer
    ) -> Scene {
        let width = max(canvasWidth ?? figure.width, figure.width)
        let top = max(figureHeight ?? figure.height, figure.height)
        var scene = Scene(width: width, height: top + height(style: style), background: figure.background)
        if width == figure.width {
            scene.items = figure.items
        } else {
            var inner = figure
            inner.background = nil
            scene.place(inner, at: Point(0, 0))
        }
        let span = Double(lastStep) - Double(firstStep)
        let fraction = span > 0 ? min(1, max(0, (Double(step) - Double(firstStep)) / span)) : 1
        let barHeight = style.tickSize * 0.5
        let right = width - FigureLayout.margin
        let middle = top + height(style: style) / 2
        let track = Rect(x: right - barLength, y: middle - barHeight / 2, width: barLength, height: barHeight)
        scene.fill(.rectangle(track), style.gridColor)
        if fraction > 0 {
            scene.fill(.rectangle(Rect(x: track.minX, y: track.minY, width: barLength * fraction, height: barHeight)), style.axisColor)
        }
        scene.text("step \(step) of \(lastStep)", at: Point(track.minX - style.tickSize * 0.8, middle),
                   style: style.text(style.tickSize, anchor: .end, baseline: .middle, color: style.mutedTextColor))
        return scene
    }
}
