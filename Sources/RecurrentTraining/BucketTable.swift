import Foundation
import GradientData
import MLPTraining

/// How values that share a bucket combine: norms by their geometric mean (they are drawn on log
/// scales), shares and means by their arithmetic mean.
///
/// A NaN makes a geometric mean NaN; else an infinity makes it infinite; else a 0 (an underflow)
/// makes it 0. Nothing is hidden (as `LayerStats` documents for the MLP).
enum BucketMean {
    case geometric
    case arithmetic

    /// The mean of `count` values starting at `values`, `stride` apart.
    func of(_ values: UnsafePointer<Float>, count: Int, stride: Int = 1) -> Float {
        var sum = 0.0
        var sawNaN = false, sawInfinity = false, sawZero = false
        for k in 0..<count {
            let value = values[k * stride]
            switch self {
            case .arithmetic:
                sum += Double(value)
            case .geometric:
                if value.isNaN { sawNaN = true }
                else if value.isInfinite { sawInfinity = true }
                else if value == 0 { sawZero = true }
                else { sum += log(Double(abs(value))) }
            }
        }
        switch self {
        case .arithmetic:
            return Float(sum / Double(count))
        case .geometric:
            if sawNaN { return .nan }
            if sawInfinity { return .infinity }
            if sawZero { return 0 }
            return Float(exp(sum / Double(count)))
        }
    }
}

/// A table of `width` columns whose rows are bucket means of the rows added to them, held in one
/// block allocated up front (recording allocates nothing per step).
struct BucketTable {
    let width: Int
    let mean: BucketMean
    private let values: FloatBuffer
    /// The rows of the open bucket, waiting to be combined.
    private let pending: FloatBuffer
    private let bucketCapacity: Int
    private(set) var rows = 0
    private var pendingCount = 0

    init(width: Int, rows capacity: Int, stepsPerBucket: Int, mean: BucketMean) {
        self.width = width
        self.mean = mean
        values = FloatBuffer(capacity * width)
        pending = FloatBuffer(stepsPerBucket * width)
        bucketCapacity = stepsPerBucket
    }

    /// Adds one row to the open bucket (`row` holds `width` values).
    mutating func add(_ row: UnsafePointer<Float>) {
        (pending.pointer + pendingCount * width).update(from: row, count: width)
        pendingCount += 1
    }

    /// Writes the open bucket's means as the next row.
    mutating func close() {
        guard pendingCount > 0 else { return }
        let out = values.pointer + rows * width
        for column in 0..<width {
            out[column] = mean.of(pending.pointer + column, count: pendingCount, stride: width)
        }
        rows += 1
        pendingCount = 0
    }

    var table: [[Float]] {
        (0..<rows).map { Array(UnsafeBufferPointer(start: values.pointer + $0 * width, count: width)) }
    }
}
