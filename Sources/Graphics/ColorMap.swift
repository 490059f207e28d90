import Foundation

/// A sequential colour map: 256 colours from the low end to the high end of a scale.
///
/// The shipped maps (viridis, magma, cividis) are perceptually uniform, readable in
/// grey-scale and by colour-blind readers. Each map also names two colours that lie
/// far from every colour of the map, for values the map cannot show: zero or
/// underflow, and NaN or infinity.
public struct ColorMap: Hashable, Sendable {
    /// The map's name as users type it (`viridis`).
    public let name: String
    /// The 256 entries, index 0 = low end.
    public let colors: [Color]
    /// The colour of zero / underflowed values (below every positive value).
    public let underflowColor: Color
    /// The colour of NaN and ±infinity.
    public let nonFiniteColor: Color
    /// The image pixels (`RasterImage.word`) of `colors`, then of `underflowColor`, then of
    /// `nonFiniteColor`: converted once, for images that colour many cells.
    public let pixelWords: [UInt32]

    /// A map from a flat table of `r, g, b` triples in 0…1.
    public init(name: String, rgbTable: [Double], underflowColor: Color, nonFiniteColor: Color) {
        precondition(rgbTable.count % 3 == 0 && !rgbTable.isEmpty, "colour table must hold r, g, b triples")
        self.init(name: name, colors: stride(from: 0, to: rgbTable.count, by: 3).map {
            Color(red: rgbTable[$0], green: rgbTable[$0 + 1], blue: rgbTable[$0 + 2])
        }, underflowColor: underflowColor, nonFiniteColor: nonFiniteColor)
    }

    /// A map from explicit colours (index 0 = low end).
    public init(name: String, colors: [Color], underflowColor: Color, nonFiniteColor: Color) {
        precondition(!colors.isEmpty, "a colour map needs at least one colour")
        self.name = name
        self.colors = colors
        self.underflowColor = underflowColor
        self.nonFiniteColor = nonFiniteColor
        self.pixelWords = (colors + [underflowColor, nonFiniteColor]).map(RasterImage.word)
    }

    /// The same map run from the high end to the low end (`magma_r`), keeping the special colours.
    public func reversed() -> ColorMap {
        ColorMap(name: name.hasSuffix("_r") ? String(name.dropLast(2)) : name + "_r", colors: colors.reversed(),
                 underflowColor: underflowColor, nonFiniteColor: nonFiniteColor)
    }

    /// The colour at position `t` in 0…1 (clamped; NaN gives `nonFiniteColor`).
    ///
    /// The table is sampled as matplotlib does: `t` picks entry `⌊t · 256⌋`, with 1 → the last entry.
    public func color(at t: Double) -> Color {
        guard t.isFinite else { return nonFiniteColor }
        return colors[index(at: t)]
    }

    /// The table index used for `t` (clamped to 0…count − 1).
    @inlinable
    public func index(at t: Double) -> Int {
        let n = colors.count
        let clamped = min(max(t, 0), 1)
        return min(n - 1, Int(clamped * Double(n)))
    }

    // Special colours: a light neutral grey for "nothing there" (no map's low end is
    // light, and magma's cream high end is yellowish, not grey) and a saturated red
    // for "broken" (none of viridis or cividis is red). Magma runs through reds and
    // pinks, so its NaN colour is a bright cyan instead.
    static let lightGrey = Color(rgb8: 0xC8, 0xC8, 0xC8)
    static let alarmRed = Color(rgb8: 0xE4, 0x1A, 0x1C)
    static let alarmCyan = Color(rgb8: 0x00, 0xC8, 0xE6)

    /// Perceptually uniform purple → green → yellow (matplotlib's default).
    public static let viridis = ColorMap(
        name: "viridis", rgbTable: viridisTable, underflowColor: lightGrey, nonFiniteColor: alarmRed)
    /// Perceptually uniform black → purple → orange → cream.
    public static let magma = ColorMap(
        name: "magma", rgbTable: magmaTable, underflowColor: lightGrey, nonFiniteColor: alarmCyan)
    /// Perceptually uniform blue → grey → yellow, optimised for colour-vision deficiency.
    public static let cividis = ColorMap(
        name: "cividis", rgbTable: cividisTable, underflowColor: lightGrey, nonFiniteColor: alarmRed)

    /// Light grey to dark grey, even steps of CIE lightness (L* 90 → 22): it prints the same in black and white.
    ///
    /// Zero is white and NaN / Inf black, beyond both ends, so the two special values survive a grey-scale printer too.
    public static let printGrey = ColorMap(
        name: "print-grey",
        colors: (0..<256).map { i in
            let lightness = 90 - 68 * Double(i) / 255
            // CIE L* to sRGB grey: L* → relative luminance Y → gamma-encoded channel.
            let f = (lightness + 16) / 116
            let y = lightness > 8 ? f * f * f : lightness / 903.3
            let c = y <= 0.0031308 ? 12.92 * y : 1.055 * pow(y, 1 / 2.4) - 0.055
            return Color(red: c, green: c, blue: c)
        },
        underflowColor: .white, nonFiniteColor: .black)

    /// Every shipped map, in the order users see them listed.
    public static let all: [ColorMap] = [viridis, magma, cividis]

    /// The shipped map called `name`, if any.
    public static func named(_ name: String) -> ColorMap? {
        all.first { $0.name == name }
    }
}
