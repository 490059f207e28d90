import Foundation
import Testing
@testable import Figures
import Graphics

/// Heatmap images are coloured through each map's table of pixel words, and geometric means go
/// to their colour from their exponent: both must give exactly the bytes of the direct computation.
@Suite struct HeatmapColoringTests {
    @Test func pixelWordsAreTheBytesOfEachColour() {
        for map in ColorMap.all + ColorMap.all.map({ $0.reversed() }) {
            let colors = map.colors + [map.underflowColor, map.nonFiniteColor]
            #expect(map.pixelWords.count == colors.count)
            for (word, color) in zip(map.pixelWords, colors) {
                let image = RasterImage(width: 1, height: 1) { $0.store(word, at: 0) }
                let b = RasterImage.bytes(color)
                #expect(image.pixels == [b.0, b.1, b.2, b.3])
            }
        }
    }

    /// Exponents on, beside and between the edges of every entry, on narrow, wide and extreme scales.
    @Test func anExponentsColourIsTheColourOfItsPowerOfTen() {
        for (lower, upper) in [(-1, 0), (-3, 0), (-13, 1), (-45, 39), (250, 310), (-330, -300)] {
            let scale = LogScale(lowerExponent: lower, upperExponent: upper)
            let coloring = HeatmapColoring.logScale(scale, .viridis)
            let index = ExponentColorIndex(scale, .viridis)
            let width = Double(scale.decades) / 256
            var mismatches = 0, roundTrips = 0
            for k in -2...258 {
                let edge = Double(lower) + Double(k) * width
                var probes = [edge, edge + width / 2]
                var up = edge, down = edge
                for _ in 0..<8 {
                    up = up.nextUp
                    down = down.nextDown
                    probes += [up, down]
                }
                for d in [1e-12, 1e-9, 1e-7, 1e-6, 2e-6, 1e-5] { probes += [edge + d * width, edge - d * width] }
                for p in probes {
                    guard let i = index(p) else { roundTrips += 1; continue }
                    if i != coloring.pixelIndex(pow(10, p)) { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "scale 10^\(lower)…10^\(upper)")
            // Exponents on an edge are left to the round trip.
            #expect(roundTrips > 0)
        }
    }

    @Test func imagesAreTheBytesOfTheDirectComputation() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        // 300 steps × 9 layers of gradient-like values with a few NaN, infinite, zero and negative
        // cells, and one short row.
        var values = (0..<300).map { _ in
            (0..<9).map { _ -> Float in
                let u = next()
                if u < 0.004 { return .nan }
                if u < 0.006 { return .infinity }
                if u < 0.012 { return 0 }
                if u < 0.014 { return -1e-3 }
                return Float(pow(10, -14 + 15 * next()))
            }
        }
        values[17].removeLast(3)
        let fractions = values.map { $0.map { $0.isFinite ? min(1, abs($0) * 1e6) : $0 } }
        let scale = LogScale(lowerExponent: -14, upperExponent: 1)
        let cases: [(values: [[Float]], aggregation: CellAggregation, coloring: HeatmapColoring, color: (Double) -> Color)] = [
            (values, .logMean, .logScale(scale, .viridis), { scale.color($0, in: .viridis) }),
            (values, .logMean, .logScale(LogScale(lowerExponent: -6, upperExponent: -2), .cividis),
             { LogScale(lowerExponent: -6, upperExponent: -2).color($0, in: .cividis) }),
            (values, .mean, .logScale(scale, .viridis), { scale.color($0, in: .viridis) }),
            (fractions, .mean, .fraction(ColorMap.magma.reversed()), { ColorMap.magma.reversed().color(at: $0) }),
        ]
        for (values, aggregation, coloring, color) in cases {
            for (maxColumns, maxRows) in [(1000, 100), (300, 9), (299, 8), (117, 4), (1, 1)] {
                let image = HeatmapRaster.image(values: values, steps: 300, layers: 9, maxColumns: maxColumns, maxRows: maxRows,
                                                aggregation: aggregation, coloring: coloring)
                let expected = Self.directImage(values: values, steps: 300, layers: 9, maxColumns: maxColumns, maxRows: maxRows,
                                                aggregation: aggregation, color: color)
                #expect(image == expected, "\(aggregation), at most \(maxColumns) × \(maxRows)")
            }
        }
    }

    /// Each pixel's aggregate by the definition (NaN anywhere: NaN; for `.logMean`, a zero or
    /// negative value: 0; otherwise `pow(10, mean of log10)` or the mean), then its colour's bytes.
    static func directImage(
        values: [[Float]], steps: Int, layers: Int, maxColumns: Int, maxRows: Int,
        aggregation: CellAggregation, color: (Double) -> Color
    ) -> RasterImage {
        let columns = min(steps, maxColumns), rows = min(layers, maxRows)
        var image = RasterImage(width: columns, height: rows)
        for y in 0..<rows {
            let r = rows - 1 - y
            for c in 0..<columns {
                var cells: [Double] = []
                for s in (c * steps / columns)..<((c + 1) * steps / columns) {
                    for l in (r * layers / rows)..<((r + 1) * layers / rows) {
                        cells.append(l < values[s].count ? Double(values[s][l]) : .nan)
                    }
                }
                let value: Double
                if cells.contains(where: { !$0.isFinite }) {
                    value = .nan
                } else if aggregation == .logMean {
                    value = cells.contains { $0 <= 0 } ? 0 : pow(10, cells.map(log10).reduce(0, +) / Double(cells.count))
                } else {
                    value = cells.reduce(0, +) / Double(cells.count)
                }
                image[c, y] = color(value)
            }
        }
        return image
    }
}
