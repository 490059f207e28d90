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

/// Builds heatmap images from per-step, per-layer values, merging cells when they outnumber pixels.
///
/// Special values are never averaged away: if any value of a pixel is NaN or infinite the
/// pixel is NaN (non-finite colour); otherwise, for `.logMean`, if any is zero or negative
/// the pixel is zero (underflow colour); otherwise it is the aggregate of its values.
public enum HeatmapRaster {
    /// The image of `values[step][layer]`: one column per step and one row per layer (the last
    /// layer on the top row), merged into at most `maxColumns` × `maxRows` pixels.
    ///
    /// Rows that are shorter than `layers` count as NaN in the missing layers.
    /// - Complexity: O(steps × layers).
    public static func image(
        values: [[Float]], steps: Int, layers: Int, maxColumns: Int, maxRows: Int,
        aggregation: CellAggregation, color: (Double) -> Color
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
        var pixels = [UInt8](repeating: 0, count: columns * rows * 4)
        table.withUnsafeBufferPointer { table in
            pixels.withUnsafeMutableBufferPointer { pixels in
                // Row 0 of the image is the top: the last (output-side) layers. Pixels are written
                // in memory order; neighbours along a row often share a colour, converted to bytes once.
                var last: (color: Color, bytes: (UInt8, UInt8, UInt8, UInt8))?
                var i = 0
                for y in 0..<rows {
                    let r = rows - 1 - y
                    for c in 0..<columns {
                        let v = aggregate(table, layers: layers, steps: columnBounds[c]..<columnBounds[c + 1],
                                          layerRange: rowBounds[r]..<rowBounds[r + 1], aggregation: aggregation)
                        let pixel = color(v)
                        if last?.color != pixel { last = (pixel, RasterImage.bytes(pixel)) }
                        let b = last!.bytes
                        pixels[i] = b.0
                        pixels[i + 1] = b.1
                        pixels[i + 2] = b.2
                        pixels[i + 3] = b.3
                        i += 4
                    }
                }
            }
        }
        return RasterImage(width: columns, height: rows, pixels: pixels)
    }

    /// `bins + 1` boundaries splitting `0..<count` into `bins` near-equal consecutive ranges.
    static func binBounds(count: Int, bins: Int) -> [Int] {
        (0...bins).map { $0 * count / bins }
    }

    /// The aggregate of `table[step × layers + layer]` over the steps and layers given.
    static func aggregate(
        _ table: UnsafeBufferPointer<Float>, layers: Int, steps: Range<Int>, layerRange: Range<Int>, aggregation: CellAggregation
    ) -> Double {
        var sum = 0.0
        var n = 0
        var zero = false
        for s in steps {
            for l in layerRange {
                let v = Double(table[s * layers + l])
                guard v.isFinite else { return .nan }
                switch aggregation {
                case .logMean:
                    if v > 0 { sum += log10(v); n += 1 } else { zero = true }
                case .mean:
                    sum += v
                    n += 1
                }
            }
        }
        if zero { return 0 }
        guard n > 0 else { return .nan }
        return aggregation == .logMean ? pow(10, sum / Double(n)) : sum / Double(n)
    }
}
