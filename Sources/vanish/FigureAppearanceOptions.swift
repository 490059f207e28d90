import ArgumentParser
import Figures

/// The options of `figure`, `render` and `run` that set a figure's size, type scale, theme and resolution.
struct FigureAppearanceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Lay figures out at this size: an aspect (16:9, at each figure's natural width), pixels (1920x1080: a 13.33 × 7.5 in slide at 144 dpi, or at --dpi), or a physical size (8.5cmx6cm, 4.5inx3in; PNGs at --dpi, default 300).",
        valueName: "size"))
    var size: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Multiply every text size (0.5–3).", valueName: "factor"))
    var fontScale: Double = 1

    @Option(name: .long, help: ArgumentHelp("Colours: light, dark (dark slides), transparent (no background), print (grey-scale safe).",
                                            valueName: "name"))
    var theme: String = "light"

    @Option(name: .long, parsing: .unconditional, help: "Resolution of PNG files in dots per inch, 36–1200 (default 144; 300 for a physical --size).")
    var dpi: Double?

    /// The options as a library value; a bad size, theme, scale or dpi is a usage error (exit 2).
    func appearance() throws -> FigureAppearance {
        do {
            let appearance = FigureAppearance(size: try size.map(FigureSize.parse), fontScale: fontScale,
                                              theme: try FigureTheme.named(theme), dpi: dpi)
            try appearance.validate()
            return appearance
        } catch {
            throw ValidationError(error.description)
        }
    }
}
