import Foundation

/// A tick on an axis: where it sits (0 = start of the axis, 1 = end) and its label.
public struct Tick: Hashable, Sendable {
    public var fraction: Double
    public var label: String

    public init(fraction: Double, label: String) {
        self.fraction = fraction
        self.label = label
    }
}

/// Tick placement for linear, logarithmic and layer axes.
public enum Ticks {
    /// A "nice" spacing (1, 2 or 5 × 10ⁿ) giving at most `maxCount` intervals over `span`.
    public static func niceSpacing(span: Double, maxCount: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, maxCount))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return 10 * magnitude
    }

    /// Ticks at multiples of a nice spacing inside `lo…hi`, at most about `maxCount` of them.
    public static func linear(from lo: Double, to hi: Double, maxCount: Int,
                              label: (Double, Double) -> String = NumberFormat.tick) -> [Tick] {
        guard hi > lo, lo.isFinite, hi.isFinite else {
            return [Tick(fraction: 0.5, label: label(lo, 1))]
        }
        let step = niceSpacing(span: hi - lo, maxCount: maxCount)
        var out: [Tick] = []
        // Counted, not stepped until past `hi`: far from 0 (a step near 2^53) adding 1 to a Double
        // can leave it unchanged, and such a loop would never end.
        let first = (lo / step).rounded(.up)
        let last = ((hi + step * 1e-9) / step).rounded(.down)
        guard last >= first else { return [Tick(fraction: 0.5, label: label(lo, 1))] }
        let count = Int(min(last - first, Double(2 * max(1, maxCount) + 2))) + 1
        for i in 0..<count {
            let v = (first + Double(i)) * step
            if let previous = out.last, v - lo <= previous.fraction * (hi - lo) { continue }
            out.append(Tick(fraction: (v - lo) / (hi - lo), label: label(v == 0 ? 0 : v, step)))
        }
        return out
    }

    /// Exponents of the decades to label between `lower` and `upper` (inclusive): every
    /// `stride`-th decade, stride from 1, 2, 3, 5, 10, 20, … so at most `maxCount` labels.
    public static func decadeExponents(lower: Int, upper: Int, maxCount: Int) -> [Int] {
        guard upper >= lower else { return [lower] }
        let strides = [1, 2, 3, 5, 10, 20, 25, 50, 100, 200, 500, 1000]
        let span = upper - lower
        let stride = strides.first { span / $0 + 1 <= max(2, maxCount) } ?? span
        let first = Int((Double(lower) / Double(stride)).rounded(.up)) * stride
        return Array(Swift.stride(from: first, through: upper, by: stride))
    }

    /// Decade ticks for a log axis spanning `10^lower … 10^upper`, labelled `10ⁿ`.
    public static func decades(lower: Int, upper: Int, maxCount: Int) -> [Tick] {
        let span = Double(max(1, upper - lower))
        return decadeExponents(lower: lower, upper: upper, maxCount: maxCount).map {
            Tick(fraction: Double($0 - lower) / span, label: NumberFormat.powerOfTen($0))
        }
    }

    /// Ticks for a log axis: decades (`10ⁿ`), plus 2× and 5× each decade when the axis spans
    /// at most two decades, so a short axis still has enough labels to read values from.
    public static func logarithmic(lower: Int, upper: Int, maxCount: Int) -> [Tick] {
        let decades = self.decades(lower: lower, upper: upper, maxCount: maxCount)
        guard upper - lower <= 2, maxCount >= 3 * (upper - lower) + 1 else { return decades }
        let span = Double(upper - lower)
        var out = decades
        for e in lower..<upper {
            for m in [2.0, 5.0] {
                let v = m * pow(10, Double(e))
                let label = (e >= 0 && e <= 2) ? NumberFormat.fixed(v, digits: 0) : NumberFormat.scientific(v, digits: 0)
                out.append(Tick(fraction: (log10(v) - Double(lower)) / span, label: label))
            }
        }
        return out.sorted { $0.fraction < $1.fraction }
    }

    /// Which of `count` layers (0-based, input side first) get a label when at most `maxLabels` fit.
    ///
    /// All layers up to `maxLabels`; beyond that, layer 1, every multiple of a nice stride
    /// (2, 5, 10, 20, 50, …) and the last layer, dropping a multiple that crowds the last one.
    public static func layerIndices(count: Int, maxLabels: Int) -> [Int] {
        guard count > 0 else { return [] }
        let maxLabels = max(2, maxLabels)
        if count <= maxLabels { return Array(0..<count) }
        let strides = [2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000]
        let stride = strides.first { count / $0 + 2 <= maxLabels } ?? max(1, count)
        var out = [0]
        // Layer numbers are 1-based, so label numbers stride, 2·stride, … (indices one less).
        // Drop a multiple within half a stride of layer 1 or the last layer: it would crowd their labels.
        var number = stride
        let half = Double(stride) / 2
        while number < count {
            if Double(number - 1) > half && Double(count - number) > half { out.append(number - 1) }
            number += stride
        }
        out.append(count - 1)
        return out
    }
}
