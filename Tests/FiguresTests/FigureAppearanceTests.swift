import CairoBackend
import Figures
import Foundation
import GradientData
import Graphics
import Testing
import TestSupport

/// Sizes, font scales and themes: how they are read, and the style they give.
@Suite struct FigureAppearanceTests {
    @Test func sizesAreReadInEachForm() throws {
        #expect(try FigureSize.parse("16:9") == .aspect(width: 16, height: 9))
        #expect(try FigureSize.parse("1920x1080") == .pixels(width: 1920, height: 1080))
        #expect(try FigureSize.parse("1920X1080") == .pixels(width: 1920, height: 1080))
        guard case .physical(let w, let h) = try FigureSize.parse("12cmx8cm") else {
            Issue.record("12cmx8cm is not physical")
            return
        }
        #expect(abs(w - 12 / 2.54 * 72) < 1e-9 && abs(h - 8 / 2.54 * 72) < 1e-9)
        #expect(try FigureSize.parse("4.5inx3in") == .physical(widthPoints: 324, heightPoints: 216))
        guard case .physical(let mw, let mh) = try FigureSize.parse("85mmx60mm") else {
            Issue.record("85mmx60mm is not physical")
            return
        }
        #expect(abs(mw - 8.5 / 2.54 * 72) < 1e-9 && abs(mh - 6 / 2.54 * 72) < 1e-9)
    }

    @Test func pixelSizesAreLaidOutAsASlideAt144DPI() throws {
        let slide = FigureAppearance(size: try FigureSize.parse("1920x1080"))
        #expect(slide.resolvedDPI == 144)
        #expect(slide.canvas == .points(width: 960, height: 540))  // 13.33 × 7.5 in
        let sharp = FigureAppearance(size: try FigureSize.parse("1920x1080"), dpi: 288)
        #expect(sharp.canvas == .points(width: 480, height: 270))
        let paper = FigureAppearance(size: try FigureSize.parse("4.5inx3in"))
        #expect(paper.resolvedDPI == 300)
        #expect(paper.canvas == .points(width: 324, height: 216))
        #expect(FigureAppearance(size: .aspect(width: 16, height: 9)).canvas == .aspect(16.0 / 9))
    }

    @Test func badSizesSayWhatIsWrongInOneLine() throws {
        let cases: [(String, String)] = [
            ("abc", "is not a size"), ("0x0", "at least 1 pixel a side"), ("16:0", "aspect between"), ("1cmx", "is not a size in pixels"),
            ("3:", "is not an aspect ratio"), ("-5x10", "at least 1 pixel a side"),
        ]
        for (text, words) in cases {
            do {
                _ = try FigureSize.parse(text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.description.contains(words), "\(text): \(error.description)")
                #expect(error.description.contains("16:9, 1920x1080"), "\(text): \(error.description)")
                #expect(!error.description.contains("\n"))
            }
        }
        let huge = FigureAppearance(size: try FigureSize.parse("100000x100000"))
        #expect(throws: FigureAppearanceError.bad("--size 100000x100000 is too large at 144 dpi: 100000 pixels; at most 12000 a side")) {
            try huge.validate()
        }
        let tiny = FigureAppearance(size: try FigureSize.parse("1cmx1cm"))
        #expect(throws: FigureAppearanceError.self) { try tiny.validate() }
        #expect(throws: FigureAppearanceError.self) { try FigureAppearance(fontScale: 0).validate() }
        #expect(throws: FigureAppearanceError.self) { try FigureAppearance(fontScale: .nan).validate() }
    }

    @Test func unknownThemesListTheValidOnes() {
        #expect(throws: FigureAppearanceError.bad("unknown theme 'drak'; did you mean \"dark\"?; valid: light, dark, transparent, print")) {
            try FigureTheme.named("drak")
        }
        #expect((try? FigureTheme.named("Print")) == .print)
    }

    @Test func themesSetTheBackgroundTextAndMaps() {
        let light = FigureAppearance().style()
        #expect(light == FigureStyle.standard)
        let dark = FigureAppearance(theme: .dark).style()
        #expect((dark.background?.luminance ?? 1) < 0.05)
        #expect(dark.textColor.luminance > 0.8 && dark.mutedTextColor.luminance > 0.4)
        #expect(!dark.palette.contains(Color(rgb8: 0, 0, 0)), "black lines vanish on a dark page")
        #expect(dark.colorMap == .viridis, "the map stays perceptually uniform")
        #expect(FigureAppearance(theme: .transparent).style().background == nil)
        let print = FigureAppearance(theme: .print).style()
        #expect(print.colorMap == ColorMap.printGrey)
        #expect(print.networkDash(0).isEmpty && !print.networkDash(1).isEmpty && print.networkDash(1) != print.networkDash(2))
        #expect(light.networkDash(1).isEmpty)
    }

    /// Grey-scale printing keeps only luminance: the print map's must fall at every step, and its
    /// special colours lie beyond both ends.
    @Test func thePrintMapIsMonotoneInLuminance() {
        let map = ColorMap.printGrey
        let l = map.colors.map(\.luminance)
        for i in 1..<l.count { #expect(l[i] < l[i - 1], "entry \(i)") }
        #expect(map.underflowColor.luminance > (l.first ?? 1) + 0.1)
        #expect(map.nonFiniteColor.luminance < (l.last ?? 0) - 0.02)
    }

    @Test func smallCanvasesGetSmallerTypeAndTheFontScaleMultiplies() throws {
        let column = FigureAppearance(size: try FigureSize.parse("8.5cmx6cm")).style()
        #expect(abs(column.tickSize - 12 * 0.62) < 1e-9)
        let slide = FigureAppearance(size: try FigureSize.parse("1920x1080"), fontScale: 1.5).style()
        #expect(abs(slide.tickSize - 18) < 1e-9 && abs(slide.titleSize - 25.5) < 1e-9)
    }
}
