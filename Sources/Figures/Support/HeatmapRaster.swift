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
        var image = RasterImage(width: columns, height: rows)
        guard steps > 0, layers > 0 else { return image }
        let columnBounds = binBounds(count: steps, bins: columns)
        let rowBounds = binBounds(count: layers, bins: rows)
        for c in 0..<columns {
            for r in 0..<rows {
                let v = aggregate(values, steps: columnBounds[c]..<columnBounds[c + 1],
                                  layers: rowBounds[r]..<rowBounds[r + 1], aggregation: aggregation)
                // Row 0 is the top of the image: the last (output-side) layers.
                image[c, rows - 1 - r] = color(v)
            }
        }
        return image
    }

    /// `bins + 1` boundaries splitting `0..<count` into `bins` near-equal consecutive ranges.
    static func binBounds(count: Int, bins: Int) -> [Int] {
        (0...bins).map { $0 * count / bins }
    }

    static func aggregate(_ values: [[Float]], steps: Range<Int>, layers: Range<Int>, aggregation: CellAggregation) -> Double {
        var sum = 0.0
        var n = 0
        var zero = false
        for s in steps {
            let row = s < values.count ? values[s] : []
            for l in layers {
                let v = l < row.count ? Double(row[l]) : .nan
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
