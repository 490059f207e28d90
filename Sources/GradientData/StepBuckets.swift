/// Which recorded steps share a bucket: step 0 (initialisation) always alone, the rest in runs of
/// `stepsPerBucket` so that at most `maxRows` rows are kept; vanish's recorders and the
/// TensorBoard import share it.
public struct StepBuckets {
    public let recordedSteps: Int
    public let stepsPerBucket: Int
    public let rows: Int

    public init(recordedSteps: Int, maxRows: Int) {
        self.recordedSteps = recordedSteps
        let rest = max(recordedSteps - 1, 0)
        let restRows = max(maxRows - 1, 1)
        stepsPerBucket = max(1, (rest + restRows - 1) / restRows)
        rows = 1 + (rest + stepsPerBucket - 1) / stepsPerBucket
    }

    /// The recorded steps (0-based indices) of each row, in order: [0], then runs of `stepsPerBucket`.
    public var ranges: [Range<Int>] {
        guard recordedSteps > 0 else { return [] }
        return [0..<1] + stride(from: 1, to: recordedSteps, by: stepsPerBucket).map { $0..<min($0 + stepsPerBucket, recordedSteps) }
    }

    /// True when the recorded step with this index (0-based among recorded steps) closes its bucket.
    public func closesBucket(_ index: Int) -> Bool {
        index == 0 || index % stepsPerBucket == 0 || index == recordedSteps - 1
    }
}
