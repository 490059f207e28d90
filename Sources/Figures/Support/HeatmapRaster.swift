import Foundation
import Graphics

/// How the values that share one pixel of a heatmap image are combined.
public enum CellAggregation: Hashable, Sendable {
    /// The mean of log10 of the values (their geometric mean): for gradient norms, whose
    /// typical order of magnitude is what the eye reads.
    case logMean
    /// The arithmetic mean: for fractions 0…1.
    case mean
}

/// How a heatmap pixel's value becomes a colour of a map, the map's special colours included.
public enum HeatmapColoring: Hashable, Sendable {
    /// On a log scale (gradient norms): `scale.color(value, in: map)`.
    case logScale(LogScale, ColorMap)
    /// As a fraction 0…1 (clamped): `map.color(at: value)`, NaN and ±infinity in the non-finite colour.
    case fraction(ColorMap)

    public var map: ColorMap {
        switch self {
        case .logScale(_, let map), .fraction(let map): return map
        }
    }

    /// The index of `value`'s colour in `map.pixelWords`: a map entry, or one of the two special colours after them.
    @inline(__always)
    func pixelIndex(_ value: Double) -> Int {
        switch self {
        case .logScale(let scale, let map):
            switch scale.scale(value) {
            case .position(let t): return map.index(at: t)
            case .underflow: return map.colors.count
            case .nonFinite: return map.colors.count + 1
            }
        case .fraction(let map):
            return value.isFinite ? map.index(at: value) : map.colors.count + 1
        }
    }

}

/// The colour index (in the map's `pixelWords`) of `pow(10, exponent)` on a log scale, read from
/// `exponent` itself whenever that gives the same index as the round trip through `pow`.
///
/// `log10(pow(10, e))` differs from `e` by a few units in the last place (about 10⁻¹³ for
/// |e| ≤ 300, where `pow` neither overflows nor underflows), so when `e`'s position lies farther
/// than 10⁻⁶ of an entry from an entry's edge, both fall in the same entry; closer to an edge, or
/// beyond ±300, only the round trip can tell.
struct ExponentColorIndex {
    let lowerExponent: Double
    let decades: Double
    let count: Double
    let last: Int

    init(_ scale: LogScale, _ map: ColorMap) {
        lowerExponent = Double(scale.lowerExponent)
        decades = Double(scale.decades)
        count = Double(map.colors.count)
        last = map.colors.count - 1
    }

    /// `HeatmapColoring.logScale(scale, map).pixelIndex(pow(10, exponent))`, or nil when only
    /// the round trip can tell.
    @inline(__always)
    func callAsFunction(_ exponent: Double) -> Int? {
        // The arithmetic of `LogScale.position(ofExponent:)` then `ColorMap.index(at:)`, before clamping.
        let x = (exponent - lowerExponent) / decades * count
        let below = x.rounded(.down)
        guard abs(exponent) <= 300, x - below > 1e-6, below + 1 - x > 1e-6 else { return nil }
        return below < 0 ? 0 : below > Double(last) ? last : Int(below)
    }
}

/// Builds heatmap images from per-step, per-layer values, merging cells when they outnumber pixels.
///
/// Special values are never averaged away: if any value of a pixel is NaN or infinite the
/// pixel is NaN (non-finite colour); otherwise, for `.logMean`, if any is zero or negative
/// the pixel is zero (underflow colour); otherwise it is the aggregate of its values.
public enum HeatmapRaster {
    /// The image of `values[step][layer]`: one column per step and one row per layer (the last
    /// layer on the top row), merged into at most `maxColumns` × `maxRows` pixels, each pixel
    /// `coloring`'s colour of its aggregate.
    ///
    /// Rows that are shorter than `layers` count as NaN in the missing layers.
    /// - Complexity: O(steps × layers).
    public static func image(
        values: [[Float]], steps: Int, layers: Int, maxColumns: Int, maxRows: Int,
        aggregation: CellAggregation, coloring: HeatmapColoring
    ) -> RasterImage {
        let columns = max(1, min(steps, maxColumns))
        let rows = max(1, min(layers, maxRows))
        guard steps > 0, layers > 0 else { return RasterImage(width: columns, height: rows) }
        let columnBounds = binBounds(count: steps, bins: columns)
        let rowBounds = binBounds(count: layers, bins: rows)
        // The values as one steps × layers table (NaN where a row is short), read without
        // touching the rows' arrays again for every pixel.
        var table = [Float](repeating: .nan, count: steps * layers)
        for s in 0..<min(steps, values.count) {
            let row = values[s]
            for l in 0..<min(layers, row.count) { table[s * layers + l] = row[l] }
        }
        // Each pixel is one of the map's colours or special colours, converted to bytes once per map.
        let words = coloring.map.pixelWords
        let underflow = coloring.map.colors.count, nonFinite = underflow + 1
        precondition(words.count == nonFinite + 1, "colour map without its special colours")
        // Geometric means on a log scale: the mean exponent goes to its colour without a round
        // trip through pow and log10.
        var exponentIndex: ExponentColorIndex?
        if aggregation == .logMean, case .logScale(let scale, let map) = coloring { exponentIndex = ExponentColorIndex(scale, map) }
        return RasterImage(width: columns, height: rows) { pixels in
            table.withUnsafeBufferPointer { table in
                words.withUnsafeBufferPointer { words in
                    columnBounds.withUnsafeBufferPointer { columnBounds in
                        // Row 0 of the image is the top: the last (output-side) layers. Pixels are written in memory order.
                        var i = 0
                        for y in 0..<rows {
                            let layerRange = rowBounds[rows - 1 - y]..<rowBounds[rows - y]
                            for c in 0..<columns {
                                let steps = columnBounds[c]..<columnBounds[c + 1]
                                let index: Int
                                if let exponentIndex {
                                    switch logMean(table, layers: layers, steps: steps, layerRange: layerRange) {
                                    case .nonFinite: index = nonFinite
                                    case .zero: index = underflow
                                    case .exponent(let e): index = exponentIndex(e) ?? coloring.pixelIndex(pow(10, e))
                                    }
                                } else {
                                    index = coloring.pixelIndex(aggregate(table, layers: layers, steps: steps,
                                                                          layerRange: layerRange, aggregation: aggregation))
                                }
                                pixels.store(words[index], at: i)
                                i += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// `bins + 1` boundaries splitting `0..<count` into `bins` near-equal consecutive ranges.
    static func binBounds(count: Int, bins: Int) -> [Int] {
        (0...bins).map { $0 * count / bins }
    }

    /// A pixel's `.logMean` aggregate, before it is raised to a power of ten.
    enum LogMean: Equatable {
        /// A value is NaN or infinite (or there is none).
        case nonFinite
        /// No value is NaN or infinite, and one is zero or negative.
        case zero
        /// Every value is positive and finite: the mean of their log10.
        case exponent(Double)
    }

    /// The `.logMean` aggregate of `table[step × layers + layer]` over the steps and layers given, as
    /// `aggregate(_:layers:steps:layerRange:aggregation:)` computes it but for the final `pow(10, ·)`.
    @inline(__always)
    static func logMean(_ table: UnsafeBufferPointer<Float>, layers: Int, steps: Range<Int>, layerRange: Range<Int>) -> LogMean {
        var sum = 0.0
        var n = 0
        var zero = false
        for s in steps {
            for l in layerRange {
                let v = Double(table[s * layers + l])
                guard v.isFinite else { return .nonFinite }
                if v > 0 { sum += log10(v); n += 1 } else { zero = true }
            }
        }
        if zero { return .zero }
        guard n > 0 else { return .nonFinite }
        return .exponent(sum / Double(n))
    }

    /// The aggregate of `table[step × layers + layer]` over the steps and layers given.
    static func aggregate(
        _ table: UnsafeBufferPointer<Float>, layers: Int, steps: Range<Int>, layerRange: Range<Int>, aggregation: CellAggregation
    ) -> Double {
        if aggregation == .logMean {
            switch logMean(table, layers: layers, steps: steps, layerRange: layerRange) {
            case .nonFinite: return .nan
            case .zero: return 0
            case .exponent(let e): return pow(10, e)
            }
        }
        var sum = 0.0
        var n = 0
        for s in steps {
            for l in layerRange {
                let v = Double(table[s * layers + l])
                guard v.isFinite else { return .nan }
                sum += v
                n += 1
            }
        }
        guard n > 0 else { return .nan }
        return sum / Double(n)
    }
}
