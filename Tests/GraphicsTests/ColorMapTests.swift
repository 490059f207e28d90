import Testing
import Graphics

@Suite struct ColorMapTests {
    @Test func tablesHave256EntriesWithThePublishedEnds() {
        for map in ColorMap.all { #expect(map.colors.count == 256) }
        // First and last entries of matplotlib's published tables.
        #expect(ColorMap.viridis.colors[0] == Color(red: 0.267004, green: 0.004874, blue: 0.329415))
        #expect(ColorMap.viridis.colors[255] == Color(red: 0.993248, green: 0.906157, blue: 0.143936))
        #expect(ColorMap.magma.colors[0] == Color(red: 0.001462, green: 0.000466, blue: 0.013866))
        #expect(ColorMap.cividis.colors[0] == Color(red: 0.000000, green: 0.135112, blue: 0.304751))
    }

    @Test func lookupPicksTheEntryAtThePosition() {
        let m = ColorMap.viridis
        #expect(m.color(at: 0) == m.colors[0])
        #expect(m.color(at: 1) == m.colors[255])
        #expect(m.color(at: 0.5) == m.colors[128])
        #expect(m.color(at: -3) == m.colors[0])
        #expect(m.color(at: 7) == m.colors[255])
        #expect(m.color(at: .nan) == m.nonFiniteColor)
        #expect(ColorMap.named("magma") == .magma)
        #expect(ColorMap.named("jet") == nil)
        let r = m.reversed()
        #expect(r.name == "viridis_r")
        #expect(r.color(at: 0) == m.colors[255] && r.color(at: 1) == m.colors[0])
        #expect(r.reversed() == m)
    }

    @Test func specialColoursAreFarFromEveryMapColour() {
        func distance(_ a: Color, _ b: Color) -> Double {
            ((a.red - b.red) * (a.red - b.red) + (a.green - b.green) * (a.green - b.green)
                + (a.blue - b.blue) * (a.blue - b.blue)).squareRoot()
        }
        for map in ColorMap.all {
            for special in [map.underflowColor, map.nonFiniteColor] {
                let nearest = map.colors.map { distance($0, special) }.min() ?? 0
                #expect(nearest > 0.2, "\(map.name): a special colour is close to the map")
            }
            #expect(distance(map.underflowColor, map.nonFiniteColor) > 0.5)
        }
    }
}

@Suite struct LogScaleTests {
    @Test func coveringRoundsOutToWholeDecadesAndSkipsSpecialValues() {
        let s = LogScale.covering([Float(3e-13), 0, .nan, .infinity, -2, 0.04, 0.5])
        #expect(s.lowerExponent == -13)
        #expect(s.upperExponent == 0)
        #expect(s.decades == 13)
        let rows = LogScale.covering(rows: [[3e-13, 0, .nan], [.infinity, -2, 0.04, 0.5]])
        #expect(rows == s)
        let exact = LogScale.covering([1e-3, 1e2])
        #expect(exact.lowerExponent == -3 && exact.upperExponent == 2)
    }

    @Test func noUsableValueGivesTheFallbackAndOneValueOneDecade() {
        #expect(LogScale.covering([Double.nan, 0]) == LogScale(lowerExponent: -1, upperExponent: 0))
        let one = LogScale.covering([1.0])
        #expect(one.lowerExponent == 0 && one.upperExponent == 1)
    }

    @Test func scaleClassifiesAndPlacesValues() {
        let s = LogScale(lowerExponent: -12, upperExponent: 0)
        #expect(s.scale(1e-6) == .position(0.5))
        #expect(s.scale(1) == .position(1))
        #expect(s.scale(1e-20) == .position(0))
        #expect(s.scale(0) == .underflow)
        #expect(s.scale(.nan) == .nonFinite)
        #expect(s.scale(-.infinity) == .nonFinite)
        #expect(s.color(0, in: .viridis) == ColorMap.viridis.underflowColor)
        #expect(s.color(.infinity, in: .viridis) == ColorMap.viridis.nonFiniteColor)
    }
}

@Suite struct TextBoundsTests {
    struct FixedMeasurer: TextMeasurer {
        func measure(_ text: String, style: TextStyle) -> TextExtents {
            TextExtents(width: Double(text.count) * 10, ascent: 8, descent: 2)
        }
    }

    @Test func boxesFollowAnchorBaselineAndRotation() {
        var scene = Scene(width: 100, height: 100)
        scene.text("abcd", at: Point(50, 50), style: TextStyle(size: 10, anchor: .middle, baseline: .top))
        scene.text("ab", at: Point(10, 50), style: TextStyle(size: 10, anchor: .middle, baseline: .bottom), rotation: -Double.pi / 2)
        let boxes = scene.placedTexts(measurer: FixedMeasurer()).map(\.bounds)
        #expect(boxes[0] == Rect(x: 30, y: 50, width: 40, height: 10))
        // Rotated a quarter turn counter-clockwise: the text stands left of its anchor.
        #expect(abs(boxes[1].minX - 0) < 1e-9 && abs(boxes[1].maxX - 10) < 1e-9)
        #expect(abs(boxes[1].minY - 40) < 1e-9 && abs(boxes[1].maxY - 60) < 1e-9)
    }
}
