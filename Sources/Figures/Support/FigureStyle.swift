import Graphics

/// Fonts, line widths and colours shared by every figure, sized for a projected slide.
///
/// Sizes are in points at the figure's natural size; no text is smaller than `tickSize`.
public struct FigureStyle: Hashable, Sendable {
    /// The map for gradient magnitudes (heatmaps, fading diagrams).
    public var colorMap: ColorMap
    /// The map for fractions 0…1 (saturation strips); different from `colorMap` so the two are not
    /// confused, and light at 0 so that "no saturated units" reads as empty rather than as dark data.
    public var fractionMap: ColorMap
    /// One colour per network, in the history's network order (colour-blind safe).
    public var palette: [Color]
    /// Figure titles (bold).
    public var titleSize: Double
    /// Panel titles in small multiples (bold).
    public var panelTitleSize: Double
    /// Axis titles.
    public var labelSize: Double
    /// Tick labels, colour-bar labels: the smallest text of a figure.
    public var tickSize: Double
    /// Legend entries, subtitles and table cells.
    public var legendSize: Double
    /// Width of data lines.
    public var lineWidth: Double
    /// Width of axis lines and ticks.
    public var axisWidth: Double
    public var textColor: Color
    public var mutedTextColor: Color
    public var axisColor: Color
    public var gridColor: Color
    /// Pixels per point the heatmap images are built for: columns beyond
    /// `plot width × pixelsPerPoint` are merged (see `GradientHeatmap`).
    public var pixelsPerPoint: Double

    public init(
        colorMap: ColorMap = .viridis, fractionMap: ColorMap = ColorMap.magma.reversed(), palette: [Color] = FigureStyle.okabeIto,
        titleSize: Double = 17, panelTitleSize: Double = 14, labelSize: Double = 13.5, tickSize: Double = 12,
        legendSize: Double = 12.5, lineWidth: Double = 2.4, axisWidth: Double = 1.2,
        textColor: Color = Color(rgb8: 0x1A, 0x1A, 0x1A), mutedTextColor: Color = Color(rgb8: 0x55, 0x55, 0x55),
        axisColor: Color = Color(rgb8: 0x33, 0x33, 0x33), gridColor: Color = Color(rgb8: 0xE3, 0xE3, 0xE3),
        pixelsPerPoint: Double = 2
    ) {
        self.colorMap = colorMap
        self.fractionMap = fractionMap
        self.palette = palette.isEmpty ? FigureStyle.okabeIto : palette
        self.titleSize = titleSize
        self.panelTitleSize = panelTitleSize
        self.labelSize = labelSize
        self.tickSize = tickSize
        self.legendSize = legendSize
        self.lineWidth = lineWidth
        self.axisWidth = axisWidth
        self.textColor = textColor
        self.mutedTextColor = mutedTextColor
        self.axisColor = axisColor
        self.gridColor = gridColor
        self.pixelsPerPoint = pixelsPerPoint
    }

    /// The default style: viridis for gradients, reversed magma for fractions, Okabe–Ito network colours.
    public static let standard = FigureStyle()

    /// Okabe & Ito's colour-blind-safe qualitative palette ("Color Universal Design", 2008),
    /// ordered so that the first colours contrast most on white; the pale yellow comes last.
    public static let okabeIto: [Color] = [
        Color(rgb8: 0x00, 0x72, 0xB2),  // blue
        Color(rgb8: 0xD5, 0x5E, 0x00),  // vermillion
        Color(rgb8: 0x00, 0x9E, 0x73),  // bluish green
        Color(rgb8: 0xCC, 0x79, 0xA7),  // reddish purple
        Color(rgb8: 0xE6, 0x9F, 0x00),  // orange
        Color(rgb8: 0x56, 0xB4, 0xE9),  // sky blue
        Color(rgb8: 0x00, 0x00, 0x00),  // black
        Color(rgb8: 0xF0, 0xE4, 0x42),  // yellow
    ]

    /// The colour of the network at `index` in the history's network order (the palette repeats).
    public func networkColor(_ index: Int) -> Color {
        palette[((index % palette.count) + palette.count) % palette.count]
    }

    func text(_ size: Double, weight: FontWeight = .regular, anchor: TextAnchor = .start,
              baseline: TextBaseline = .alphabetic, color: Color? = nil) -> TextStyle {
        TextStyle(size: size, weight: weight, color: color ?? textColor, anchor: anchor, baseline: baseline)
    }
}
