import Foundation
import GradientData
import Graphics

/// A size, type scale and theme asked for on the command line, as the figure style and PNG resolution they give.
///
/// `--size 16:9` keeps each figure's natural width at that aspect; `--size 1920x1080` is pixels, laid out
/// as a 13.33 × 7.5 in slide at 144 dpi (or at `--dpi`); `--size 8.5cmx6cm` / `4.5inx3in` is a physical
/// size whose PNG resolution is `--dpi` (300 unless given). Figures reflow at the size: panels, legends
/// and ticks are laid out for it, not scaled.
public struct FigureAppearance: Hashable, Sendable {
    public var size: FigureSize?
    /// Multiplies every text size (after the size's own adjustment).
    public var fontScale: Double
    public var theme: FigureTheme
    /// The PNG resolution asked for; nil for the size's default.
    public var dpi: Double?

    public init(size: FigureSize? = nil, fontScale: Double = 1, theme: FigureTheme = .light, dpi: Double? = nil) {
        self.size = size
        self.fontScale = fontScale
        self.theme = theme
        self.dpi = dpi
    }

    /// The default: natural sizes, light theme, 144 dpi.
    public static let standard = FigureAppearance()

    /// The resolution PNG files are written at.
    public var resolvedDPI: Double {
        if let dpi { return dpi }
        if case .physical = size { return FigureAppearance.paperDPI }
        return FigureAppearance.screenDPI
    }

    public static let screenDPI = 144.0
    public static let paperDPI = 300.0
    /// Largest side of an image, in pixels.
    public static let maxPixels = 12_000.0
    /// Smallest side of a canvas, in points (about 3 cm): smaller cannot hold a figure's type.
    public static let minPoints = 85.0
    public static let fontScaleRange: ClosedRange<Double> = 0.5...3

    /// The canvas in points (nil: natural sizes).
    public var canvas: FigureCanvas? {
        switch size {
        case nil: return nil
        case .aspect(let w, let h)?: return .aspect(w / h)
        case .pixels(let w, let h)?: return .points(width: Double(w) * 72 / resolvedDPI, height: Double(h) * 72 / resolvedDPI)
        case .physical(let w, let h)?: return .points(width: w, height: h)
        }
    }

    /// Refuses a size whose image would be too large or too small, a font scale out of range, a bad dpi.
    public func validate() throws(FigureAppearanceError) {
        guard fontScale.isFinite, FigureAppearance.fontScaleRange.contains(fontScale) else {
            throw .bad("--font-scale \(FigureAppearance.format(fontScale)) is out of range; use 0.5 to 3")
        }
        if let dpi, !(36...1200).contains(dpi) {
            throw .bad("--dpi \(FigureAppearance.format(dpi)) is out of range; use 36 to 1200")
        }
        guard let size, case .points(let w, let h)? = canvas else { return }
        let given = size.description
        if w < FigureAppearance.minPoints || h < FigureAppearance.minPoints {
            throw .bad("--size \(given) is too small at \(FigureAppearance.format(resolvedDPI)) dpi: "
                + "a figure needs at least 3 cm (\(Int(FigureAppearance.minPoints * resolvedDPI / 72)) pixels) a side")
        }
        let pixels = max(w, h) * resolvedDPI / 72
        if pixels > FigureAppearance.maxPixels {
            throw .bad("--size \(given) is too large at \(FigureAppearance.format(resolvedDPI)) dpi: "
                + "\(Int(pixels.rounded())) pixels; at most \(Int(FigureAppearance.maxPixels)) a side")
        }
    }

    /// The style figures are drawn with: the theme's colours, the canvas, and text scaled for the canvas.
    ///
    /// A canvas narrower than a slide (a paper column, a square post) gets smaller type, down to 0.62 of
    /// the slide's: the figure keeps room for its data, and 7–8 pt ticks are a journal's size.
    public func style(base: FigureStyle = .standard) -> FigureStyle {
        var style = theme.apply(to: base)
        style.canvas = canvas
        style.pixelsPerPoint = max(1, resolvedDPI / 72)
        var factor = fontScale
        if case .points(let w, let h)? = canvas {
            let compact = min(1, max(0.62, min(w / 720, h / 400)))
            factor *= compact
            // Lines thin with the type, or a paper column's data lines would be as heavy as its letters.
            style.lineWidth *= compact
            style.axisWidth *= compact
        }
        return factor == 1 ? style : style.scalingText(by: factor)
    }

    static func format(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A size as typed: an aspect ratio, pixels, or a physical size (kept in points).
public enum FigureSize: Hashable, Sendable, CustomStringConvertible {
    case aspect(width: Double, height: Double)
    case pixels(width: Int, height: Int)
    case physical(widthPoints: Double, heightPoints: Double)

    /// The examples error messages quote.
    static let forms = "16:9, 1920x1080, 12cmx8cm, 4.5inx3in"

    /// Reads `16:9`, `1920x1080`, or `W` × `H` each with a unit `cm`, `mm`, `in` or `pt` (`8.5cmx6cm`).
    public static func parse(_ text: String) throws(FigureAppearanceError) -> FigureSize {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        func bad(_ why: String) -> FigureAppearanceError { .bad("--size '\(text)' \(why); use e.g. \(forms)") }
        if t.contains(":") {
            let parts = t.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]), w.isFinite, h.isFinite else {
                throw bad("is not an aspect ratio W:H")
            }
            guard w > 0, h > 0, w / h <= 8, h / w <= 8 else { throw bad("needs an aspect between 1:8 and 8:1") }
            return .aspect(width: w, height: h)
        }
        let parts = t.split(separator: "x", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw bad("is not a size") }
        if let w = Int(parts[0]), let h = Int(parts[1]) {
            guard w > 0, h > 0 else { throw bad("needs at least 1 pixel a side") }
            return .pixels(width: w, height: h)
        }
        guard let w = points(parts[0]), let h = points(parts[1]) else {
            throw bad("is not a size in pixels or in cm, mm, in or pt on both sides")
        }
        guard w > 0, h > 0 else { throw bad("has a side of 0") }
        return .physical(widthPoints: w, heightPoints: h)
    }

    /// `12cm` → 340.16 points; nil without a known unit or a finite number.
    static func points(_ text: String) -> Double? {
        let units: [(String, Double)] = [("cm", 72 / 2.54), ("mm", 72 / 25.4), ("in", 72), ("pt", 1)]
        for (unit, factor) in units where text.hasSuffix(unit) {
            guard let v = Double(text.dropLast(unit.count)), v.isFinite else { return nil }
            return v * factor
        }
        return nil
    }

    public var description: String {
        switch self {
        case .aspect(let w, let h): return "\(FigureAppearance.format(w)):\(FigureAppearance.format(h))"
        case .pixels(let w, let h): return "\(w)x\(h)"
        case .physical(let w, let h):
            return "\(NumberFormat.fixed(w / 72 * 2.54, digits: 2))cmx\(NumberFormat.fixed(h / 72 * 2.54, digits: 2))cm"
        }
    }
}

/// The colours a figure is drawn in.
public enum FigureTheme: String, CaseIterable, Hashable, Sendable {
    /// Dark text on white (the default).
    case light
    /// Light text on a dark grey page, for dark slide decks.
    case dark
    /// The light theme on no background at all (PNG alpha), to paste onto any slide.
    case transparent
    /// Grey-scale safe: a monotone grey map for gradients, networks told apart by dash as well as colour.
    case print

    /// The theme called `name`, or an error listing the themes.
    public static func named(_ name: String) throws(FigureAppearanceError) -> FigureTheme {
        if let theme = FigureTheme(rawValue: name.lowercased()) { return theme }
        let names = allCases.map(\.rawValue)
        throw .bad("unknown theme '\(name)'\(NameSuggestion.hint(for: name, among: names)); valid: \(names.joined(separator: ", "))")
    }

    /// `style` with this theme's colours.
    public func apply(to style: FigureStyle) -> FigureStyle {
        var s = style
        switch self {
        case .light:
            break
        case .transparent:
            s.background = nil
        case .dark:
            s.background = Color(rgb8: 0x1C, 0x1E, 0x24)
            s.textColor = Color(rgb8: 0xEE, 0xEE, 0xEE)
            s.mutedTextColor = Color(rgb8: 0xB4, 0xB6, 0xBC)
            s.axisColor = Color(rgb8: 0xC8, 0xCA, 0xD0)
            s.gridColor = Color(rgb8: 0x3C, 0x40, 0x48)
            s.panelFillColor = Color(rgb8: 0x2A, 0x2D, 0x34)
            // Okabe–Ito's black is invisible on a dark page: white takes its place.
            s.palette = FigureStyle.okabeIto.map { $0 == Color(rgb8: 0, 0, 0) ? Color(rgb8: 0xF0, 0xF0, 0xF0) : $0 }
            s.faintLayerOutline = Color(rgb8: 0x6A, 0x6E, 0x78)
        case .print:
            s.colorMap = ColorMap.printGrey
            s.dashesNetworks = true
        }
        return s
    }
}

/// A size, theme, font scale or dpi that cannot be used, worded for the user.
public enum FigureAppearanceError: Error, CustomStringConvertible, Sendable, Equatable {
    case bad(String)

    public var description: String {
        switch self { case .bad(let message): return message }
    }
}
