import GradientData

/// One run's values as they stream in from its event files, with TensorBoard's restart rule applied.
///
/// Gradient norms are kept per tag in columns aligned to `rowSteps` (every step at which some
/// gradient tag was logged, ascending): 4 bytes per logged value, whatever the events around it
/// held. Loss and accuracy tags are kept as (step, value) series.
///
/// The restart rule: when a tag's step is not after its previous one, its points from that step on
/// are dropped and the new ones kept; a `SessionLog` START drops every tag's points from its step on.
struct RunLog {
    /// A gradient tag's column.
    struct GradientColumn {
        let tag: String
        let parameter: String
        let fromHistogram: Bool
        /// One value per row from the first; shorter than `rowSteps` when the last rows lack it.
        var values: [Float] = []
        var lastStep = Int64.min
    }

    /// A loss or accuracy tag's points, steps ascending.
    struct ScalarSeries {
        let tag: String
        var steps: [Int64] = []
        var values: [Float] = []

        mutating func add(step: Int64, value: Float) {
            if let last = steps.last, step <= last { truncate(from: step) }
            steps.append(step)
            values.append(value)
        }

        /// Drops the points at `step` and later.
        mutating func truncate(from step: Int64) {
            let keep = RunLog.firstIndex(in: steps, atLeast: step)
            steps.removeSubrange(keep...)
            values.removeSubrange(keep...)
        }
    }

    /// A value that no event supplied (a NaN the log itself never holds: its NaNs are stored as `.nan`).
    static let absent = Float(bitPattern: 0x7FC0_DEAD)

    static func isAbsent(_ value: Float) -> Bool { value.bitPattern == absent.bitPattern }

    var rowSteps: [Int64] = []
    var gradients: [GradientColumn] = []
    var losses: [ScalarSeries] = []
    var trainAccuracies: [ScalarSeries] = []
    var testAccuracies: [ScalarSeries] = []
    /// Every tag seen, in order of first appearance (for the message when no gradient tag is found).
    var tags: [String] = []
    /// Tags that no rule claimed, in order of first appearance.
    var unmatched: [String] = []

    /// Appends (or, after a restart, places) `value` for gradient column `column` at `step`.
    mutating func addGradient(_ value: Float, column: Int, step: Int64) {
        let stored = value.isNaN ? Float.nan : value
        if step <= gradients[column].lastStep {
            let keep = Self.firstIndex(in: rowSteps, atLeast: step)
            if gradients[column].values.count > keep { gradients[column].values.removeSubrange(keep...) }
        }
        gradients[column].lastStep = step
        let row = self.row(for: step)
        if gradients[column].values.count <= row {
            gradients[column].values.append(contentsOf: repeatElement(Self.absent, count: row - gradients[column].values.count))
            gradients[column].values.append(stored)
        } else {
            gradients[column].values[row] = stored
        }
    }

    /// TensorBoard's reading of a `SessionLog` START at `step`: the session restarted from there.
    mutating func restart(at step: Int64) {
        let keep = Self.firstIndex(in: rowSteps, atLeast: step)
        for column in gradients.indices where gradients[column].lastStep >= step {
            if gradients[column].values.count > keep { gradients[column].values.removeSubrange(keep...) }
            gradients[column].lastStep = step - 1
        }
        for index in losses.indices { losses[index].truncate(from: step) }
        for index in trainAccuracies.indices { trainAccuracies[index].truncate(from: step) }
        for index in testAccuracies.indices { testAccuracies[index].truncate(from: step) }
    }

    /// The row of `step`, made when no gradient was logged at it before.
    private mutating func row(for step: Int64) -> Int {
        if let last = rowSteps.last, step <= last {
            let index = Self.firstIndex(in: rowSteps, atLeast: step)
            if rowSteps[index] == step { return index }
            // A step between logged ones (after a restart with other spacing): a new row in its place.
            rowSteps.insert(step, at: index)
            for column in gradients.indices where gradients[column].values.count > index {
                gradients[column].values.insert(Self.absent, at: index)
            }
            return index
        }
        rowSteps.append(step)
        return rowSteps.count - 1
    }

    /// The first index whose step is `step` or later (`steps.count` if none), by bisection.
    static func firstIndex(in steps: [Int64], atLeast step: Int64) -> Int {
        var low = 0, high = steps.count
        while low < high {
            let middle = (low + high) / 2
            if steps[middle] < step { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
