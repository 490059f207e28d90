extension GradientHistory {
    /// The history as it stood when training reached `step`: every run keeps the recorded rows
    /// whose step is at most `step` (a bucket is kept if it starts by then), and the test results
    /// computed by then. Figures drawn from it show that moment of training, as a still or as one
    /// frame of an animation.
    ///
    /// The spec is kept whole: it says what was asked for, not how far training got.
    public func truncated(atStep step: Int) -> GradientHistory {
        GradientHistory(spec: spec, runs: runs.map { $0.truncated(atStep: step) }, schema: schema)
    }
}

extension RunHistory {
    /// The run with the rows recorded up to `step` (see `GradientHistory.truncated(atStep:)`).
    public func truncated(atStep step: Int) -> RunHistory {
        let rows = steps.prefix { $0 <= step }.count
        // At or past the last recorded step nothing is cut (a history that recorded every k-th
        // step still ends with its last epoch's test accuracy).
        guard rows < steps.count else { return self }
        func cut<T>(_ table: [T]) -> [T] { Array(table.prefix(rows)) }
        var out = self
        out.steps = cut(steps)
        out.stats = LayerStats(
            weightGradNorm: cut(stats.weightGradNorm), biasGradNorm: cut(stats.biasGradNorm), deltaNorm: cut(stats.deltaNorm),
            activationMean: cut(stats.activationMean), activationStd: cut(stats.activationStd),
            saturatedFraction: cut(stats.saturatedFraction), deadFraction: cut(stats.deadFraction),
            updateRatio: cut(stats.updateRatio), weightGradNormMin: cut(stats.weightGradNormMin),
            weightGradNormMax: cut(stats.weightGradNormMax))
        out.loss = cut(loss)
        out.trainAccuracy = cut(trainAccuracy)
        // Test accuracy is measured after each epoch: keep the epochs finished once step `step`'s
        // update is made (steps count from 0, so the last step ends the last epoch).
        let done = settings.steps > 0 ? (Double(max(0, step)) + 1) / Double(settings.steps) * Double(testAccuracy.count) : 0
        let epochsDone = min(testAccuracy.count, Int(min(done, Double(testAccuracy.count)).rounded(.down)))
        out.testAccuracy = Array(testAccuracy.prefix(epochsDone))
        if let diverged, diverged > step { out.diverged = nil }
        if var time {
            time.hiddenGradNorm = cut(time.hiddenGradNorm)
            time.cellGradNorm = cut(time.cellGradNorm)
            time.gateMean = cut(time.gateMean)
            time.saturatedFraction = cut(time.saturatedFraction)
            let evaluations = time.evaluationSteps.prefix { $0 <= step }.count
            time.evaluationSteps = Array(time.evaluationSteps.prefix(evaluations))
            time.testMetric = Array(time.testMetric.prefix(evaluations))
            out.time = time
        }
        return out
    }
}
