import Testing
import Figures

@Suite struct NumberFormatTests {
    @Test func powersOfTenUseSuperscripts() {
        #expect(NumberFormat.powerOfTen(-12) == "10⁻¹²")
        #expect(NumberFormat.powerOfTen(0) == "10⁰")
        #expect(NumberFormat.powerOfTen(3) == "10³")
        #expect(NumberFormat.superscript(-45) == "⁻⁴⁵")
    }

    @Test func fixedIsLocaleIndependentAndRounds() {
        #expect(NumberFormat.fixed(0.5, digits: 2) == "0.50")
        #expect(NumberFormat.fixed(2.345678, digits: 3) == "2.346")
        #expect(NumberFormat.fixed(-1.25, digits: 1) == "−1.3")
        #expect(NumberFormat.fixed(-1.25, digits: 1, typographicMinus: false) == "-1.3")
        #expect(NumberFormat.fixed(-0.0001, digits: 2) == "0.00")
        #expect(NumberFormat.fixed(1234, digits: 0) == "1234")
        #expect(NumberFormat.fixed(0.05, digits: 3) == "0.050")
        #expect(NumberFormat.fixed(.nan, digits: 2) == "NaN")
        #expect(NumberFormat.fixed(-.infinity, digits: 2) == "−∞")
    }

    @Test func scientificCarriesAndDropsUnitMantissas() {
        #expect(NumberFormat.scientific(3.2e-12) == "3.2×10⁻¹²")
        #expect(NumberFormat.scientific(9.96e-3) == "1.0×10⁻²")
        #expect(NumberFormat.scientific(1e-6, digits: 0) == "10⁻⁶")
        #expect(NumberFormat.scientific(0.25) == "2.5×10⁻¹")
        #expect(NumberFormat.scientific(0) == "0")
        #expect(NumberFormat.scientific(-4.5e7) == "−4.5×10⁷")
        #expect(NumberFormat.scientific(.nan) == "NaN")
    }

    @Test func percentAndTicks() {
        #expect(NumberFormat.percent(0.953) == "95.3\u{2009}%")
        #expect(NumberFormat.percent(1, digits: 0) == "100\u{2009}%")
        #expect(NumberFormat.tick(0.4, spacing: 0.2) == "0.4")
        #expect(NumberFormat.tick(200, spacing: 100) == "200")
    }
}

@Suite struct TicksTests {
    @Test func layersAreAllLabelledUpToTheLimitThenThinned() {
        #expect(Ticks.layerIndices(count: 21, maxLabels: 31) == Array(0..<21))
        let thinned = Ticks.layerIndices(count: 301, maxLabels: 30)
        #expect(thinned.first == 0)
        #expect(thinned.last == 300)
        #expect(thinned.count <= 30)
        // Labels in between are layer numbers at a nice stride (20 → indices 19, 39, …).
        #expect(thinned.contains(19) && thinned.contains(279))
        // No label crowds the output layer's.
        #expect(!thinned.contains(299))
        #expect(Ticks.layerIndices(count: 1, maxLabels: 10) == [0])
        #expect(Ticks.layerIndices(count: 0, maxLabels: 10) == [])
    }

    @Test func decadesAreThinnedToAStride() {
        #expect(Ticks.decadeExponents(lower: -3, upper: 0, maxCount: 10) == [-3, -2, -1, 0])
        #expect(Ticks.decadeExponents(lower: -13, upper: 0, maxCount: 6) == [-12, -9, -6, -3, 0])
        let labels = Ticks.decades(lower: -12, upper: 0, maxCount: 13).map(\.label)
        #expect(labels.first == "10⁻¹²" && labels.last == "10⁰")
    }

    @Test func shortLogAxesGetTwoAndFiveTimesEachDecade() {
        #expect(Ticks.logarithmic(lower: 0, upper: 1, maxCount: 8).map(\.label) == ["10⁰", "2", "5", "10¹"])
        #expect(Ticks.logarithmic(lower: -3, upper: -2, maxCount: 8).map(\.label) == ["10⁻³", "2×10⁻³", "5×10⁻³", "10⁻²"])
        #expect(Ticks.logarithmic(lower: -12, upper: 0, maxCount: 8) == Ticks.decades(lower: -12, upper: 0, maxCount: 8))
    }

    @Test func linearTicksAreNiceAndInside() {
        let t = Ticks.linear(from: 0, to: 690, maxCount: 7)
        #expect(t.map(\.label) == ["0", "100", "200", "300", "400", "500", "600"])
        #expect(t.allSatisfy { $0.fraction >= 0 && $0.fraction <= 1 })
        #expect(Ticks.niceSpacing(span: 1, maxCount: 5) == 0.2)
    }
}

@Suite struct FigureRunTests {
    @Test func fileNamesAreSanitisedAndUnique() {
        #expect(FigureRun.sanitizedFileName("sigmoid+BatchNorm") == "sigmoid-batchnorm")
        #expect(FigureRun.sanitizedFileName("zeros & NaN/Inf") == "zeros-nan-inf")
        #expect(FigureRun.sanitizedFileName("../..") == "network")
        #expect(FigureRun.sanitizedFileName("relu_2.5") == "relu_2.5")
        let h = FigureFixtures.history([
            FigureFixtures.run("a+b", depth: 2, steps: 3) { _, _ in 1 },
            FigureFixtures.run("a b", depth: 2, steps: 3) { _, _ in 1 },
        ])
        let runs = FigureRun.all(in: h)
        #expect(runs.map(\.fileName) == ["a-b", "a-b-2"])
        #expect(runs.map(\.colorIndex) == [0, 1])
    }
}
