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
    /// The page behind the figure; nil leaves it transparent (PNG alpha), for pasting onto any slide.
    public var background: Color?
    /// Fills behind table rows and other quiet panels.
    public var panelFillColor: Color
    /// The size the figure is laid out at; nil keeps each figure's natural size.
    public var canvas: FigureCanvas?
    /// Whether network lines also differ by dash (and the legend shows it), so they survive grey-scale printing.
    public var dashesNetworks: Bool
    /// A hairline drawn around each fading-diagram plane outside its fade, so the faintest layer stays findable
    /// on a background it would vanish into; nil draws none.
    public var faintLayerOutline: Color?

    public init(
        colorMap: ColorMap = .viridis, fractionMap: ColorMap = ColorMap.magma.reversed(), palette: [Color] = FigureStyle.okabeIto,
        titleSize: Double = 17, panelTitleSize: Double = 14, labelSize: Double = 13.5, tickSize: Double = 12,
        legendSize: Double = 12.5, lineWidth: Double = 2.4, axisWidth: Double = 1.2,
        textColor: Color = Color(rgb8: 0x1A, 0x1A, 0x1A), mutedTextColor: Color = Color(rgb8: 0x55, 0x55, 0x55),
        axisColor: Color = Color(rgb8: 0x33, 0x33, 0x33), gridColor: Color = Color(rgb8: 0xE3, 0xE3, 0xE3),
        pixelsPerPoint: Double = 2, background: Color? = .white, panelFillColor: Color = Color(rgb8: 0xF2, 0xF2, 0xF2),
        canvas: FigureCanvas? = nil, dashesNetworks: Bool = false, faintLayerOutline: Color? = nil
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
        self.background = background
        self.panelFillColor = panelFillColor
        self.canvas = canvas
        self.dashesNetworks = dashesNetworks
        self.faintLayerOutline = faintLayerOutline
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

    /// Dash patterns that tell network lines apart without colour, in network order (solid first).
    public static let networkDashes: [[Double]] = [[], [7, 3.5], [1.5, 3], [9, 3, 1.5, 3], [4, 4], [12, 4], [1.5, 2, 1.5, 2, 6, 2]]

    /// The dash of the network at `index`: solid unless `dashesNetworks` (the patterns repeat).
    public func networkDash(_ index: Int) -> [Double] {
        guard dashesNetworks else { return [] }
        let n = FigureStyle.networkDashes.count
        return FigureStyle.networkDashes[((index % n) + n) % n].map { $0 * lineWidth / 2.4 }
    }

    /// Every text size multiplied by `factor` (line widths stay).
    public func scalingText(by factor: Double) -> FigureStyle {
        var s = self
        s.titleSize *= factor
        s.panelTitleSize *= factor
        s.labelSize *= factor
        s.tickSize *= factor
        s.legendSize *= factor
        return s
    }

    /// The outline of a shape filled with `fill`: darker on a light page, lighter on a dark one, so it always shows.
    func outline(of fill: Color) -> Color {
        if let background, background.luminance < 0.4 {
            return Color(red: fill.red + (1 - fill.red) * 0.45, green: fill.green + (1 - fill.green) * 0.45,
                         blue: fill.blue + (1 - fill.blue) * 0.45, alpha: fill.alpha)
        }
        return Color(red: fill.red * 0.55, green: fill.green * 0.55, blue: fill.blue * 0.55, alpha: fill.alpha)
    }

    func text(_ size: Double, weight: FontWeight = .regular, anchor: TextAnchor = .start,
              baseline: TextBaseline = .alphabetic, color: Color? = nil) -> TextStyle {
        TextStyle(size: size, weight: weight, color: color ?? textColor, anchor: anchor, baseline: baseline)
    }
}
