import Figures
import Graphics

/// The report's one design system: page size, margins, type sizes and colours, written once.
///
/// Sizes are in points on an A4 landscape page (842 × 595 pt). Body text is 11 pt, the
/// smallest text (captions, footers) 8.5 pt, so a printed page and a projected one stay legible.
public struct ReportDesign: Hashable, Sendable {
    public var pageWidth: Double
    public var pageHeight: Double
    public var margin: Double
    /// Space kept free at the bottom for the footer line.
    public var footerHeight: Double

    public var titleSize: Double
    public var headingSize: Double
    public var subheadingSize: Double
    public var bodySize: Double
    public var captionSize: Double
    /// Line height as a multiple of the type size.
    public var leading: Double
    /// Space after a paragraph as a multiple of the type size.
    public var paragraphGap: Double

    public var textColor: Color
    public var mutedColor: Color
    /// Headings, rules and the title page's band.
    public var accentColor: Color
    /// Marks diverged runs wherever they appear.
    public var warningColor: Color
    public var ruleColor: Color
    /// The pale fill behind call-outs and alternate table rows.
    public var panelColor: Color

    /// The style the figures are drawn with when placed on a page.
    public var figureStyle: FigureStyle

    public init(
        pageWidth: Double = 842, pageHeight: Double = 595, margin: Double = 34, footerHeight: Double = 22,
        titleSize: Double = 26, headingSize: Double = 18, subheadingSize: Double = 13, bodySize: Double = 11,
        captionSize: Double = 8.5, leading: Double = 1.38, paragraphGap: Double = 0.6,
        textColor: Color = Color(rgb8: 0x1A, 0x1A, 0x1A), mutedColor: Color = Color(rgb8: 0x5A, 0x5A, 0x5A),
        accentColor: Color = Color(rgb8: 0x1F, 0x3A, 0x5F), warningColor: Color = Color(rgb8: 0xC0, 0x39, 0x2B),
        ruleColor: Color = Color(rgb8: 0xC8, 0xC8, 0xC8), panelColor: Color = Color(rgb8: 0xF3, 0xF4, 0xF6),
        figureStyle: FigureStyle = ReportDesign.pageFigureStyle
    ) {
        self.pageWidth = pageWidth
        self.pageHeight = pageHeight
        self.margin = margin
        self.footerHeight = footerHeight
        self.titleSize = titleSize
        self.headingSize = headingSize
        self.subheadingSize = subheadingSize
        self.bodySize = bodySize
        self.captionSize = captionSize
        self.leading = leading
        self.paragraphGap = paragraphGap
        self.textColor = textColor
        self.mutedColor = mutedColor
        self.accentColor = accentColor
        self.warningColor = warningColor
        self.ruleColor = ruleColor
        self.panelColor = panelColor
        self.figureStyle = figureStyle
    }

    /// A4 landscape with `pageFigureStyle`.
    public static let standard = ReportDesign()

    /// The figures' style with larger type: a figure placed at half a page's width still
    /// shows its tick labels at about 7.5 pt.
    public static let pageFigureStyle = FigureStyle(
        titleSize: 20, panelTitleSize: 17, labelSize: 14.5, tickSize: 15, legendSize: 15, lineWidth: 2.8, axisWidth: 1.4)

    /// The area between the margins, above the footer.
    public var contentRect: Rect {
        Rect(x: margin, y: margin, width: pageWidth - 2 * margin, height: pageHeight - 2 * margin - footerHeight)
    }

    /// The text style of a role in this design.
    public func style(_ role: TextRole, anchor: TextAnchor = .start, baseline: TextBaseline = .alphabetic) -> TextStyle {
        switch role {
        case .title: return TextStyle(size: titleSize, weight: .bold, color: accentColor, anchor: anchor, baseline: baseline)
        case .heading: return TextStyle(size: headingSize, weight: .bold, color: accentColor, anchor: anchor, baseline: baseline)
        case .subheading: return TextStyle(size: subheadingSize, weight: .bold, color: textColor, anchor: anchor, baseline: baseline)
        case .body: return TextStyle(size: bodySize, color: textColor, anchor: anchor, baseline: baseline)
        case .strong: return TextStyle(size: bodySize, weight: .bold, color: textColor, anchor: anchor, baseline: baseline)
        case .caption: return TextStyle(size: captionSize, color: mutedColor, anchor: anchor, baseline: baseline)
        case .warning: return TextStyle(size: bodySize, weight: .bold, color: warningColor, anchor: anchor, baseline: baseline)
        }
    }
}

/// What a piece of text is, which decides its size, weight and colour.
public enum TextRole: Hashable, Sendable {
    case title, heading, subheading, body, strong, caption, warning
}
